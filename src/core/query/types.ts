import type { Labels } from '../labels.js';

/** One sample of an instant vector. `labels` includes `__name__` when the series still has it. */
export interface InstantSample {
  readonly labels: Labels;
  readonly timestampMs: number;
  readonly value: number;
}

export interface RangeSeries {
  readonly labels: Labels;
  readonly points: readonly { readonly timestampMs: number; readonly value: number }[];
}

/** The result of an instant query, shaped like Prometheus's /api/v1/query `data`. */
export type QueryValue =
  | { readonly resultType: 'vector'; readonly result: readonly InstantSample[] }
  | { readonly resultType: 'scalar'; readonly result: { readonly timestampMs: number; readonly value: number } }
  | { readonly resultType: 'matrix'; readonly result: readonly RangeSeries[] }
  | { readonly resultType: 'string'; readonly result: { readonly timestampMs: number; readonly value: string } };

/**
 * What rule evaluation, diagnosis and charts ask of a metrics backend. Two implementations:
 * the built-in evaluator over the in-memory sample store, and Prometheus's HTTP API
 * (PROMETHEUS_URL). Both give the same shapes.
 */
export interface QueryEngine {
  instantQuery(expr: string, timeMs: number): Promise<QueryValue>;
  rangeQuery(expr: string, startMs: number, endMs: number, stepMs: number): Promise<readonly RangeSeries[]>;
}
