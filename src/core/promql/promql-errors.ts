import { ServeMedicError } from '../../errors.js';

/** 1-based line and column of an offset in the expression text. */
export function lineAndColumn(input: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < input.length; i++) {
    if (input[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function where(input: string, offset: number): { text: string; line: number; column: number } {
  const { line, column } = lineAndColumn(input, offset);
  return { text: input.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`, line, column };
}

/** A parse or type error, as Prometheus reports at parse time; names the 1-based column. */
export function syntaxError(input: string, offset: number, message: string): ServeMedicError {
  const at = where(input, offset);
  return new ServeMedicError('PROMQL_SYNTAX', `parse error at ${at.text}: ${message}`, {
    details: { line: at.line, column: at.column, expression: input },
  });
}

/** A feature Prometheus has (or Prometheus 3 added) that the built-in evaluator refuses. */
export function unsupportedError(input: string, offset: number, feature: string): ServeMedicError {
  const at = where(input, offset);
  return new ServeMedicError(
    'PROMQL_UNSUPPORTED',
    `${feature} is not supported by the built-in evaluator (at ${at.text}); evaluate this expression in Prometheus instead`,
    { details: { feature, line: at.line, column: at.column, expression: input } },
  );
}

/** A runtime error, where Prometheus fails the query (duplicate series, bad label_replace, ...). */
export function evalError(message: string): ServeMedicError {
  return new ServeMedicError('PROMQL_EVAL', message);
}
