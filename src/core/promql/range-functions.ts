import type { WindowEnds } from '../store/chunk-pool.js';
import { quantileOf } from './go-sort.js';
import { evalError } from './promql-errors.js';

/** What a range-vector function sees besides the points of one series. */
export interface RangeContext {
  /** The selected window [rangeStartMs, rangeEndMs], both ends included (Prometheus 2.x). */
  readonly rangeStartMs: number;
  readonly rangeEndMs: number;
  readonly rangeMs: number;
  readonly evalTimeMs: number;
  /** The function's scalar arguments, in order, without the range vector. */
  readonly scalars: readonly number[];
}

/**
 * A function over the points t[0..n), v[0..n) (n >= 1, stale markers already removed) of one
 * series; undefined means "no output for this series" (e.g. rate over a single point).
 */
export type RangeFunction = (t: Float64Array, v: Float64Array, n: number, ctx: RangeContext) => number | undefined;

/** time.Duration.Seconds() of a whole number of milliseconds, rounded as Go rounds it. */
function durationSeconds(ms: number): number {
  const sec = Math.trunc(ms / 1000);
  return sec + ((ms - sec * 1000) * 1e6) / 1e9;
}

/**
 * rate, increase and delta: the change over the window, corrected for counter resets, then
 * extrapolated towards the window's edges — all the way to an edge when the first/last sample
 * is within 1.1 average intervals of it, half an interval otherwise, and never below zero for
 * a counter (Prometheus 2.42's extrapolatedRate).
 */
function extrapolatedRate(isCounter: boolean, isRate: boolean): RangeFunction {
  return (t, v, n, ctx) => {
    if (n < 2) return undefined;
    const first = v[0]!;
    let result = v[n - 1]! - first;
    if (isCounter) {
      let prev = first;
      for (let i = 1; i < n; i++) {
        const cur = v[i]!;
        if (cur < prev) result += prev;
        prev = cur;
      }
    }
    return extrapolate(result, t[0]!, first, t[n - 1]!, n, ctx, isCounter, isRate);
  };
}

function extrapolate(
  result: number,
  firstT: number,
  first: number,
  lastT: number,
  n: number,
  ctx: RangeContext,
  isCounter: boolean,
  isRate: boolean,
): number {
  let durationToStart = (firstT - ctx.rangeStartMs) / 1000;
  const durationToEnd = (ctx.rangeEndMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageInterval = sampledInterval / (n - 1);
  if (isCounter && result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageInterval * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageInterval / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageInterval / 2;
  let factor = extrapolateTo / sampledInterval;
  if (isRate) factor /= durationSeconds(ctx.rangeMs);
  return result * factor;
}

/**
 * A range function that needs only the window's first and last points and their count, for
 * sources with readEnds: `checkDrops` windows where a value falls must be read whole.
 */
export interface EndsFunction {
  readonly checkDrops: boolean;
  readonly apply: (ends: WindowEnds, n: number, ctx: RangeContext) => number | undefined;
}

function extrapolatedRateOfEnds(isCounter: boolean, isRate: boolean): EndsFunction {
  return {
    checkDrops: isCounter,
    // With no drop in the window, the reset correction of extrapolatedRate adds nothing.
    apply: (e, n, ctx) =>
      n < 2 ? undefined : extrapolate(e.lastV - e.firstV, e.firstT, e.firstV, e.lastT, n, ctx, isCounter, isRate),
  };
}

/** The range functions that have an EndsFunction shortcut; the same results, bit for bit. */
export const ENDS_FUNCTIONS: Readonly<Record<string, EndsFunction>> = {
  rate: extrapolatedRateOfEnds(true, true),
  increase: extrapolatedRateOfEnds(true, false),
  delta: extrapolatedRateOfEnds(false, false),
};

/** irate and idelta: the last two points only; irate treats a drop as a counter reset. */
function instantValue(isRate: boolean): RangeFunction {
  return (t, v, n) => {
    if (n < 2) return undefined;
    const last = v[n - 1]!;
    const previous = v[n - 2]!;
    let result = isRate && last < previous ? last : last - previous;
    const interval = t[n - 1]! - t[n - 2]!;
    if (interval === 0) return undefined;
    if (isRate) result /= interval / 1000;
    return result;
  };
}

/** Least-squares fit with compensated sums; x is seconds relative to interceptTimeMs. */
function linearRegression(t: Float64Array, v: Float64Array, n: number, interceptTimeMs: number): [number, number] {
  let count = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = v[0]!;
  let constY = true;
  for (let i = 0; i < n; i++) {
    const y = v[i]!;
    if (constY && i > 0 && y !== initY) constY = false;
    count += 1;
    const x = (t[i]! - interceptTimeMs) / 1e3;
    [sumX, cX] = kahan(x, sumX, cX);
    [sumY, cY] = kahan(y, sumY, cY);
    [sumXY, cXY] = kahan(x * y, sumXY, cXY);
    [sumX2, cX2] = kahan(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / count;
  const varX = sumX2 - (sumX * sumX) / count;
  const slope = covXY / varX;
  const intercept = sumY / count - (slope * sumX) / count;
  return [slope, intercept];
}

function kahan(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

function sumOverTime(_t: Float64Array, v: Float64Array, n: number): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const inc = v[i]!;
    const t = sum + inc;
    if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
    else c += inc - t + sum;
    sum = t;
  }
  return Number.isFinite(sum) || Number.isNaN(sum) ? sum + c : sum;
}

function avgOverTime(_t: Float64Array, v: Float64Array, n: number): number {
  let mean = 0;
  let count = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    count++;
    if (mean === Infinity || mean === -Infinity) {
      // Inf minus Inf would turn the mean into NaN: keep it while values agree or stay finite.
      if ((x === Infinity || x === -Infinity) && mean > 0 === x > 0) continue;
      if (Number.isFinite(x)) continue;
    }
    [mean, c] = kahan(x / count - mean / count, mean, c);
  }
  return mean === Infinity || mean === -Infinity ? mean : mean + c;
}

function variance(v: Float64Array, n: number): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    count++;
    const delta = x - (mean + cMean);
    [mean, cMean] = kahan(delta / count, mean, cMean);
    [aux, cAux] = kahan(delta * (x - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function holtWinters(_t: Float64Array, v: Float64Array, n: number, ctx: RangeContext): number | undefined {
  const sf = ctx.scalars[0]!;
  const tf = ctx.scalars[1]!;
  if (!(sf > 0 && sf < 1)) throw evalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
  if (!(tf > 0 && tf < 1)) throw evalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
  if (n < 2) return undefined;
  let s0 = 0;
  let s1 = v[0]!;
  let b = v[1]! - v[0]!;
  for (let i = 1; i < n; i++) {
    const x = sf * v[i]!;
    b = i - 1 === 0 ? b : tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

export const RANGE_FUNCTIONS: Readonly<Record<string, RangeFunction>> = {
  rate: extrapolatedRate(true, true),
  increase: extrapolatedRate(true, false),
  delta: extrapolatedRate(false, false),
  irate: instantValue(true),
  idelta: instantValue(false),
  deriv: (t, v, n) => (n < 2 ? undefined : linearRegression(t, v, n, t[0]!)[0]),
  predict_linear: (t, v, n, ctx) => {
    if (n < 2) return undefined;
    const [slope, intercept] = linearRegression(t, v, n, ctx.evalTimeMs);
    return slope * ctx.scalars[0]! + intercept;
  },
  resets: (_t, v, n) => {
    let resets = 0;
    for (let i = 1; i < n; i++) if (v[i]! < v[i - 1]!) resets++;
    return resets;
  },
  changes: (_t, v, n) => {
    let changes = 0;
    for (let i = 1; i < n; i++) {
      const cur = v[i]!;
      const prev = v[i - 1]!;
      if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
    }
    return changes;
  },
  avg_over_time: avgOverTime,
  sum_over_time: sumOverTime,
  count_over_time: (_t, _v, n) => n,
  min_over_time: (_t, v, n) => {
    let min = v[0]!;
    for (let i = 0; i < n; i++) if (v[i]! < min || Number.isNaN(min)) min = v[i]!;
    return min;
  },
  max_over_time: (_t, v, n) => {
    let max = v[0]!;
    for (let i = 0; i < n; i++) if (v[i]! > max || Number.isNaN(max)) max = v[i]!;
    return max;
  },
  last_over_time: (_t, v, n) => v[n - 1]!,
  present_over_time: () => 1,
  quantile_over_time: (_t, v, n, ctx) => quantileOf(ctx.scalars[0]!, Array.from(v.subarray(0, n))),
  stddev_over_time: (_t, v, n) => Math.sqrt(variance(v, n)),
  stdvar_over_time: (_t, v, n) => variance(v, n),
  holt_winters: holtWinters,
};
