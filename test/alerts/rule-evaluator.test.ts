import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertStateStore } from '../../src/adapters/redis/alert-state-store.js';
import type { Redis } from '../../src/adapters/redis/create-redis.js';
import { ManualClock } from '../../src/core/clock.js';
import type { AlertEvent } from '../../src/core/model/alert.js';
import type { AlertRule, RuleGroup } from '../../src/core/model/rule.js';
import { LocalQueryEngine } from '../../src/core/query/local-query-engine.js';
import type { QueryEngine, QueryValue } from '../../src/core/query/types.js';
import { SampleStore } from '../../src/core/store/sample-store.js';
import { RuleEvaluator, type EvaluationReport } from '../../src/service/rule-evaluator.js';
import { openTestRedis, uniquePrefix } from '../helpers/redis.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const M = 60_000;

/** A QueryEngine that answers from a script: canned vectors, or a thrown error. */
class ScriptedEngine implements QueryEngine {
  constructor(private readonly answer: (expr: string, timeMs: number) => QueryValue) {}
  async instantQuery(expr: string, timeMs: number): Promise<QueryValue> {
    return this.answer(expr, timeMs);
  }
  async rangeQuery(): Promise<never[]> {
    return [];
  }
}

const vector = (...apps: string[]): QueryValue => ({
  resultType: 'vector',
  result: apps.map((application) => ({ labels: { application }, timestampMs: 0, value: 3000 })),
});

const rule = (alert: string, forMs: number, expr = alert): AlertRule => ({
  alert,
  expr,
  for_ms: forMs,
  keep_firing_for_ms: 0,
  labels: { severity: 'warning' },
  annotations: { summary: '{{ $labels.application }} is slow: {{ $value }}' },
  checklist: [],
  diagnose: [],
  source: 'rules/test.yaml:1',
});

const group = (...rules: AlertRule[]): RuleGroup => ({ name: 'serve-latency', interval_ms: 15_000, rules, file: 'rules/test.yaml' });

let redis: Redis;
let cleanup: () => Promise<void>;
let prefix: string;

beforeEach(async () => {
  prefix = uniquePrefix('rule-evaluator');
  ({ redis, cleanup } = await openTestRedis(prefix));
});
afterEach(async () => cleanup());

function evaluator(engine: QueryEngine, groups: RuleGroup[], onEvents: (e: readonly AlertEvent[]) => void | Promise<void>, reports: EvaluationReport[] = []) {
  const clock = new ManualClock(T0);
  const e = new RuleEvaluator({ queryEngine: engine, store: new AlertStateStore({ redis, prefix }), onEvents, onEvaluation: (r) => reports.push(r), clock });
  e.setGroups(groups);
  return e;
}

const describeEvents = (events: readonly AlertEvent[]) => events.map((e) => `${e.kind} ${e.alert.name} ${e.alert.labels.application} @${(e.atMs - T0) / M}m`);

describe('RuleEvaluator', () => {
  it('keeps alert state across a restart: no second firing event, and `for` counts from the original activeAt', async () => {
    const engine = new ScriptedEngine(() => vector('app1'));
    const g = group(rule('Slow', 5 * M), rule('Down', 0));
    const first: AlertEvent[] = [];
    const before = evaluator(engine, [g], (e) => void first.push(...e));
    await before.evaluateGroup(g, T0);
    await before.evaluateGroup(g, T0 + 2 * M);
    expect(describeEvents(first)).toEqual(['firing Down app1 @0m']);

    // A new process: a new evaluator and store on the same Redis.
    const second: AlertEvent[] = [];
    const after = evaluator(engine, [g], (e) => void second.push(...e));
    await after.evaluateGroup(g, T0 + 4 * M);
    expect(second).toEqual([]);
    await after.evaluateGroup(g, T0 + 5 * M);
    expect(describeEvents(second)).toEqual(['firing Slow app1 @5m']);
    expect(second[0]!.alert).toMatchObject({ activeAtMs: T0, firedAtMs: T0 + 5 * M, annotations: { summary: 'app1 is slow: 3000' } });
  });

  it('keeps the alerts of a rule whose query fails, and reports the failure', async () => {
    let failing = false;
    const engine = new ScriptedEngine((expr) => {
      if (failing && expr === 'Down') throw new Error('Prometheus HTTP API did not answer');
      return vector('app1');
    });
    const g = group(rule('Down', 0), rule('Other', 0));
    const events: AlertEvent[] = [];
    const reports: EvaluationReport[] = [];
    const e = evaluator(engine, [g], (ev) => void events.push(...ev), reports);
    await e.evaluateGroup(g, T0);
    failing = true;
    const report = await e.evaluateGroup(g, T0 + M);
    expect(report).toMatchObject({
      outcome: 'rule-errors',
      ruleErrors: [{ rule: 'Down', error: 'Prometheus HTTP API did not answer' }],
      firing: 2,
      events: 0,
    });
    expect(describeEvents(events)).toEqual(['firing Down app1 @0m', 'firing Other app1 @0m']);
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'rule-errors']);
    expect(reports[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('redelivers events the callback failed to take, in order, after the next evaluation', async () => {
    const engine = new ScriptedEngine((_expr, t) => (t < T0 + M ? vector('app1') : vector('app2')));
    const g = group(rule('Down', 0));
    const delivered: string[][] = [];
    let fail = true;
    const e = evaluator(engine, [g], (events) => {
      if (fail) {
        fail = false;
        throw new Error('Slack is down');
      }
      delivered.push(describeEvents(events));
    });
    await e.evaluateGroup(g, T0);
    expect(delivered).toEqual([]);
    await e.evaluateGroup(g, T0 + M);
    expect(delivered).toEqual([['firing Down app1 @0m', 'resolved Down app1 @1m', 'firing Down app2 @1m']]);
    await e.evaluateGroup(g, T0 + 2 * M);
    expect(delivered).toHaveLength(1);
  });

  it('resolves and forgets the alerts of a rule removed by a reload, keeping the others', async () => {
    const engine = new ScriptedEngine(() => vector('app1'));
    const events: AlertEvent[] = [];
    const e = evaluator(engine, [group(rule('Kept', 0), rule('Removed', 0))], (ev) => void events.push(...ev));
    await e.evaluateNow();
    const reloaded = group(rule('Kept', 0));
    e.setGroups([reloaded]);
    await e.evaluateGroup(reloaded, T0 + M);
    expect(events.map((ev) => `${ev.kind} ${ev.alert.name}`)).toEqual(['firing Kept', 'firing Removed', 'resolved Removed']);
    const store = new AlertStateStore({ redis, prefix });
    expect([...(await store.loadAll()).keys()]).toEqual(['Kept']);
  });

  it('evaluates rules with the built-in LocalQueryEngine over the sample store', async () => {
    const samples = new SampleStore();
    const series = { __name__: 'ray_serve_deployment_queued_queries', application: 'app1', deployment: 'Model' };
    for (let t = T0 - 10 * M; t <= T0 + 10 * M; t += 15_000) samples.append(series, t, t < T0 ? 2 : 25);
    const r: AlertRule = {
      ...rule('ServeQueueBuildingUp', 2 * M, 'sum by (application, deployment) (ray_serve_deployment_queued_queries) > 10'),
      annotations: { summary: '{{ $labels.application }}/{{ $labels.deployment }}: {{ $value | humanize }} queued' },
    };
    const g = group(r);
    const events: AlertEvent[] = [];
    const e = evaluator(new LocalQueryEngine(samples), [g], (ev) => void events.push(...ev));
    for (const m of [-1, 0, 1, 2, 3]) await e.evaluateGroup(g, T0 + m * M);
    expect(describeEvents(events)).toEqual(['firing ServeQueueBuildingUp app1 @2m']);
    expect(events[0]!.alert).toMatchObject({
      labels: { alertname: 'ServeQueueBuildingUp', application: 'app1', deployment: 'Model', severity: 'warning' },
      annotations: { summary: 'app1/Model: 25 queued' },
      value: 25,
      activeAtMs: T0,
    });
  });
});
