import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertStateStore } from '../../src/adapters/redis/alert-state-store.js';
import { createRedis, type Redis } from '../../src/adapters/redis/create-redis.js';
import { RedisLease } from '../../src/adapters/redis/redis-lease.js';
import type { AlertEvent } from '../../src/core/model/alert.js';
import type { RuleGroup } from '../../src/core/model/rule.js';
import type { QueryEngine, QueryValue } from '../../src/core/query/types.js';
import { RuleEvaluator, type EvaluationReport } from '../../src/service/rule-evaluator.js';
import { openTestRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

/**
 * Two replicas sharing Redis, evaluating a 1 s group with a 2 s lease, on real node-cron
 * schedules: every slot is evaluated exactly once across both, and when the leader goes away
 * the other takes over within two lease periods.
 */
const LEASE_MS = 2000;

const engine: QueryEngine = {
  instantQuery: async (): Promise<QueryValue> => ({ resultType: 'vector', result: [{ labels: { application: 'app1' }, timestampMs: 0, value: 1 }] }),
  rangeQuery: async () => [],
};

const GROUP: RuleGroup = {
  name: 'serve-availability',
  interval_ms: 1000,
  rules: [
    { alert: 'ServeDown', expr: 'up == 0', for_ms: 0, keep_firing_for_ms: 0, labels: {}, annotations: {}, checklist: [], diagnose: [], source: 'x:1' },
  ],
  file: 'rules/x.yaml',
};

interface Replica {
  readonly name: string;
  readonly redis: Redis;
  readonly evaluator: RuleEvaluator;
}

let prefix: string;
let cleanup: () => Promise<void>;
const reports: (EvaluationReport & { replica: string })[] = [];
const events: (AlertEvent & { replica: string })[] = [];
const replicas: Replica[] = [];

function replica(name: string): Replica {
  const redis = createRedis({ url: testRedisUrl(), purpose: 'commands', connectionName: `${prefix}-${name}` });
  const evaluator = new RuleEvaluator({
    queryEngine: engine,
    store: new AlertStateStore({ redis, prefix }),
    lease: new RedisLease({ redis, key: `${prefix}:lease:rules`, ttlMs: LEASE_MS }),
    onEvents: (e) => void events.push(...e.map((ev) => ({ ...ev, replica: name }))),
    onEvaluation: (r) => void reports.push({ ...r, replica: name }),
  });
  evaluator.setGroups([GROUP]);
  const r = { name, redis, evaluator };
  replicas.push(r);
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const evaluated = () => reports.filter((r) => r.outcome !== 'skipped' && r.outcome !== 'failed');

beforeEach(async () => {
  prefix = uniquePrefix('evaluation-lease');
  ({ cleanup } = await openTestRedis(prefix));
  reports.length = 0;
  events.length = 0;
});

afterEach(async () => {
  for (const r of replicas.splice(0)) {
    await r.evaluator.stop().catch(() => {});
    r.redis.disconnect();
  }
  await cleanup();
});

describe('evaluation lease between replicas', () => {
  it('evaluates each slot exactly once across two replicas, and hands over when the leader stops', async () => {
    const a = replica('a');
    const b = replica('b');
    a.evaluator.start();
    b.evaluator.start();
    await sleep(4200);

    const slots = new Map<number, string[]>();
    for (const r of reports) {
      if (r.outcome === 'skipped') continue;
      slots.set(r.timeMs, [...(slots.get(r.timeMs) ?? []), r.replica]);
    }
    expect(slots.size).toBeGreaterThanOrEqual(3);
    for (const [, who] of slots) expect(who).toHaveLength(1);
    expect(evaluated().every((r) => r.outcome === 'ok')).toBe(true);
    // Both replicas saw every slot: one evaluated it, the other was not elected.
    expect(reports.filter((r) => r.outcome === 'skipped').length).toBeGreaterThanOrEqual(slots.size - 1);
    expect(events.map((e) => e.kind)).toEqual(['firing']);

    const leader = evaluated().at(-1)!.replica === 'a' ? a : b;
    const follower = leader === a ? b : a;
    const stoppedAt = Date.now();
    await leader.evaluator.stop();
    while (!evaluated().some((r) => r.replica === follower.name && r.timeMs > stoppedAt) && Date.now() - stoppedAt < 2 * LEASE_MS) await sleep(50);
    const takeover = evaluated().find((r) => r.replica === follower.name && r.timeMs > stoppedAt);
    expect(takeover, 'the follower evaluated after the leader stopped').toBeDefined();
    expect(takeover!.timeMs - stoppedAt).toBeLessThan(2 * LEASE_MS);
    // The state moved with the lease: the firing alert was not fired again.
    expect(events.map((e) => e.kind)).toEqual(['firing']);
  });

  it('takes over from a leader that vanished without releasing, once its lease expires', async () => {
    const a = replica('a');
    a.evaluator.start();
    while (evaluated().length === 0) await sleep(50);
    const b = replica('b');
    b.evaluator.start();
    // The leader "crashes": its connection to Redis is gone, so it neither renews nor releases.
    a.redis.disconnect();
    const crashedAt = Date.now();
    while (!evaluated().some((r) => r.replica === 'b') && Date.now() - crashedAt < 2 * LEASE_MS + 1000) await sleep(50);
    const takeover = evaluated().find((r) => r.replica === 'b');
    expect(takeover, 'b evaluated after a vanished').toBeDefined();
    expect(takeover!.timeMs - crashedAt).toBeLessThan(2 * LEASE_MS);
    expect(events.filter((e) => e.kind === 'firing')).toHaveLength(1);
    // The vanished leader's own schedule reports that it could not reach Redis.
    expect(reports.some((r) => r.replica === 'a' && r.outcome === 'failed')).toBe(true);
  });
});
