import { describe, expect, it } from 'vitest';
import { PointBuffer } from '../../src/core/store/chunk-pool.js';
import type { LabelMatcher } from '../../src/core/store/label-matcher.js';
import type { SampleCursor } from '../../src/core/store/sample-store.js';
import { SampleStore } from '../../src/core/store/sample-store.js';
import { isStaleNaN } from '../../src/core/store/stale-nan.js';

const MIN = 60_000;
const eq = (name: string, value: string): LabelMatcher => ({ name, type: '=', value });
const name = (value: string): LabelMatcher => eq('__name__', value);

function names(store: SampleStore, matchers: LabelMatcher[]): string[] {
  return store.select(matchers, -Infinity, Infinity).map((s) => JSON.stringify(s.labels));
}

describe('SampleStore', () => {
  it('returns the points of matching series within [start, end], both ends included', () => {
    const store = new SampleStore();
    for (let i = 0; i <= 10; i++) store.append({ __name__: 'up', job: 'a' }, i * MIN, i);
    const [series] = store.select([name('up')], 3 * MIN, 5 * MIN);
    expect([...series!.timestamps]).toEqual([3 * MIN, 4 * MIN, 5 * MIN]);
    expect([...series!.values]).toEqual([3, 4, 5]);
    expect(series!.labels).toEqual({ __name__: 'up', job: 'a' });
  });

  it('keeps many samples per series across chunks', () => {
    const store = new SampleStore({ retentionMs: Infinity });
    for (let i = 0; i < 1000; i++) store.append({ __name__: 'c' }, i * 1000, i * 2);
    const [series] = store.select([name('c')], 100_000, 899_000);
    expect(series!.timestamps.length).toBe(800);
    expect(series!.values[0]).toBe(200);
    expect(series!.values[799]).toBe(1798);
  });

  it('drops and counts out-of-order and duplicate samples, keeping the first', () => {
    const store = new SampleStore();
    const labels = { __name__: 'x' };
    expect(store.append(labels, 2000, 1)).toBe(true);
    expect(store.append(labels, 2000, 5)).toBe(false);
    expect(store.append(labels, 1000, 7)).toBe(false);
    expect(store.append(labels, 3000, 2)).toBe(true);
    expect(store.stats()).toMatchObject({ duplicateDropped: 1, outOfOrderDropped: 1, samplesAppended: 2 });
    expect([...store.select([name('x')], 0, 5000)[0]!.values]).toEqual([1, 2]);
  });

  it('stores staleness markers as the stale NaN bit pattern, distinct from a real NaN', () => {
    const store = new SampleStore();
    const labels = { __name__: 'g' };
    store.append(labels, 1000, NaN);
    expect(store.markStale(labels, 2000)).toBe(true);
    const [series] = store.select([name('g')], 0, 3000);
    expect(series!.values.length).toBe(2);
    expect(Number.isNaN(series!.values[0]!)).toBe(true);
    expect(isStaleNaN(series!.values[0]!)).toBe(false);
    expect(isStaleNaN(series!.values[1]!)).toBe(true);
    const bits = new DataView(series!.values.buffer, series!.values.byteOffset + 8, 8).getBigUint64(0, true);
    expect(bits).toBe(0x7ff0000000000002n);
  });

  it('reports the newest point with its stale flag, and leaves markers out of ranges on request', () => {
    const store = new SampleStore();
    const labels = { __name__: 'g' };
    store.append(labels, 1000, 4);
    store.markStale(labels, 2000);
    const ref = store.findRef(labels)!;
    const cursor: SampleCursor = { t: 0, v: 0, stale: false };
    expect(store.lastSample(ref, 0, 1500, cursor)).toBe(true);
    expect(cursor).toEqual({ t: 1000, v: 4, stale: false });
    expect(store.lastSample(ref, 0, 2500, cursor)).toBe(true);
    expect(cursor.stale).toBe(true);
    expect(store.lastSample(ref, 1500, 1900, cursor)).toBe(false);
    const buffer = new PointBuffer(1);
    expect(store.readRange(ref, 0, 3000, buffer, true)).toBe(1);
    expect(store.readRange(ref, 0, 3000, buffer, false)).toBe(2);
  });

  it('keeps a series created by ref() until it has samples to age out', () => {
    const store = new SampleStore({ retentionMs: MIN });
    const ref = store.ref({ __name__: 'later' });
    store.append({ __name__: 'other' }, 10 * MIN, 1);
    store.gc(10 * MIN);
    expect(store.appendRef(ref, 10 * MIN, 2)).toBe(true);
    expect(store.seriesCount()).toBe(2);
  });

  it('does not create a series for a staleness marker', () => {
    const store = new SampleStore();
    expect(store.markStale({ __name__: 'never' }, 1000)).toBe(false);
    expect(store.seriesCount()).toBe(0);
  });

  it('treats labels with empty values as absent, as Prometheus does', () => {
    const store = new SampleStore();
    store.append({ __name__: 'x', a: '' }, 1000, 1);
    store.append({ __name__: 'x' }, 2000, 2);
    expect(store.seriesCount()).toBe(1);
    expect(store.select([name('x')], 0, 3000)[0]!.labels).toEqual({ __name__: 'x' });
  });

  describe('matchers', () => {
    const store = new SampleStore();
    const add = (labels: Record<string, string>): void => void store.append(labels, 1000, 1);
    add({ __name__: 'ray_serve_queued', application: 'text', deployment: 'Summarizer' });
    add({ __name__: 'ray_serve_queued', application: 'textual', deployment: 'Summarizer' });
    add({ __name__: 'ray_serve_queued', application: 'embed' });
    add({ __name__: 'ray_serve_other', application: 'text' });

    it('match exactly with =', () => {
      expect(names(store, [name('ray_serve_queued'), eq('application', 'text')])).toHaveLength(1);
    });

    it('anchor regular expressions at both ends', () => {
      expect(names(store, [name('ray_serve_queued'), { name: 'application', type: '=~', value: 'text' }])).toHaveLength(1);
      expect(names(store, [name('ray_serve_queued'), { name: 'application', type: '=~', value: 'text.*' }])).toHaveLength(2);
      expect(names(store, [{ name: '__name__', type: '=~', value: 'ray_serve_.*' }])).toHaveLength(4);
    });

    it('match a missing label as the empty string', () => {
      expect(names(store, [name('ray_serve_queued'), eq('deployment', '')])).toEqual([
        JSON.stringify({ __name__: 'ray_serve_queued', application: 'embed' }),
      ]);
      expect(names(store, [name('ray_serve_queued'), { name: 'deployment', type: '!=', value: 'Summarizer' }])).toHaveLength(1);
      expect(names(store, [name('ray_serve_queued'), { name: 'deployment', type: '!~', value: '.+' }])).toHaveLength(1);
    });

    it('return series in Prometheus label order', () => {
      expect(names(store, [{ name: 'application', type: '=~', value: '.+' }])).toEqual([
        JSON.stringify({ __name__: 'ray_serve_other', application: 'text' }),
        JSON.stringify({ __name__: 'ray_serve_queued', application: 'embed' }),
        JSON.stringify({ __name__: 'ray_serve_queued', application: 'text', deployment: 'Summarizer' }),
        JSON.stringify({ __name__: 'ray_serve_queued', application: 'textual', deployment: 'Summarizer' }),
      ]);
    });

    it('read RE2 syntax the way Go does', () => {
      const re = (value: string): number => names(store, [{ name: 'application', type: '=~', value }]).length;
      expect(re('(?i)TEXT')).toBe(2);
      expect(re('[[:alpha:]]+')).toBe(4);
      expect(re('\\w+')).toBe(4);
      expect(re('te\\x78t')).toBe(2);
      expect(re('(?P<app>text)')).toBe(2);
    });

    it('give the same answer without the index', () => {
      const brute = new SampleStore({ bruteForceSelect: true });
      for (const s of store.select([{ name: '__name__', type: '=~', value: '.+' }], 0, 2000)) brute.append(s.labels, 1000, 1);
      const matchers: LabelMatcher[] = [name('ray_serve_queued'), { name: 'application', type: '!~', value: 'emb.*' }];
      expect(names(brute, matchers)).toEqual(names(store, matchers));
    });
  });

  describe('retention', () => {
    it('drops samples older than the retention and series left empty', () => {
      const store = new SampleStore({ retentionMs: 60 * MIN, autoGcEveryMs: 0 });
      for (let i = 0; i < 120; i++) store.append({ __name__: 'steady' }, i * MIN, i);
      store.append({ __name__: 'gone' }, 0, 1);
      expect(store.seriesCount()).toBe(2);
      expect(store.gc(119 * MIN)).toBe(1);
      expect(store.seriesCount()).toBe(1);
      const [series] = store.select([name('steady')], 0, 200 * MIN);
      // Whole chunks go: everything older than 59m is gone, a chunk's worth may linger.
      expect(series!.timestamps[0]!).toBeGreaterThan(20 * MIN);
      expect(series!.timestamps[0]!).toBeLessThanOrEqual(59 * MIN);
      expect(store.stats().seriesDropped).toBe(1);
    });

    it('collects on its own as appended time moves on', () => {
      const store = new SampleStore({ retentionMs: 10 * MIN });
      store.append({ __name__: 'old' }, 0, 1);
      for (let i = 0; i <= 30; i++) store.append({ __name__: 'new' }, i * MIN, i);
      expect(store.seriesCount()).toBe(1);
    });

    it('keeps memory bounded under replica churn', () => {
      const store = new SampleStore({ retentionMs: 10 * MIN, autoGcEveryMs: 0 });
      const scrape = (round: number, t: number): void => {
        // Every 5 minutes all 50 replicas restart with new WorkerIds.
        const generation = Math.floor(round / 20);
        for (let r = 0; r < 50; r++) {
          const labels = { __name__: 'ray_serve_replica_processing_queries', replica: `r${r}`, WorkerId: `w${generation}-${r}` };
          store.append(labels, t, r);
        }
      };
      const sizes: number[] = [];
      const counts: number[] = [];
      for (let round = 0; round < 2000; round++) {
        const t = round * 15_000;
        scrape(round, t);
        if (round % 20 === 19) {
          store.gc(t);
          sizes.push(store.bytesUsed());
          counts.push(store.seriesCount());
        }
      }
      // 100 generations went through; at most the ones inside the retention are kept.
      expect(store.stats().seriesCreated).toBe(5000);
      expect(Math.max(...counts.slice(10))).toBeLessThanOrEqual(50 * 4);
      const settled = sizes.slice(20);
      expect(Math.max(...settled)).toBeLessThanOrEqual(Math.min(...settled) * 1.5);
    });
  });

  it('estimates its size', () => {
    const store = new SampleStore();
    const before = store.bytesUsed();
    for (let s = 0; s < 100; s++) for (let i = 0; i < 100; i++) store.append({ __name__: 'm', s: String(s) }, i * 1000, i);
    expect(store.bytesUsed()).toBeGreaterThan(before + 100 * 100 * 12);
  });
});
