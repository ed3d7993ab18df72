import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertStateStore } from '../../src/adapters/redis/alert-state-store.js';
import type { Redis } from '../../src/adapters/redis/create-redis.js';
import { RedisLease } from '../../src/adapters/redis/redis-lease.js';
import type { Alert, AlertEvent } from '../../src/core/model/alert.js';
import { openTestRedis, uniquePrefix } from '../helpers/redis.js';

const alert = (fingerprint: string, value: number, state: Alert['state'] = 'firing'): Alert => ({
  fingerprint,
  name: 'ServeHighLatency',
  labels: { alertname: 'ServeHighLatency', application: fingerprint },
  annotations: { summary: 's' },
  state,
  activeAtMs: 1000,
  ...(state === 'firing' ? { firedAtMs: 2000 } : {}),
  value,
  source: 'rules',
});

let redis: Redis;
let cleanup: () => Promise<void>;
let prefix: string;

beforeEach(async () => {
  prefix = uniquePrefix('alert-state');
  ({ redis, cleanup } = await openTestRedis(prefix));
});
afterEach(async () => cleanup());

describe('AlertStateStore', () => {
  it('stores and reads back each rule’s alerts, NaN and infinities included', async () => {
    const store = new AlertStateStore({ redis, prefix });
    const alerts = [alert('a', 1.5), alert('b', NaN, 'pending'), alert('c', Infinity), alert('d', -Infinity)];
    expect(await store.save(new Map([['ServeHighLatency', alerts]]), [])).toBe(true);
    const again = new AlertStateStore({ redis, prefix });
    const loaded = await again.load(['ServeHighLatency', 'Other']);
    expect(loaded.get('ServeHighLatency')).toEqual(alerts);
    expect(loaded.get('Other')).toEqual([]);
    expect([...(await again.loadAll()).keys()]).toEqual(['ServeHighLatency']);
  });

  it('removes a rule whose alert list is empty', async () => {
    const store = new AlertStateStore({ redis, prefix });
    await store.save(new Map([['A', [alert('a', 1)]], ['B', [alert('b', 2)]]]), []);
    await store.save(new Map([['A', []]]), []);
    expect([...(await store.loadAll()).keys()]).toEqual(['B']);
  });

  it('queues events with the state write and drops them once acknowledged', async () => {
    const store = new AlertStateStore({ redis, prefix });
    const events: AlertEvent[] = [
      { kind: 'firing', alert: alert('a', 1), atMs: 2000 },
      { kind: 'resolved', alert: alert('b', NaN, 'inactive'), atMs: 3000 },
    ];
    await store.save(new Map([['A', [alert('a', 1)]]]), events);
    expect(await store.pendingEvents()).toEqual(events);
    await store.ackEvents(1);
    expect(await store.pendingEvents()).toEqual([events[1]]);
  });

  it('refuses a write fenced by a lease this instance no longer holds', async () => {
    const store = new AlertStateStore({ redis, prefix });
    const mine = new RedisLease({ redis, key: `${prefix}:lease`, ttlMs: 5000, holder: 'me' });
    const theirs = new RedisLease({ redis, key: `${prefix}:lease`, ttlMs: 5000, holder: 'them' });
    expect(await mine.tryAcquire()).toBe(true);
    expect(await store.save(new Map([['A', [alert('a', 1)]]]), [], mine.fence)).toBe(true);
    await mine.release();
    expect(await theirs.tryAcquire()).toBe(true);
    expect(await store.save(new Map([['A', [alert('a', 99)]]]), [{ kind: 'firing', alert: alert('a', 99), atMs: 1 }], mine.fence)).toBe(false);
    expect((await store.load(['A'])).get('A')![0]!.value).toBe(1);
    expect(await store.pendingEvents()).toEqual([]);
    expect(await store.ackEvents(1, mine.fence)).toBe(false);
  });
});

describe('RedisLease', () => {
  it('has one holder; renews for its holder; can be taken over once it expires or is released', async () => {
    const a = new RedisLease({ redis, key: `${prefix}:lease`, ttlMs: 300 });
    const b = new RedisLease({ redis, key: `${prefix}:lease`, ttlMs: 300 });
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await a.tryAcquire()).toBe(true); // renewal by the holder
    expect(a.isHeld()).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(a.isHeld()).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.renew()).toBe(false);
    await b.release();
    expect(await a.tryAcquire()).toBe(true);
  });

  it('keeps the lease while started, through several TTLs, and releases it on stop', async () => {
    const changes: boolean[] = [];
    const a = new RedisLease({ redis, key: `${prefix}:lease`, ttlMs: 300, onChange: (held) => changes.push(held) });
    const b = new RedisLease({ redis, key: `${prefix}:lease`, ttlMs: 300 });
    expect(await a.tryAcquire()).toBe(true);
    a.start();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await b.tryAcquire()).toBe(false);
    await a.stop();
    expect(await b.tryAcquire()).toBe(true);
    expect(changes).toEqual([true, false]);
  });
});
