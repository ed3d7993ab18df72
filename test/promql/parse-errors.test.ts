import { describe, expect, it } from 'vitest';
import { parsePromql } from '../../src/core/promql/parse-promql.js';
import { isServeMedicError, ServeMedicError } from '../../src/errors.js';

function failure(expr: string): ServeMedicError {
  try {
    parsePromql(expr);
  } catch (err) {
    if (err instanceof ServeMedicError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(expr)} to fail`);
}

describe('parsePromql errors', () => {
  it.each([
    ['sum(rate(x[5m])', 16, 'unexpected end of input'],
    ['foo{a="b"', 10, 'unexpected end of input'],
    ['foo{a="b"}{c="d"}', 11, 'unexpected "{"'],
    ['rate(x)', 6, 'expected type range vector in call to function "rate", got instant vector'],
    ['x + on(a) y[5m]', 11, 'binary expression must contain only scalar and instant vector types'],
    ['1 > 2', 3, 'comparisons between scalars must use BOOL modifier'],
    ['{a=""}', 1, 'vector selector must contain at least one non-empty matcher'],
    ['x offset 1m [5m]', 1, 'no offset modifiers allowed before range'],
    ['sum(x) offset 1m', 1, 'offset modifier must be preceded by an instant vector selector'],
    ['x[0s]', 3, 'duration must be greater than 0'],
    ['x{a=~"(?=b)"}', 3, 'invalid regular expression'],
    ['x and 1', 1, 'set operator "and" not allowed in binary scalar expression'],
    ['x and on(a) group_left y', 1, 'no grouping allowed for "and" operation'],
    ['x + bool y', 3, 'bool modifier can only be used on comparison operators'],
    ['topk(x)', 1, 'wrong number of arguments for aggregate expression'],
    ['round(x, 1, 2)', 1, 'expected at most 2 argument(s) in call to "round", got 3'],
    ['1e400', 1, 'error parsing number'],
    ['x{a="\\q"}', 5, 'error unquoting string'],
    ['foo bar', 5, 'unexpected "bar"'],
    ['', 1, 'unexpected end of input'],
  ])('%s fails with PROMQL_SYNTAX at column %i', (expr, column, message) => {
    const err = failure(expr);
    expect(err.code).toBe('PROMQL_SYNTAX');
    expect(err.details['column']).toBe(column);
    expect(err.message).toContain(`column ${column}`);
    expect(err.message).toContain(message);
  });

  it('names line and column in a multi-line expression', () => {
    const err = failure('sum by (app) (\n  rate(x[5m]\n)');
    expect(err.details).toMatchObject({ line: 3, column: 2 });
    expect(err.message).toContain('line 3, column 2: unexpected end of input');
  });

  it.each([
    ['x[5m:1m]', 'subqueries'],
    ['rate(x[5m:])', 'subqueries'],
    ['x @ 1609746000', 'the @ modifier'],
    ['x @ start()', 'the @ modifier'],
    ['histogram_count(x)', 'native histograms'],
    ['histogram_fraction(0, 1, x)', 'native histograms'],
    ['first_over_time(x[5m])', 'function "first_over_time"'],
    ['double_exponential_smoothing(x[5m], 0.5, 0.5)', 'function "double_exponential_smoothing"'],
    ['limitk(2, x)', 'limitk'],
    ['vector(5m)', 'a duration used as a number'],
    ['x[5m+1m]', 'duration arithmetic'],
    ['x[300]', 'a plain number as a range'],
    ['{"ray.serve.metric"}', 'quoted (UTF-8)'],
    ['sum by ("a.b") (x)', 'quoted (UTF-8)'],
    ['x + fill(0) y', 'fill modifiers'],
    ['1_000', 'numbers with underscores'],
    ['x{a=~"(?i:b)"}', 'flag groups'],
  ])('%s fails with PROMQL_UNSUPPORTED naming %s', (expr, feature) => {
    const err = failure(expr);
    expect(isServeMedicError(err, 'PROMQL_UNSUPPORTED')).toBe(true);
    expect(String(err.details['feature'])).toContain(feature);
    expect(err.message).toContain(feature);
  });

  it('binds ^ tighter than a leading minus and offset to the rightmost operand', () => {
    expect(parsePromql('-2 ^ 2')).toMatchObject({ kind: 'unary', op: '-', expr: { kind: 'binary', op: '^' } });
    expect(parsePromql('a - b offset 1m')).toMatchObject({ kind: 'binary', lhs: { offsetMs: 0 }, rhs: { offsetMs: 60_000 } });
    expect(parsePromql('x offset -5m')).toMatchObject({ offsetMs: -300_000 });
  });

  it('reads holt_winters, the 2.42 name lezer-promql no longer knows', () => {
    expect(parsePromql('holt_winters(x[5m], 0.3, 0.1)')).toMatchObject({ kind: 'call', func: 'holt_winters' });
  });
});
