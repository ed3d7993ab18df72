import type { Labels } from '../../core/labels.js';
import type { Comparison, Scenario, SeriesSelector, Signal, SignatureItem } from './types.js';

/** One sample of a scrape: the sample name (`…_total`, `…_bucket`), its labels, its value. */
export interface FlatSample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
}

export interface SignatureResult {
  readonly item: SignatureItem;
  readonly actual: number | string | undefined;
  readonly holds: boolean;
}

function matches(s: FlatSample, sel: SeriesSelector, name = sel.metric): boolean {
  if (s.name !== name) return false;
  return Object.entries(sel.labels ?? {}).every(([k, v]) => s.labels[k] === v);
}

const seriesKey = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

function sum(samples: readonly FlatSample[], sel: SeriesSelector): number {
  return samples.filter((s) => matches(s, sel)).reduce((a, s) => a + s.value, 0);
}

/** Increase per series over the window; a series absent at the start counts from 0. */
function increase(before: readonly FlatSample[], after: readonly FlatSample[], sel: SeriesSelector, name = sel.metric): number {
  const start = new Map(before.filter((s) => matches(s, sel, name)).map((s) => [seriesKey(s.labels), s.value]));
  return after.filter((s) => matches(s, sel, name)).reduce((a, s) => a + Math.max(0, s.value - (start.get(seriesKey(s.labels)) ?? 0)), 0);
}

/** histogram_quantile over the window's increase of every matching bucket, summed by `le`. */
export function windowQuantile(before: readonly FlatSample[], after: readonly FlatSample[], sel: SeriesSelector, q: number): number {
  const byLe = new Map<number, number>();
  const start = new Map(before.filter((s) => matches(s, sel, `${sel.metric}_bucket`)).map((s) => [seriesKey(s.labels), s.value]));
  for (const s of after.filter((x) => matches(x, sel, `${sel.metric}_bucket`))) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + Math.max(0, s.value - (start.get(seriesKey(s.labels)) ?? 0)));
  }
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
  const total = buckets[buckets.length - 1]?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(1e-12, count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}

function lookup(rest: unknown, path: readonly string[]): number | string | undefined {
  let node: unknown = rest;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'number' || typeof node === 'string' ? node : undefined;
}

export function evaluateSignal(signal: Signal, before: readonly FlatSample[], after: readonly FlatSample[], rest: unknown): number | string | undefined {
  switch (signal.kind) {
    case 'gauge': {
      const values = after.filter((s) => matches(s, signal.select)).map((s) => s.value);
      if (signal.aggregate === 'count') return values.length;
      if (values.length === 0) return undefined;
      if (signal.aggregate === 'sum') return values.reduce((a, b) => a + b, 0);
      return signal.aggregate === 'max' ? Math.max(...values) : Math.min(...values);
    }
    case 'increase':
      return increase(before, after, signal.select);
    case 'quantile':
      return windowQuantile(before, after, signal.select, signal.q);
    case 'gauge-ratio': {
      const den = sum(after, signal.denominator);
      return den === 0 ? undefined : sum(after, signal.numerator) / den;
    }
    case 'quantile-ratio':
      return windowQuantile(before, after, signal.select, signal.high) / windowQuantile(before, after, signal.select, signal.low);
    case 'rest':
      return lookup(rest, signal.path);
  }
}

export function compare(actual: number | string | undefined, op: Comparison | 'contains', value: number | string): boolean {
  if (actual === undefined || (typeof actual === 'number' && Number.isNaN(actual))) return false;
  switch (op) {
    case 'contains':
      return String(actual).includes(String(value));
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
  }
}

/** Every item of a scenario's signature, over the window between two scrapes. */
export function evaluateSignature(scenario: Scenario, before: readonly FlatSample[], after: readonly FlatSample[], rest: unknown): SignatureResult[] {
  return scenario.signature.map((item) => {
    const actual = evaluateSignal(item.signal, before, after, rest);
    return { item, actual, holds: compare(actual, item.op, item.value) };
  });
}
