import { isServeMedicError } from '../../errors.js';
import { parsePromql } from '../promql/parse-promql.js';
import type { ExprProblem, ExprValidator } from './expr-validator.js';

/**
 * PromQL checks with the built-in parser. The parser reports syntax errors (PROMQL_SYNTAX) and
 * features the built-in evaluator refuses (PROMQL_UNSUPPORTED), both with the 1-based line and
 * column in `details`.
 */
function problemFrom(err: unknown): ExprProblem | null {
  if (!isServeMedicError(err, 'PROMQL_SYNTAX') && !isServeMedicError(err, 'PROMQL_UNSUPPORTED')) throw err;
  const column = typeof err.details.column === 'number' ? err.details.column : 1;
  const line = typeof err.details.line === 'number' ? err.details.line : undefined;
  // The message names the position already ("parse error at column 7: …"); the file position replaces it.
  const message = err.message.replace(/ at (?:line \d+, )?column \d+/, '').replace(/ \(at (?:line \d+, )?column \d+\)/, '');
  return line === undefined ? { column, message } : { column, line, message };
}

/** Syntax errors and features the built-in evaluator does not support: for the built-in store. */
export const defaultExprValidator: ExprValidator = (expr) => {
  try {
    parsePromql(expr);
    return null;
  } catch (err) {
    return problemFrom(err);
  }
};

/** Syntax errors only: for a service that sends queries to Prometheus (PROMETHEUS_URL). */
export const syntaxOnlyExprValidator: ExprValidator = (expr) => {
  try {
    parsePromql(expr);
    return null;
  } catch (err) {
    return isServeMedicError(err, 'PROMQL_UNSUPPORTED') ? null : problemFrom(err);
  }
};
