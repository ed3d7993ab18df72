import { parser } from '@prometheus-io/lezer-promql';
import type { LabelMatcher, MatchType } from '../store/label-matcher.js';
import { compileAnchoredGoRegexp, GoRegexpError } from '../store/go-regexp.js';
import { matchesEmpty } from '../store/label-matcher.js';
import type {
  AggregateOp,
  BinaryOp,
  Cardinality,
  Expr,
  MatrixSelector,
  ValueType,
  VectorSelector,
} from './ast.js';
import { checkBinaryExpr } from './check-binary-expr.js';
import { FUNCTION_SIGNATURES, UNSUPPORTED_FUNCTIONS } from './function-signatures.js';
import { describeUnexpected, firstErrorOffset } from './lezer-syntax-error.js';
import { parseDuration } from './parse-duration.js';
import { parseNumber } from './parse-number.js';
import { HOLT_WINTERS, renameHoltWinters, SMOOTHING } from './rename-holt-winters.js';
import { syntaxError, unsupportedError } from './promql-errors.js';
import { typeOf } from './type-of.js';
import { unquoteString } from './unquote-string.js';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Atan2: 'atan2',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const MATCH_OPS: Readonly<Record<string, MatchType>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

const AGGREGATE_OPS = new Set<string>([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
]);

const DOC_TYPE: Readonly<Record<ValueType, string>> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};

/**
 * Parses a PromQL expression into the evaluator's AST, with the checks Prometheus 2.42 makes
 * at parse time (types, vector matching, selectors that could match everything). The grammar
 * is Prometheus 3's (lezer-promql), so constructs 2.42 does not know, and 2.42 features this
 * evaluator leaves out, fail with PROMQL_UNSUPPORTED instead of being read some other way.
 * Errors are PROMQL_SYNTAX and name the 1-based column.
 */
export function parsePromql(input: string): Expr {
  const renamed = renameHoltWinters(input);
  const tree = parser.parse(renamed.text);
  const errorAt = firstErrorOffset(tree);
  if (errorAt !== undefined) {
    const at = renamed.toOriginal(errorAt);
    throw syntaxError(input, at, describeUnexpected(input, at));
  }
  const top = tree.topNode.firstChild;
  if (!top) throw syntaxError(input, 0, 'no expression found in input');
  return new AstBuilder(renamed.text, input, renamed.toOriginal).build(top);
}

class AstBuilder {
  constructor(
    private readonly input: string,
    private readonly original: string,
    private readonly toOriginal: (offset: number) => number,
  ) {}

  build(node: SyntaxNode): Expr {
    switch (node.name) {
      case 'ParenExpr': {
        const inner = this.build(this.exprChildren(node)[0]!);
        return { kind: 'paren', expr: inner, start: node.from, end: node.to };
      }
      case 'NumberDurationLiteral':
        return this.numberLiteral(node);
      case 'StringLiteral':
        return { kind: 'string', value: this.stringValue(node), start: node.from, end: node.to };
      case 'VectorSelector':
        return this.vectorSelector(node);
      case 'MatrixSelector':
        return this.matrixSelector(node);
      case 'OffsetExpr':
        return this.offsetExpr(node);
      case 'UnaryExpr': {
        const op = this.text(node.getChild('UnaryOp')!).trim() as '+' | '-';
        const inner = this.build(this.exprChildren(node)[0]!);
        const t = typeOf(inner);
        if (t !== 'scalar' && t !== 'vector') {
          throw this.error(node, `unary expression only allowed on expressions of type scalar or instant vector, got "${DOC_TYPE[t]}"`);
        }
        return { kind: 'unary', op, expr: inner, start: node.from, end: node.to };
      }
      case 'FunctionCall':
        return this.call(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'SubqueryExpr':
        throw this.unsupported(node, 'subqueries (expr[range:step])');
      case 'StepInvariantExpr':
        throw this.unsupported(node, 'the @ modifier');
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        throw this.unsupported(node, 'the anchored/smoothed modifiers (Prometheus 3)');
      default:
        throw this.error(node, `unexpected ${JSON.stringify(this.text(node))}`);
    }
  }

  private text(node: SyntaxNode): string {
    return this.input.slice(node.from, node.to);
  }

  private error(node: SyntaxNode | number, message: string): Error {
    return syntaxError(this.original, this.toOriginal(typeof node === 'number' ? node : node.from), message);
  }

  private unsupported(node: SyntaxNode, feature: string): Error {
    return unsupportedError(this.original, this.toOriginal(node.from), feature);
  }

  private children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  private exprChildren(node: SyntaxNode): SyntaxNode[] {
    return this.children(node).filter((c) => c.type.is('Expr'));
  }

  private numberLiteral(node: SyntaxNode): Expr {
    const raw = this.text(node);
    const m = /^([+-]?)\s*(.*)$/s.exec(raw)!;
    const sign = m[1]!;
    const body = m[2]!;
    if (/^\d+(y|w|d|h|m|s|ms)/.test(body) && parseDuration(body) !== undefined) {
      throw this.unsupported(node, 'a duration used as a number (Prometheus 3 syntax)');
    }
    if (body.includes('_')) throw this.unsupported(node, 'numbers with underscores (Prometheus 3 syntax)');
    const value = parseNumber(body);
    if (value === undefined) throw this.error(node, `error parsing number: ${JSON.stringify(body)}`);
    return { kind: 'number', value: sign === '-' ? -value : value, start: node.from, end: node.to };
  }

  private stringValue(node: SyntaxNode): string {
    const value = unquoteString(this.text(node));
    if (value === undefined) throw this.error(node, `error unquoting string ${this.text(node)}`);
    return value;
  }

  private vectorSelector(node: SyntaxNode): VectorSelector {
    const nameNode = node.getChild('Identifier');
    const name = nameNode ? this.text(nameNode) : undefined;
    const matchers: LabelMatcher[] = [];
    const braces = node.getChild('LabelMatchers');
    if (braces) {
      for (const m of this.children(braces)) {
        if (m.name === 'UnquotedLabelMatcher') matchers.push(this.labelMatcher(m));
        else if (m.name === 'QuotedLabelMatcher' || m.name === 'QuotedLabelName') {
          throw this.unsupported(m, 'quoted (UTF-8) label and metric names (Prometheus 3)');
        }
      }
    }
    if (name !== undefined) {
      if (matchers.some((m) => m.name === '__name__')) {
        const other = matchers.find((m) => m.name === '__name__')!;
        throw this.error(node, `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(other.value)}`);
      }
      matchers.push({ name: '__name__', type: '=', value: name });
    } else if (!matchers.some((m) => !matchesEmpty(m))) {
      throw this.error(node, 'vector selector must contain at least one non-empty matcher');
    }
    return { kind: 'vector-selector', name, matchers, offsetMs: 0, start: node.from, end: node.to };
  }

  private labelMatcher(node: SyntaxNode): LabelMatcher {
    const name = this.text(node.getChild('LabelName')!);
    const opNode = node.getChild('MatchOp')!.firstChild!;
    const type = MATCH_OPS[opNode.name]!;
    const value = this.stringValue(node.getChild('StringLiteral')!);
    if (type === '=~' || type === '!~') {
      try {
        compileAnchoredGoRegexp(value);
      } catch (err) {
        if (err instanceof GoRegexpError && err.unsupported) throw this.unsupported(node, `regular expression ${JSON.stringify(value)}: ${err.message}`);
        throw this.error(node, `invalid regular expression ${JSON.stringify(value)}: ${(err as Error).message}`);
      }
    }
    return { name, type, value };
  }

  /** A `[5m]` or offset duration: a plain duration literal, positive. */
  private duration(node: SyntaxNode, what: string): number {
    const literal = node.getChild('NumberDurationLiteralInDurationContext');
    const parts = this.children(node);
    if (!literal || parts.length !== 1) {
      throw this.unsupported(node, `duration arithmetic in ${what} (Prometheus 3)`);
    }
    const text = this.text(literal);
    const ms = parseDuration(text);
    if (ms === undefined || !/[a-z]$/.test(text)) {
      if (parseNumber(text) !== undefined) throw this.unsupported(node, `a plain number as ${what} (Prometheus 3)`);
      throw this.error(node, `bad duration ${JSON.stringify(text)}`);
    }
    if (ms === 0) throw this.error(node, 'duration must be greater than 0');
    return ms;
  }

  private matrixSelector(node: SyntaxNode): Expr {
    const rangeMs = this.duration(node.getChild('DurationExpr')!, 'a range');
    return this.applyPostfix(this.build(this.exprChildren(node)[0]!), (target): MatrixSelector => {
      if (target.kind !== 'vector-selector') throw this.error(target.start, 'ranges only allowed for vector selectors');
      if (target.offsetMs !== 0) throw this.error(target.start, 'no offset modifiers allowed before range');
      return { kind: 'matrix-selector', selector: target, rangeMs, start: target.start, end: node.to };
    });
  }

  /**
   * lezer-promql gives `offset` and `[range]` the lowest precedence, so `a - b offset 1m`
   * arrives as `(a - b) offset 1m`. In PromQL both bind tightest, to the rightmost operand:
   * move them down there.
   */
  private applyPostfix(target: Expr, apply: (operand: Expr) => Expr): Expr {
    if (target.kind !== 'binary' && target.kind !== 'unary') return apply(target);
    const operand = this.applyPostfix(target.kind === 'binary' ? target.rhs : target.expr, apply);
    const t = typeOf(operand);
    if (t !== 'scalar' && t !== 'vector') {
      throw this.error(operand.start, target.kind === 'binary'
        ? 'binary expression must contain only scalar and instant vector types'
        : `unary expression only allowed on expressions of type scalar or instant vector, got "${DOC_TYPE[t]}"`);
    }
    return target.kind === 'binary' ? { ...target, rhs: operand } : { ...target, expr: operand };
  }

  private offsetExpr(node: SyntaxNode): Expr {
    let durationNode = node.getChild('OffsetDurationExpr')!;
    let sign = 1;
    for (;;) {
      const op = durationNode.getChild('UnaryOp');
      const nested = durationNode.getChild('OffsetDurationExpr');
      if (!op || !nested) break;
      if (this.text(op).trim() === '-') sign = -sign;
      durationNode = nested;
    }
    const offsetMs = sign * this.duration(durationNode, 'an offset');
    return this.applyPostfix(this.build(this.exprChildren(node)[0]!), (target) => {
      const selector = target.kind === 'matrix-selector' ? target.selector : target.kind === 'vector-selector' ? target : undefined;
      if (!selector) {
        throw this.error(target.start, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
      }
      if (selector.offsetMs !== 0) throw this.error(target.start, 'offset may not be set multiple times');
      const moved: VectorSelector = { ...selector, offsetMs, end: node.to };
      if (target.kind === 'matrix-selector') return { ...target, selector: moved, end: node.to };
      return moved;
    });
  }

  private call(node: SyntaxNode): Expr {
    const identifier = node.getChild('FunctionIdentifier')!;
    let name = this.text(identifier);
    if (name === SMOOTHING) {
      const at = this.toOriginal(identifier.from);
      name = this.original.startsWith(HOLT_WINTERS, at) ? HOLT_WINTERS : SMOOTHING;
    }
    const args = this.exprChildren(node.getChild('FunctionCallBody')!).map((a) => this.build(a));
    const signature = FUNCTION_SIGNATURES[name];
    if (!signature) {
      const reason = UNSUPPORTED_FUNCTIONS[name];
      throw this.unsupported(node, reason ? `function "${name}" (${reason})` : `function "${name}" (not in Prometheus 2.42)`);
    }
    const declared = signature.args.length;
    if (signature.variadic === 0) {
      if (args.length !== declared) {
        throw this.error(node, `expected ${declared} argument(s) in call to "${name}", got ${args.length}`);
      }
    } else {
      const required = declared - 1;
      if (args.length < required) {
        throw this.error(node, `expected at least ${required} argument(s) in call to "${name}", got ${args.length}`);
      }
      if (signature.variadic > 0 && args.length > required + signature.variadic) {
        throw this.error(node, `expected at most ${required + signature.variadic} argument(s) in call to "${name}", got ${args.length}`);
      }
    }
    args.forEach((arg, i) => {
      if (i >= declared && signature.variadic === 0) return;
      const want = signature.args[Math.min(i, declared - 1)]!;
      this.expectType(arg, want, `call to function "${name}"`);
    });
    return { kind: 'call', func: name, args, start: node.from, end: node.to };
  }

  private expectType(expr: Expr, want: ValueType, context: string): void {
    const got = typeOf(expr);
    if (got !== want) {
      throw this.error(expr.start, `expected type ${DOC_TYPE[want]} in ${context}, got ${DOC_TYPE[got]}`);
    }
  }

  private groupingLabels(node: SyntaxNode): string[] {
    const labels: string[] = [];
    for (const c of this.children(node)) {
      if (c.name === 'LabelName') labels.push(this.text(c));
      else if (c.name === 'QuotedLabelName') throw this.unsupported(c, 'quoted (UTF-8) label names (Prometheus 3)');
    }
    return labels;
  }

  private aggregate(node: SyntaxNode): Expr {
    const opText = this.text(node.getChild('AggregateOp')!).toLowerCase();
    if (!AGGREGATE_OPS.has(opText)) throw this.unsupported(node, `the ${opText} aggregation (Prometheus 3)`);
    const op = opText as AggregateOp;
    const modifier = node.getChild('AggregateModifier');
    let grouping: string[] = [];
    let without = false;
    if (modifier) {
      without = modifier.getChild('Without') !== null;
      grouping = this.groupingLabels(modifier.getChild('GroupingLabels')!);
    }
    const args = this.exprChildren(node.getChild('FunctionCallBody')!).map((a) => this.build(a));
    const takesParam = op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values';
    const wanted = takesParam ? 2 : 1;
    if (args.length !== wanted) {
      throw this.error(node, `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`);
    }
    const param = takesParam ? args[0] : undefined;
    const expr = args[args.length - 1]!;
    this.expectType(expr, 'vector', 'aggregation expression');
    if (param) this.expectType(param, op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
    return { kind: 'aggregate', op, expr, param, grouping, without, start: node.from, end: node.to };
  }

  private binary(node: SyntaxNode): Expr {
    const parts = this.children(node);
    const [lhsNode, rhsNode] = this.exprChildren(node) as [SyntaxNode, SyntaxNode];
    const opNode = parts.find((p) => BINARY_OPS[p.name] !== undefined || p.name === 'TrimUpper' || p.name === 'TrimLower')!;
    if (opNode.name === 'TrimUpper' || opNode.name === 'TrimLower') {
      throw this.unsupported(opNode, `the ${this.text(opNode)} operator (Prometheus 3)`);
    }
    const fill = node.getChild('FillModifier');
    if (fill) throw this.unsupported(fill, 'fill modifiers (Prometheus 3)');
    const op = BINARY_OPS[opNode.name]!;

    // lezer reads `-2 ^ 2` as (-2)^2 because the sign is part of the number token; PromQL
    // binds ^ tighter than unary minus, so it is -(2^2).
    if (op === '^' && lhsNode.name === 'NumberDurationLiteral' && /^[+-]/.test(this.text(lhsNode))) {
      const signed = this.numberLiteral(lhsNode) as { value: number; start: number; end: number };
      const sign = this.text(lhsNode)[0] as '+' | '-';
      const bare = { kind: 'number' as const, value: sign === '-' ? -signed.value : signed.value, start: lhsNode.from + 1, end: lhsNode.to };
      const pow = this.binaryFrom(node, opNode.from, op, bare, this.build(rhsNode));
      return { kind: 'unary', op: sign, expr: pow, start: node.from, end: node.to };
    }
    return this.binaryFrom(node, opNode.from, op, this.build(lhsNode), this.build(rhsNode));
  }

  /** Builds and checks a binary expression; errors about the operator point at opAt. */
  private binaryFrom(node: SyntaxNode, opAt: number, op: BinaryOp, lhs: Expr, rhs: Expr): Expr {
    const returnBool = node.getChild('BoolModifier') !== null;
    const clause = node.getChild('MatchingModifierClause');
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    let on = false;
    let labels: string[] = [];
    let include: string[] = [];
    let card: Cardinality = 'one-to-one';
    if (clause) {
      on = clause.getChild('On') !== null;
      const groups = clause.getChildren('GroupingLabels');
      labels = this.groupingLabels(groups[0]!);
      if (clause.getChild('GroupLeft')) card = 'many-to-one';
      if (clause.getChild('GroupRight')) card = 'one-to-many';
      if (groups[1]) include = this.groupingLabels(groups[1]);
    }
    const check = checkBinaryExpr({ op, lhsType: lt, rhsType: rt, returnBool, on, labels, include, card });
    if (!check.ok) {
      const at = { operator: opAt, lhs: lhs.start, rhs: rhs.start, expression: node.from }[check.blame];
      throw this.error(at, check.message);
    }
    const matching = check.matching;
    return { kind: 'binary', op, lhs, rhs, returnBool, matching, start: node.from, end: node.to };
  }
}
