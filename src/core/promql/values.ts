import type { Labels } from '../labels.js';

/**
 * One element of an instant vector during evaluation. `t` is the sample's own timestamp when it
 * came straight from a selector (timestamp() reports it) and the evaluation time otherwise.
 */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
  readonly t: number;
}

export interface MatrixSeries {
  readonly labels: Labels;
  readonly t: readonly number[];
  readonly v: readonly number[];
}

export type EvalValue =
  | { readonly type: 'scalar'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'vector'; readonly samples: readonly Sample[] }
  | { readonly type: 'matrix'; readonly series: readonly MatrixSeries[] };
