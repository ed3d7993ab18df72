import { describe, expect, it } from 'vitest';
import type { Labels } from '../../src/core/labels.js';
import { evaluatePromql } from '../../src/core/promql/evaluate-promql.js';
import { formatDuration, formatFloatE, formatFloatF } from '../../src/core/promql/go-format.js';
import { goLog10, goLog2, goPow } from '../../src/core/promql/go-math.js';
import { expandTemplate } from '../../src/core/promql/label-functions.js';
import { LocalQueryEngine } from '../../src/core/query/local-query-engine.js';
import { SampleStore } from '../../src/core/store/sample-store.js';
import { ServeMedicError } from '../../src/errors.js';

const MIN = 60_000;

function storeWith(series: Record<string, number[]>, stepMs = MIN): SampleStore {
  const store = new SampleStore({ retentionMs: Infinity });
  for (const [spec, values] of Object.entries(series)) {
    const labels = parseSpec(spec);
    values.forEach((v, i) => store.append(labels, i * stepMs, v));
  }
  return store;
}

/** `name{a="1"}` → labels, for test fixtures only. */
function parseSpec(spec: string): Labels {
  const m = /^([\w:]*)(?:\{(.*)\})?$/.exec(spec)!;
  const labels: Record<string, string> = {};
  if (m[1]) labels['__name__'] = m[1];
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const [k, v] = pair.split('=') as [string, string];
    labels[k.trim()] = JSON.parse(v);
  }
  return labels;
}

function evalError(store: SampleStore, expr: string, t = 0): ServeMedicError {
  try {
    evaluatePromql(expr, store, t);
  } catch (err) {
    if (err instanceof ServeMedicError) return err;
    throw err;
  }
  throw new Error(`expected ${expr} to fail`);
}

describe('evaluatePromql runtime errors (Prometheus fails these queries too)', () => {
  const store = storeWith({
    'a{x="1",y="1"}': [1],
    'a{x="1",y="2"}': [2],
    'b{x="1"}': [3],
    'c{x="1",y="1"}': [4],
    'c{x="1",y="2"}': [5],
    'other{x="1",y="1"}': [6],
    'h1_bucket{le="+Inf"}': [1],
    'h2_bucket{le="+Inf"}': [1],
  });

  it.each([
    ['a + on(x) c', 'found duplicate series for the match group {x="1"} on the right hand-side of the operation'],
    ['b + on(x) group_right a * 0 + on(x) group_right c', 'found duplicate series'],
    ['a + on(x) b', 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'],
    ['a + on(x) group_left(y) c{y="1"}', 'multiple matches for labels: grouping labels must ensure unique matches'],
    ['{__name__=~"a|other", y="1"} * 2', 'vector cannot contain metrics with the same labelset'],
    ['abs({__name__=~"a|other", y="1"})', 'vector cannot contain metrics with the same labelset'],
    ['count_over_time({__name__=~"a|other", y="1"}[5m])', 'vector cannot contain metrics with the same labelset'],
    ['-{__name__=~"a|other", y="1"}', 'vector cannot contain metrics with the same labelset'],
    ['label_replace(a, "y", "z", "x", ".*")', 'vector cannot contain metrics with the same labelset'],
    ['histogram_quantile(0.5, {__name__=~"h1_bucket|h2_bucket"})', 'vector cannot contain metrics with the same labelset'],
    ['label_replace(a, "1bad", "z", "x", ".*")', 'invalid destination label name in label_replace(): 1bad'],
    ['label_replace(a, "y", "z", "x", "(")', 'invalid regular expression in label_replace(): ('],
    ['label_join(a, "z", ",", "not-a-label")', 'invalid source label name in label_join(): not-a-label'],
    ['topk(1e300, a)', 'overflows int64'],
    ['count_values("bad-label", a)', 'invalid label name "bad-label"'],
    ['holt_winters(a[5m], 2, 0.5)', 'invalid smoothing factor'],
  ])('%s fails with PROMQL_EVAL', (expr, message) => {
    const err = evalError(store, expr);
    expect(err.code).toBe('PROMQL_EVAL');
    expect(err.message).toContain(message);
  });

  it('does not fail on a duplicate that a comparison filtered out', () => {
    const out = evaluatePromql('a > on(x) b', store, 0);
    expect(out).toEqual({ type: 'vector', samples: [] });
  });
});

describe('evaluatePromql semantics', () => {
  it('returns the sample time from timestamp() of a selector and the evaluation time otherwise', () => {
    const store = storeWith({ g: [1, 2] });
    const at = (expr: string): unknown => evaluatePromql(expr, store, 90_000);
    expect(at('timestamp(g)')).toMatchObject({ samples: [{ value: 60 }] });
    expect(at('timestamp(abs(g))')).toMatchObject({ samples: [{ value: 90 }] });
  });

  it('drops the metric name where Prometheus does', () => {
    const store = storeWith({ 'g{a="1"}': [2] });
    const labels = (expr: string): unknown => (evaluatePromql(expr, store, 0) as unknown as { samples: { labels: Labels }[] }).samples[0]?.labels;
    expect(labels('g * 2')).toEqual({ a: '1' });
    expect(labels('g > 1')).toEqual({ __name__: 'g', a: '1' });
    expect(labels('g > bool 1')).toEqual({ a: '1' });
    expect(labels('last_over_time(g[1m])')).toEqual({ __name__: 'g', a: '1' });
    expect(labels('max_over_time(g[1m])')).toEqual({ a: '1' });
    expect(labels('+g')).toEqual({ __name__: 'g', a: '1' });
    expect(labels('sort(g)')).toEqual({ __name__: 'g', a: '1' });
    expect(labels('label_replace(g, "b", "2", "", "")')).toEqual({ __name__: 'g', a: '1', b: '2' });
  });

  it('does not see samples newer than the evaluation time or older than the lookback', () => {
    const store = storeWith({ g: [1, 2, 3] });
    expect(evaluatePromql('g', store, 60_000)).toMatchObject({ samples: [{ value: 2 }] });
    expect(evaluatePromql('g', store, 7 * MIN + 1)).toMatchObject({ samples: [] });
    expect(evaluatePromql('g', store, 3 * MIN, { lookbackDeltaMs: 30_000 })).toMatchObject({ samples: [] });
  });
});

describe('Go-compatible arithmetic (promtool compares results exactly)', () => {
  it('matches values promtool 2.42 printed', () => {
    expect(goPow(1.1, 7.3)).toBe(2.005241119382375);
    expect(goLog2(3)).toBe(1.5849625007211563);
    expect(goLog10(1000)).toBe(3);
    expect(goPow(2, 0.5)).toBe(1.4142135623730951);
    expect(goPow(10, -3)).toBe(0.001);
  });

  it('follows IEEE special cases for pow', () => {
    expect(goPow(-8, 1 / 3)).toBeNaN();
    expect(goPow(0, -1)).toBe(Infinity);
    expect(goPow(-0, -3)).toBe(-Infinity);
    expect(goPow(-1, Infinity)).toBe(1);
    expect(goPow(2, 1024)).toBe(Infinity);
    expect(goPow(2, -1074)).toBe(5e-324);
  });

  it('formats floats as strconv does', () => {
    expect(formatFloatF(1e21)).toBe('1000000000000000000000');
    expect(formatFloatF(0.000001)).toBe('0.000001');
    expect(formatFloatF(-2.5)).toBe('-2.5');
    expect(formatFloatF(Infinity)).toBe('+Inf');
    expect(formatFloatE(0.16666666666666669)).toBe('1.6666666666666669E-01');
    expect(formatFloatE(115)).toBe('1.15E+02');
    expect(formatFloatE(1e100)).toBe('1E+100');
    expect(formatFloatE(0)).toBe('0E+00');
  });

  it('formats durations as model.Duration does', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(14 * 86_400_000)).toBe('2w');
    expect(formatDuration(10 * 86_400_000)).toBe('10d');
  });

  it('expands label_replace templates with Go rules', () => {
    const m = /^(?:(?<app>a)(b))$/.exec('ab')!;
    expect(expandTemplate('$1-$2', m)).toBe('a-b');
    expect(expandTemplate('$1_x', m)).toBe('');
    expect(expandTemplate('${1}_x', m)).toBe('a_x');
    expect(expandTemplate('$$1 $app ${app}', m)).toBe('$1 a a');
    expect(expandTemplate('cost: $', m)).toBe('cost: $');
  });
});

describe('LocalQueryEngine', () => {
  const store = storeWith({ 'up{job="a"}': [1, 1, 0], 'up{job="b"}': [1, 1, 1] });
  const engine = new LocalQueryEngine(store);

  it('answers instant queries in the shapes of the Prometheus API', async () => {
    expect(await engine.instantQuery('sum(up)', 2 * MIN)).toEqual({
      resultType: 'vector',
      result: [{ labels: {}, timestampMs: 2 * MIN, value: 1 }],
    });
    expect(await engine.instantQuery('scalar(sum(up))', MIN)).toEqual({ resultType: 'scalar', result: { timestampMs: MIN, value: 2 } });
    expect(await engine.instantQuery('"hello"', MIN)).toEqual({ resultType: 'string', result: { timestampMs: MIN, value: 'hello' } });
    const matrix = await engine.instantQuery('up{job="a"}[1m]', 2 * MIN);
    expect(matrix).toEqual({
      resultType: 'matrix',
      result: [{ labels: { __name__: 'up', job: 'a' }, points: [{ timestampMs: MIN, value: 1 }, { timestampMs: 2 * MIN, value: 0 }] }],
    });
  });

  it('evaluates range queries at every step', async () => {
    const series = await engine.rangeQuery('up == 0 or up * 10', 0, 2 * MIN, MIN);
    expect(series).toEqual([
      { labels: { job: 'a' }, points: [{ timestampMs: 0, value: 10 }, { timestampMs: MIN, value: 10 }] },
      { labels: { job: 'b' }, points: [0, MIN, 2 * MIN].map((t) => ({ timestampMs: t, value: 10 })) },
      { labels: { __name__: 'up', job: 'a' }, points: [{ timestampMs: 2 * MIN, value: 0 }] },
    ]);
  });

  it('refuses range queries that make no sense', async () => {
    await expect(engine.rangeQuery('up[5m]', 0, MIN, MIN)).rejects.toMatchObject({ code: 'PROMQL_EVAL' });
    await expect(engine.rangeQuery('up', 0, MIN, 0)).rejects.toMatchObject({ code: 'PROMQL_EVAL' });
    await expect(engine.instantQuery('up[5m:1m]', 0)).rejects.toMatchObject({ code: 'PROMQL_UNSUPPORTED' });
  });
});
