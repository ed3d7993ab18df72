import { describeError } from '../../errors.js';
import type { Labels } from '../labels.js';
import { formatFloatE } from '../promql/go-format.js';
import { formatLabelSet } from '../promql/label-sets.js';
import { parseMetric } from '../promql/parse-metric.js';
import { compareLabels, sortedNames } from '../store/compare-labels.js';
import type { ExpectedSample } from './parse-rule-test-file.js';

export type Comparison =
  | { readonly kind: 'equal' }
  | { readonly kind: 'bad-labels'; readonly labels: string; readonly message: string }
  | { readonly kind: 'differ'; readonly expected: string; readonly got: string };

interface Parsed {
  readonly labels: Labels;
  readonly value: number;
}

/**
 * promtool 2.42's check of an expression's result: both sides sorted by labels, then equal
 * label sets and exactly equal values (reflect.DeepEqual: no tolerance, and NaN never equals
 * NaN, so a test expecting NaN cannot pass there either; compare `x != x` instead).
 */
export function compareSamples(expected: readonly ExpectedSample[], got: readonly Parsed[]): Comparison {
  const exp: Parsed[] = [];
  for (const e of expected) {
    try {
      exp.push({ labels: parseMetric(e.labels), value: e.value });
    } catch (err) {
      return { kind: 'bad-labels', labels: e.labels, message: describeError(err) };
    }
  }
  const sortedExp = [...exp].sort((a, b) => compareLabels(a.labels, b.labels));
  const sortedGot = [...got].sort((a, b) => compareLabels(a.labels, b.labels));
  const same =
    sortedExp.length === sortedGot.length &&
    sortedExp.every((e, i) => sameLabels(e.labels, sortedGot[i]!.labels) && e.value === sortedGot[i]!.value);
  if (same) return { kind: 'equal' };
  return { kind: 'differ', expected: formatSamples(sortedExp), got: formatSamples(sortedGot) };
}

function sameLabels(a: Labels, b: Labels): boolean {
  const an = sortedNames(a);
  const bn = sortedNames(b);
  return an.length === bn.length && an.every((n, i) => n === bn[i] && a[n] === b[n]);
}

function formatSamples(samples: readonly Parsed[]): string {
  if (samples.length === 0) return 'nil';
  return samples.map((s) => `${formatLabelSet(s.labels)} ${formatFloatE(s.value)}`).join(', ');
}
