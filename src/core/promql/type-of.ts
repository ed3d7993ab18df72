import type { Expr, ValueType } from './ast.js';
import { FUNCTION_SIGNATURES } from './function-signatures.js';

/** The PromQL type of an expression, as Prometheus's parser computes it. */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector-selector':
      return 'vector';
    case 'matrix-selector':
      return 'matrix';
    case 'call':
      return FUNCTION_SIGNATURES[e.func]?.returns ?? 'vector';
    case 'aggregate':
      return 'vector';
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
  }
}
