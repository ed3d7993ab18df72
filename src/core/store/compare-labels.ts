import type { Labels } from '../labels.js';
import { LabelsMemo } from './labels-memo.js';

/**
 * Prometheus's order of label sets (labels.Compare): names sorted, then pairwise by name and
 * value, the shorter set first when one is a prefix of the other. promtool sorts results this
 * way before comparing them, and the store's select() returns series in this order.
 */
export function compareLabels(a: Labels, b: Labels): number {
  const an = sortedNames(a);
  const bn = sortedNames(b);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const x = an[i]!;
    const y = bn[i]!;
    if (x !== y) return x < y ? -1 : 1;
    const xv = a[x]!;
    const yv = b[y]!;
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  return an.length - bn.length;
}

const names = new LabelsMemo<readonly string[]>((labels) => Object.keys(labels).sort(byCodeUnit));

/** Label names in byte order; remembered per label set (series label sets are long-lived). */
export function sortedNames(labels: Labels): readonly string[] {
  return names.get(labels);
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

