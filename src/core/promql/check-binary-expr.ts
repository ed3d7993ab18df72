import type { BinaryOp, Cardinality, ValueType, VectorMatching } from './ast.js';
import { isComparisonOp, isSetOp } from './ast.js';

/** What a binary expression was written with, before checking. */
export interface BinaryParts {
  readonly op: BinaryOp;
  readonly lhsType: ValueType;
  readonly rhsType: ValueType;
  readonly returnBool: boolean;
  readonly on: boolean;
  readonly labels: readonly string[];
  readonly include: readonly string[];
  /** From group_left / group_right; one-to-one otherwise. */
  readonly card: Cardinality;
}

/** Where a problem should be reported: the operator, an operand, or the whole expression. */
export type Blame = 'operator' | 'lhs' | 'rhs' | 'expression';

export type BinaryCheck =
  | { readonly ok: true; readonly matching: VectorMatching | undefined }
  | { readonly ok: false; readonly blame: Blame; readonly message: string };

/**
 * Prometheus 2.42's parse-time rules for binary expressions (checkAST): bool only on
 * comparisons, scalar comparisons only with bool, operands scalar or instant vector, vector
 * matching only between vectors, set operators many-to-many and never on scalars.
 */
export function checkBinaryExpr(p: BinaryParts): BinaryCheck {
  const fail = (blame: Blame, message: string): BinaryCheck => ({ ok: false, blame, message });
  if (p.returnBool && !isComparisonOp(p.op)) return fail('operator', 'bool modifier can only be used on comparison operators');
  if (isComparisonOp(p.op) && !p.returnBool && p.lhsType === 'scalar' && p.rhsType === 'scalar') {
    return fail('operator', 'comparisons between scalars must use BOOL modifier');
  }
  if (p.on) {
    const both = p.labels.find((l) => p.include.includes(l));
    if (both !== undefined) return fail('operator', `label "${both}" must not occur in ON and GROUP clause at once`);
  }
  const operand = 'binary expression must contain only scalar and instant vector types';
  if (p.lhsType !== 'scalar' && p.lhsType !== 'vector') return fail('lhs', operand);
  if (p.rhsType !== 'scalar' && p.rhsType !== 'vector') return fail('rhs', operand);
  let matching: VectorMatching | undefined;
  if (p.lhsType === 'vector' && p.rhsType === 'vector') {
    let card = p.card;
    if (isSetOp(p.op)) {
      if (card !== 'one-to-one') return fail('expression', `no grouping allowed for "${p.op}" operation`);
      card = 'many-to-many';
    }
    matching = { card, on: p.on, labels: p.labels, include: p.include };
  } else if (p.labels.length > 0) {
    return fail('expression', 'vector matching only allowed between instant vectors');
  }
  if ((p.lhsType === 'scalar' || p.rhsType === 'scalar') && isSetOp(p.op)) {
    return fail('expression', `set operator "${p.op}" not allowed in binary scalar expression`);
  }
  return { ok: true, matching };
}
