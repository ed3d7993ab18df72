import type { Labels } from '../labels.js';

/**
 * Prometheus's order of label sets (labels.Compare): names sorted, then pairwise by name and
 * value, the shorter set first when one is a prefix of the other. Series come out of a select in
 * this order, so results (and which of several tied series topk keeps) do not depend on the
 * order series were first scraped in. Prometheus itself returns them in creation order, and
 * promtool creates them in random order, so for ties neither is "the" answer.
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

const namesCache = new WeakMap<Labels, readonly string[]>();

/** Label names in byte order; cached per label-set object (series label sets are long-lived). */
export function sortedNames(labels: Labels): readonly string[] {
  let names = namesCache.get(labels);
  if (!names) {
    names = Object.keys(labels).sort(byCodeUnit);
    namesCache.set(labels, names);
  }
  return names;
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
