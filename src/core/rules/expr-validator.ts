/**
 * How the rule loader checks PromQL: an injected function, so the loader stays independent of
 * the evaluator (and `rules check` can use the built-in parser while a Prometheus-backed
 * service may accept what only Prometheus evaluates).
 */
export interface ExprProblem {
  /** 1-based column: within `line` when given, otherwise within the whole expression. */
  readonly column: number;
  /** 1-based line within a multi-line expression. */
  readonly line?: number;
  readonly message: string;
}

export type ExprValidator = (expr: string) => ExprProblem | null;

/** Accepts everything: for callers that validate expressions elsewhere. */
export const acceptAnyExpr: ExprValidator = () => null;

/** The 0-based character index in the expression of a problem's line and column. */
export function exprProblemIndex(expr: string, problem: ExprProblem): number {
  if (problem.line === undefined) return Math.max(0, problem.column - 1);
  let index = 0;
  for (let line = 1; line < problem.line; line++) {
    const nl = expr.indexOf('\n', index);
    if (nl < 0) break;
    index = nl + 1;
  }
  return index + Math.max(0, problem.column - 1);
}

/**
 * Diagnose probes may hold alert templates (`{{ $labels.application }}`), which are not PromQL.
 * Each action is replaced by as many `x` as it is long before parsing: inside a quoted matcher
 * it stays a string, elsewhere it reads as a metric name, and columns still line up.
 */
export function maskTemplateActions(text: string): string {
  return text.replace(/\{\{[\s\S]*?\}\}/g, (action) => action.replace(/[^\n]/g, 'x'));
}
