import { describe, expect, it } from 'vitest';
import type { Labels } from '../../src/core/labels.js';
import { evaluatePromql } from '../../src/core/promql/evaluate-promql.js';
import { SampleStore } from '../../src/core/store/sample-store.js';

/**
 * Aggregations over a selector or a range function take the series straight from the store,
 * finding each series' group through caches keyed by series ref and marks left on shared
 * group slots. Wrapping the input in `* 1` sends it through the general path (a built vector,
 * groups found by key), which these tests hold the fast path to.
 */

const MIN = 60_000;

function vector(store: SampleStore, expr: string, t: number): [string, number][] {
  const result = evaluatePromql(expr, store, t);
  if (result.type !== 'vector') throw new Error(`expected a vector from ${expr}`);
  return result.samples.map((s) => [JSON.stringify(s.labels), s.value]);
}

function fill(store: SampleStore, labelsOf: (i: number) => Labels, count: number, from: number, to: number): void {
  for (let t = from; t <= to; t += 15_000) {
    for (let i = 0; i < count; i++) store.append(labelsOf(i), t, (t / 15_000) * (i + 1));
  }
}

const pairs: [string, string][] = [
  ['sum by (app) (m)', 'sum by (app) (m * 1)'],
  ['max without (replica) (m)', 'max without (replica) (m * 1)'],
  ['count by (app, le) (rate(m[5m]))', 'count by (app, le) (rate(m[5m]) * 1)'],
  ['avg by (le) (rate(m[5m]))', 'avg by (le) (rate(m[5m]) * 1)'],
  ['topk(2, sum by (app, le) (increase(m[2m])))', 'topk(2, sum by (app, le) (increase(m[2m]) * 1))'],
];

describe('aggregation fast paths', () => {
  it('agree with the general path', () => {
    const store = new SampleStore({ retentionMs: Infinity });
    fill(store, (i) => ({ __name__: 'm', app: `a${i % 3}`, replica: `r${i}`, le: String(i % 4) }), 24, 0, 10 * MIN);
    for (const [fast, general] of pairs) expect(vector(store, fast, 10 * MIN), fast).toEqual(vector(store, general, 10 * MIN));
  });

  it('keep two stores apart when the same refs name different series', () => {
    const one = new SampleStore({ retentionMs: Infinity });
    const two = new SampleStore({ retentionMs: Infinity });
    fill(one, (i) => ({ __name__: 'm', app: `one-${i % 2}`, le: '1' }), 6, 0, 6 * MIN);
    fill(two, (i) => ({ __name__: 'm', app: `two-${i % 3}`, le: '1' }), 6, 0, 6 * MIN);
    for (let round = 0; round < 3; round++) {
      for (const store of [one, two]) {
        for (const [fast, general] of pairs) expect(vector(store, fast, 6 * MIN), fast).toEqual(vector(store, general, 6 * MIN));
      }
    }
    expect(vector(one, 'sum by (app) (m)', 6 * MIN).map(([l]) => l)).toEqual(['{"app":"one-0"}', '{"app":"one-1"}']);
    expect(vector(two, 'count by (app) (m)', 6 * MIN).map(([l]) => l)).toEqual(['{"app":"two-0"}', '{"app":"two-1"}', '{"app":"two-2"}']);
  });

  it('follow a ref that retention freed and a new series took', () => {
    const store = new SampleStore({ retentionMs: 10 * MIN, autoGcEveryMs: 0 });
    fill(store, (i) => ({ __name__: 'm', app: 'old', replica: `r${i}` }), 4, 0, 5 * MIN);
    expect(vector(store, 'sum by (app) (m)', 5 * MIN)).toEqual([['{"app":"old"}', 20 * 10]]);
    store.gc(60 * MIN);
    expect(store.seriesCount()).toBe(0);
    fill(store, (i) => ({ __name__: 'm', app: i < 2 ? 'new' : 'newer', replica: `r${i}` }), 4, 61 * MIN, 66 * MIN);
    const t = 66 * MIN;
    expect(vector(store, 'sum by (app) (m)', t)).toEqual(vector(store, 'sum by (app) (m * 1)', t));
    // Freed refs are reused newest first, so the groups come in reverse order of creation.
    expect(vector(store, 'sum by (app) (m)', t)).toEqual([
      ['{"app":"newer"}', 264 * 7],
      ['{"app":"new"}', 264 * 3],
    ]);
  });

  it('keep groups apart when aggregations over the same labels nest', () => {
    const store = new SampleStore({ retentionMs: Infinity });
    fill(store, (i) => ({ __name__: 'm', app: `a${i % 2}`, replica: `r${i}` }), 6, 0, 6 * MIN);
    const t = 6 * MIN;
    expect(vector(store, 'sum by (app) (m) / on(app) count by (app) (m)', t)).toEqual(vector(store, 'avg by (app) (m)', t));
    expect(vector(store, 'sum by (app) (sum by (app, replica) (m))', t)).toEqual(vector(store, 'sum by (app) (m)', t));
  });
});
