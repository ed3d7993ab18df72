import type { Labels } from '../labels.js';
import { labelSubset } from './label-sets.js';
import type { Sample } from './values.js';

interface Bucket {
  upperBound: number;
  count: number;
}

/** Go's strconv.ParseFloat for `le` values: decimal, exponent, Inf/Infinity, NaN. */
function parseBound(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}

/** sort.Search(n, f): the smallest i in [0, n) with f(i) true, n when none (binary search). */
function search(n: number, f: (i: number) => boolean): number {
  let i = 0;
  let j = n;
  while (i < j) {
    const h = (i + j) >>> 1;
    if (!f(h)) i = h + 1;
    else j = h;
  }
  return i;
}

/**
 * The quantile of one classic histogram, as Prometheus 2.42's bucketQuantile: buckets sorted by
 * bound, equal bounds merged, counts forced monotonic (scrapes are not atomic, so rate() of
 * adjacent buckets can cross), linear interpolation inside the bucket, 0 as the lower edge of
 * the first bucket when its bound is positive, and the second-highest bound when the rank
 * falls into +Inf. NaN without a +Inf bucket, with fewer than two buckets or no observations.
 */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  input.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  if (input[input.length - 1]!.upperBound !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of input) {
    const last = buckets[buckets.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const c = buckets[i]!.count;
    if (c > max) max = c;
    else if (c < max) buckets[i]!.count = max;
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  const b = search(buckets.length - 1, (i) => buckets[i]!.count >= rank);
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/**
 * histogram_quantile over classic buckets: groups samples by all labels but `le` (so two
 * metric names stay apart), drops `__name__` and `le` from the result, and skips samples
 * whose `le` is missing or not a number.
 */
export function histogramQuantile(q: number, samples: readonly Sample[], t: number): Sample[] {
  const byGroup = labelSubset(['le'], false);
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  for (const s of samples) {
    const upperBound = parseBound(s.labels['le']);
    if (upperBound === undefined) continue;
    const name = s.labels['__name__'] ?? '';
    const key = name + '\u0000' + byGroup.key(s.labels);
    let g = groups.get(key);
    if (!g) {
      g = { labels: byGroup.labels(s.labels), buckets: [] };
      groups.set(key, g);
    }
    g.buckets.push({ upperBound, count: s.value });
  }
  const out: Sample[] = [];
  for (const g of groups.values()) out.push({ labels: g.labels, value: bucketQuantile(q, g.buckets), t });
  return out;
}
