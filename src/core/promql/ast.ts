import type { LabelMatcher } from '../store/label-matcher.js';

/** PromQL value types, as Prometheus's parser names them. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** Source position: offsets into the expression text, end exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface NumberLiteral extends Span {
  readonly kind: 'number';
  readonly value: number;
}

export interface StringLiteral extends Span {
  readonly kind: 'string';
  readonly value: string;
}

export interface VectorSelector extends Span {
  readonly kind: 'vector-selector';
  /** The metric name written before the braces, if any (also present as a __name__ matcher). */
  readonly name: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  /** Positive looks back in time; negative (allowed by promtool) looks ahead. */
  readonly offsetMs: number;
}

export interface MatrixSelector extends Span {
  readonly kind: 'matrix-selector';
  readonly selector: VectorSelector;
  readonly rangeMs: number;
}

export interface Call extends Span {
  readonly kind: 'call';
  readonly func: string;
  readonly args: readonly Expr[];
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values';

export interface Aggregate extends Span {
  readonly kind: 'aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  readonly param: Expr | undefined;
  readonly grouping: readonly string[];
  readonly without: boolean;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  readonly card: Cardinality;
  /** True for on(...), false for ignoring(...) or no clause. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** Extra labels copied from the "one" side by group_left(...)/group_right(...). */
  readonly include: readonly string[];
}

export interface Binary extends Span {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly returnBool: boolean;
  /** Present when both sides are instant vectors. */
  readonly matching: VectorMatching | undefined;
}

export interface Unary extends Span {
  readonly kind: 'unary';
  readonly op: '+' | '-';
  readonly expr: Expr;
}

export interface Paren extends Span {
  readonly kind: 'paren';
  readonly expr: Expr;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | Call
  | Aggregate
  | Binary
  | Unary
  | Paren;

export function isComparisonOp(op: BinaryOp): op is ComparisonOp {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';
}

export function isSetOp(op: BinaryOp): op is SetOp {
  return op === 'and' || op === 'or' || op === 'unless';
}

/** Strips parentheses, as Prometheus does before looking at a function's argument node. */
export function unwrapParens(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}
