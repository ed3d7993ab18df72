import type { Labels } from '../labels.js';
import { labelsKey } from '../labels.js';
import type { Expr } from '../promql/ast.js';
import type { EvaluateOptions } from '../promql/evaluate-promql.js';
import { evaluatePromql } from '../promql/evaluate-promql.js';
import { parsePromql } from '../promql/parse-promql.js';
import { evalError } from '../promql/promql-errors.js';
import type { SampleSource } from '../promql/sample-source.js';
import type { QueryEngine, QueryValue, RangeSeries } from './types.js';

/** Prometheus refuses range queries with more points than this per series. */
const MAX_RANGE_POINTS = 11_000;
const PARSE_CACHE_LIMIT = 1000;

/**
 * The QueryEngine over the in-memory sample store and the built-in evaluator. Rules ask the
 * same expressions every interval, so parsed expressions are cached. Range queries evaluate
 * the expression at every step, as Prometheus does.
 */
export class LocalQueryEngine implements QueryEngine {
  private readonly parsed = new Map<string, Expr>();

  constructor(
    private readonly source: SampleSource,
    private readonly options: EvaluateOptions = {},
  ) {}

  async instantQuery(expr: string, timeMs: number): Promise<QueryValue> {
    const value = evaluatePromql(this.parse(expr), this.source, timeMs, this.options);
    switch (value.type) {
      case 'scalar':
        return { resultType: 'scalar', result: { timestampMs: timeMs, value: value.value } };
      case 'string':
        return { resultType: 'string', result: { timestampMs: timeMs, value: value.value } };
      case 'vector':
        return {
          resultType: 'vector',
          result: value.samples.map((s) => ({ labels: s.labels, timestampMs: timeMs, value: s.value })),
        };
      case 'matrix':
        return {
          resultType: 'matrix',
          result: value.series.map((s) => ({
            labels: s.labels,
            points: s.t.map((t, i) => ({ timestampMs: t, value: s.v[i]! })),
          })),
        };
    }
  }

  async rangeQuery(expr: string, startMs: number, endMs: number, stepMs: number): Promise<readonly RangeSeries[]> {
    if (!(stepMs > 0)) throw evalError('zero or negative query resolution step widths are not accepted');
    if (endMs < startMs) throw evalError('end timestamp must not be before start time');
    if ((endMs - startMs) / stepMs + 1 > MAX_RANGE_POINTS) {
      throw evalError(`exceeded maximum resolution of ${MAX_RANGE_POINTS} points per timeseries`);
    }
    const ast = this.parse(expr);
    const series = new Map<string, { labels: Labels; points: { timestampMs: number; value: number }[] }>();
    const add = (labels: Labels, timestampMs: number, value: number): void => {
      const key = labelsKey(labels);
      let s = series.get(key);
      if (!s) {
        s = { labels, points: [] };
        series.set(key, s);
      }
      s.points.push({ timestampMs, value });
    };
    for (let t = startMs; t <= endMs; t += stepMs) {
      const value = evaluatePromql(ast, this.source, t, this.options);
      if (value.type === 'scalar') add({}, t, value.value);
      else if (value.type === 'vector') for (const s of value.samples) add(s.labels, t, s.value);
      else throw evalError(`invalid expression type "${value.type === 'matrix' ? 'range vector' : 'string'}" for range query, must be Scalar or instant Vector`);
    }
    return [...series.values()];
  }

  private parse(expr: string): Expr {
    let ast = this.parsed.get(expr);
    if (!ast) {
      ast = parsePromql(expr);
      if (this.parsed.size >= PARSE_CACHE_LIMIT) this.parsed.clear();
      this.parsed.set(expr, ast);
    }
    return ast;
  }
}
