import { describe, expect, it } from 'vitest';
import { evaluatePromql } from '../../src/core/promql/evaluate-promql.js';
import type { SampleSource } from '../../src/core/promql/sample-source.js';
import type { WindowEnds } from '../../src/core/store/chunk-pool.js';
import { CHUNK_SAMPLES, PointBuffer } from '../../src/core/store/chunk-pool.js';
import { SampleStore } from '../../src/core/store/sample-store.js';

/**
 * rate(), increase() and delta() take a shortcut through SampleStore.readEnds when a window
 * holds no drop and no staleness marker. These tests hold the shortcut to the full read:
 * the same answers, bit for bit, on series built to hit every corner (resets inside and
 * across chunks, NaN, ±Inf, staleness markers, gaps, windows on chunk edges).
 */

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const STEP = 15_000;

function randomStore(seed: number, seriesCount: number, steps: number): SampleStore {
  const rnd = random(seed);
  const store = new SampleStore({ retentionMs: Infinity });
  for (let s = 0; s < seriesCount; s++) {
    const labels = { __name__: 'm', series: String(s) };
    let value = Math.floor(rnd() * 100);
    let appended = 0;
    // 0: clean counter; 1: counter with resets, some on chunk boundaries; 2: the same with
    // staleness markers; 3: gauge; 4: NaN, ±Inf and signed zeros.
    const kind = s % 5;
    for (let i = 0; i < steps; i++) {
      const t = i * STEP + (rnd() < 0.1 ? Math.floor(rnd() * 5000) : 0);
      const roll = rnd();
      if (roll < 0.04) continue; // a missed scrape: a gap
      if (kind >= 2 && roll < 0.07) {
        store.markStale(labels, t);
        continue;
      }
      const reset = roll < 0.12 || (appended % CHUNK_SAMPLES === 0 && roll < 0.6);
      if (kind === 0) value += Math.floor(rnd() * 10);
      else if (kind <= 2) value = reset ? Math.floor(rnd() * 5) : value + Math.floor(rnd() * 10);
      else if (kind === 3) value = rnd() * 200 - 100;
      else value = [NaN, Infinity, -Infinity, 0, -0, value + 1][Math.floor(rnd() * 6)]!;
      store.append(labels, t, value);
      appended++;
    }
  }
  return store;
}

/** The store as a source without the shortcut: every window read whole. */
function withoutShortcut(store: SampleStore): SampleSource {
  return {
    matchingRefs: (m) => store.matchingRefs(m),
    labelsOf: (ref) => store.labelsOf(ref),
    labelsWithoutName: (ref) => store.labelsWithoutName(ref),
    readRange: (...args) => store.readRange(...args),
    lastSample: (...args) => store.lastSample(...args),
  };
}

function samplesOf(source: SampleSource, expr: string, t: number): [string, number][] {
  const result = evaluatePromql(expr, source, t);
  if (result.type !== 'vector') throw new Error(`expected a vector from ${expr}`);
  return result.samples.map((s) => [JSON.stringify(s.labels), s.value]);
}

describe('the rate/increase/delta shortcut over window ends', () => {
  it('gives the same answers, bit for bit, as reading every point', () => {
    const steps = 6 * CHUNK_SAMPLES + 5;
    const store = randomStore(7, 40, steps);
    const slow = withoutShortcut(store);
    let compared = 0;
    for (const fn of ['rate', 'increase', 'delta']) {
      for (const range of ['15s', '1m', '5m', '8m', '30m']) {
        for (let t = 0; t <= steps * STEP; t += 37 * STEP + 1234) {
          for (const at of [t, t - (t % STEP)]) {
            const expr = `${fn}(m[${range}])`;
            const fast = samplesOf(store, expr, at);
            const full = samplesOf(slow, expr, at);
            expect(fast.map(([l]) => l)).toEqual(full.map(([l]) => l));
            fast.forEach(([, v], i) => expect(Object.is(v, full[i]![1]), `${expr} at ${at}: ${v} vs ${full[i]![1]}`).toBe(true));
            compared += fast.length;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('agrees inside aggregations, where results stream into the groups', () => {
    const store = randomStore(11, 24, 3 * CHUNK_SAMPLES);
    const expr = 'sum by (series) (rate(m[5m])) + on(series) sum by (series) (increase(m[2m]))';
    for (let t = 5 * 60_000; t <= 3 * CHUNK_SAMPLES * STEP; t += 3 * 60_000) {
      expect(samplesOf(store, expr, t)).toEqual(samplesOf(withoutShortcut(store), expr, t));
    }
  });
});

describe('SampleStore.readEnds', () => {
  function series(values: readonly number[], stale: readonly number[] = []): { store: SampleStore; ref: number } {
    const store = new SampleStore({ retentionMs: Infinity });
    const labels = { __name__: 'c' };
    values.forEach((v, i) => {
      if (stale.includes(i)) store.markStale(labels, i * 1000);
      else store.append(labels, i * 1000, v);
    });
    return { store, ref: store.findRef(labels)! };
  }
  const ends = (): WindowEnds => ({ firstT: 0, firstV: 0, lastT: 0, lastV: 0 });

  it('finds the first and last points of a window spanning several chunks', () => {
    const { store, ref } = series(Array.from({ length: 3 * CHUNK_SAMPLES }, (_, i) => i * 2));
    const out = ends();
    expect(store.readEnds(ref, 10_000, 80_000, out, true)).toBe(71);
    expect(out).toEqual({ firstT: 10_000, firstV: 20, lastT: 80_000, lastV: 160 });
    const buffer = new PointBuffer();
    expect(store.readRange(ref, 10_000, 80_000, buffer, true)).toBe(71);
  });

  it('returns 0 for an empty window and -1 where the whole window must be read', () => {
    const up = Array.from({ length: 2 * CHUNK_SAMPLES }, (_, i) => i);
    const out = ends();
    const { store, ref } = series(up);
    expect(store.readEnds(ref, 200_000, 300_000, out, true)).toBe(0);
    // A drop inside a chunk, inside the window: -1 with checkDrops, the ends without.
    const inside = series(up.map((v, i) => (i === 5 ? 0 : v)));
    expect(inside.store.readEnds(inside.ref, 0, 10_000, out, true)).toBe(-1);
    expect(inside.store.readEnds(inside.ref, 0, 10_000, out, false)).toBe(11);
    // The same chunk, a window after the drop: no reset in the window, no read of every point.
    expect(inside.store.readEnds(inside.ref, 6000, 20_000, out, true)).toBe(15);
    // A drop right at a chunk boundary.
    const across = series(up.map((v, i) => (i === CHUNK_SAMPLES ? 0 : v)));
    expect(across.store.readEnds(across.ref, 20_000, 40_000, out, true)).toBe(-1);
    expect(across.store.readEnds(across.ref, (CHUNK_SAMPLES + 1) * 1000, 60_000, out, true)).toBeGreaterThan(0);
    // A staleness marker anywhere in a chunk the window touches.
    const stale = series(up, [3]);
    expect(stale.store.readEnds(stale.ref, 10_000, 20_000, out, false)).toBe(-1);
    expect(stale.store.readEnds(stale.ref, (CHUNK_SAMPLES + 1) * 1000, 60_000, out, false)).toBe(60 - CHUNK_SAMPLES);
  });
});
