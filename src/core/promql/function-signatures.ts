import type { ValueType } from './ast.js';

export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** 0: exactly args; n > 0: up to n optional trailing args of the last type; -1: any number more. */
  readonly variadic: number;
  readonly returns: ValueType;
}

const v = 'vector' as const;
const s = 'scalar' as const;
const m = 'matrix' as const;
const str = 'string' as const;

const sig = (args: ValueType[], returns: ValueType = v, variadic = 0): FunctionSignature => ({ args, variadic, returns });

/**
 * The functions of Prometheus 2.42 that the built-in evaluator implements, with their types.
 * Prometheus's remaining 2.42 functions are listed in UNSUPPORTED_FUNCTIONS; anything else is
 * unknown to 2.42.
 */
export const FUNCTION_SIGNATURES: Readonly<Record<string, FunctionSignature>> = {
  abs: sig([v]),
  absent: sig([v]),
  absent_over_time: sig([m]),
  acos: sig([v]),
  acosh: sig([v]),
  asin: sig([v]),
  asinh: sig([v]),
  atan: sig([v]),
  atanh: sig([v]),
  avg_over_time: sig([m]),
  ceil: sig([v]),
  changes: sig([m]),
  clamp: sig([v, s, s]),
  clamp_max: sig([v, s]),
  clamp_min: sig([v, s]),
  cos: sig([v]),
  cosh: sig([v]),
  count_over_time: sig([m]),
  days_in_month: sig([v], v, 1),
  day_of_month: sig([v], v, 1),
  day_of_week: sig([v], v, 1),
  day_of_year: sig([v], v, 1),
  deg: sig([v]),
  delta: sig([m]),
  deriv: sig([m]),
  exp: sig([v]),
  floor: sig([v]),
  histogram_quantile: sig([s, v]),
  holt_winters: sig([m, s, s]),
  hour: sig([v], v, 1),
  idelta: sig([m]),
  increase: sig([m]),
  irate: sig([m]),
  label_replace: sig([v, str, str, str, str]),
  label_join: sig([v, str, str, str], v, -1),
  last_over_time: sig([m]),
  ln: sig([v]),
  log10: sig([v]),
  log2: sig([v]),
  max_over_time: sig([m]),
  min_over_time: sig([m]),
  minute: sig([v], v, 1),
  month: sig([v], v, 1),
  pi: sig([], s),
  predict_linear: sig([m, s]),
  present_over_time: sig([m]),
  quantile_over_time: sig([s, m]),
  rad: sig([v]),
  rate: sig([m]),
  resets: sig([m]),
  round: sig([v, s], v, 1),
  scalar: sig([v], s),
  sgn: sig([v]),
  sin: sig([v]),
  sinh: sig([v]),
  sort: sig([v]),
  sort_desc: sig([v]),
  sqrt: sig([v]),
  stddev_over_time: sig([m]),
  stdvar_over_time: sig([m]),
  sum_over_time: sig([m]),
  tan: sig([v]),
  tanh: sig([v]),
  time: sig([], s),
  timestamp: sig([v]),
  vector: sig([s]),
  year: sig([v], v, 1),
};

/** Prometheus 2.42 functions the built-in evaluator refuses, with the reason. */
export const UNSUPPORTED_FUNCTIONS: Readonly<Record<string, string>> = {
  histogram_count: 'native histograms are not supported',
  histogram_sum: 'native histograms are not supported',
  histogram_fraction: 'native histograms are not supported',
};
