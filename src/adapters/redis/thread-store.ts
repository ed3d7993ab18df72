import type { Redis } from 'ioredis';
import type { AlertEvent } from '../../core/model/alert.js';
import type { ThreadSnapshot } from '../../core/notify/notification.js';

/**
 * Where each Slack thread lives (channel + parent ts) and what was last sent to it, keyed by an
 * opaque thread key (the alert fingerprint for our own alerts; issue #7 uses the Alertmanager
 * group key). It is also the notification log: dedup reads it, reminders and resolutions move
 * it with compare-and-set scripts, so two instances never both act.
 *
 * "Never a second parent": before posting a parent, an instance claims the key with an atomic
 * create-if-absent carrying a lease. Whoever finds a claim without a ts waits for the ts; a claim
 * whose lease ran out without a ts (its owner died mid-post) may be taken over. The owner renews
 * the lease while its parent waits in the send queue.
 */
export interface ThreadRecord extends ThreadSnapshot {
  readonly threadKey: string;
  readonly owner: string;
  readonly leaseUntilMs?: number;
  readonly alertName: string;
}

export type ClaimResult = { readonly won: true; readonly tookOver: boolean } | { readonly won: false; readonly record: ThreadRecord | null };

export interface ThreadStoreOptions {
  readonly prefix: string;
  /** How long a record lives after the last notification while firing (renewed by reminders). */
  readonly firingTtlMs?: number;
  /** How long a resolved thread can be reopened by the same alert firing again. */
  readonly reopenWindowMs?: number;
}

const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'channel', ARGV[2], 'state', 'firing', 'openedAt', ARGV[3], 'lastNotified', ARGV[3], 'leaseUntil', ARGV[4], 'name', ARGV[6])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
local ts = redis.call('HGET', KEYS[1], 'ts')
local lease = tonumber(redis.call('HGET', KEYS[1], 'leaseUntil') or '0')
if (not ts) and lease < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'leaseUntil', ARGV[4])
  return 2
end
return 0`;

const SET_TS = `
local cur = redis.call('HGET', KEYS[1], 'ts')
if cur then return cur end
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'ts', ARGV[2], 'channel', ARGV[1])
redis.call('HDEL', KEYS[1], 'leaseUntil')
return ARGV[2]`;

const EXTEND_LEASE = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and not redis.call('HGET', KEYS[1], 'ts') then
  redis.call('HSET', KEYS[1], 'leaseUntil', ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and not redis.call('HGET', KEYS[1], 'ts') then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

const CLAIM_REMINDER = `
if redis.call('HGET', KEYS[1], 'state') == 'firing' and redis.call('HGET', KEYS[1], 'lastNotified') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'lastNotified', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;

const CLAIM_RESOLVE = `
if redis.call('HGET', KEYS[1], 'state') ~= 'firing' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'resolved', 'resolvedAt', ARGV[1], 'lastNotified', ARGV[1])
if redis.call('HGET', KEYS[1], 'ts') then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

const REOPEN = `
if redis.call('HGET', KEYS[1], 'state') ~= 'resolved' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'firing', 'lastNotified', ARGV[1])
redis.call('HDEL', KEYS[1], 'resolvedAt')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

export class ThreadStore {
  private readonly prefix: string;
  private readonly firingKey: string;
  readonly firingTtlMs: number;
  readonly reopenWindowMs: number;

  constructor(
    private readonly redis: Redis,
    options: ThreadStoreOptions,
  ) {
    this.prefix = `${options.prefix}:slack:thread:`;
    this.firingKey = `${options.prefix}:slack:firing`;
    this.firingTtlMs = options.firingTtlMs ?? 7 * 86_400_000;
    this.reopenWindowMs = options.reopenWindowMs ?? 3600_000;
  }

  private key(threadKey: string): string {
    return this.prefix + threadKey;
  }

  async get(threadKey: string): Promise<ThreadRecord | null> {
    const h = await this.redis.hgetall(this.key(threadKey));
    return parseRecord(threadKey, h);
  }

  /** Atomically claims the right to post the parent. */
  async claim(threadKey: string, a: { owner: string; channel: string; nowMs: number; leaseMs: number; alertName: string }): Promise<ClaimResult> {
    const r = (await this.redis.eval(CLAIM, 1, this.key(threadKey), a.owner, a.channel, a.nowMs, a.nowMs + a.leaseMs, this.firingTtlMs, a.alertName)) as number;
    if (r === 1 || r === 2) return { won: true, tookOver: r === 2 };
    return { won: false, record: await this.get(threadKey) };
  }

  /** Stores the parent's ts; returns the ts now stored (someone else's if they got there first). */
  async setTs(threadKey: string, channel: string, ts: string): Promise<string | null> {
    return (await this.redis.eval(SET_TS, 1, this.key(threadKey), channel, ts)) as string | null;
  }

  /** Keeps a claim alive while its parent waits to be sent; false when the claim was lost. */
  async extendLease(threadKey: string, owner: string, leaseUntilMs: number): Promise<boolean> {
    return (await this.redis.eval(EXTEND_LEASE, 1, this.key(threadKey), owner, leaseUntilMs)) === 1;
  }

  /** Gives a claim up (the parent could not be posted), so a later event may try again. */
  async release(threadKey: string, owner: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 1, this.key(threadKey), owner)) === 1;
  }

  /** Compare-and-set on the last notification time: only one instance sends a given reminder. */
  async claimReminder(threadKey: string, expectedLastMs: number, nowMs: number): Promise<boolean> {
    return (await this.redis.eval(CLAIM_REMINDER, 1, this.key(threadKey), String(expectedLastMs), nowMs, this.firingTtlMs)) === 1;
  }

  /** firing → resolved, once. Returns the record as it was (to find the parent). */
  async claimResolve(threadKey: string, nowMs: number): Promise<ThreadRecord | null> {
    const before = await this.get(threadKey);
    if (!before || before.state !== 'firing') return null;
    const r = await this.redis.eval(CLAIM_RESOLVE, 1, this.key(threadKey), nowMs, this.reopenWindowMs);
    return r === 1 ? before : null;
  }

  /** resolved → firing, once, when the alert fires again within the reopen window. */
  async reopen(threadKey: string, nowMs: number): Promise<boolean> {
    return (await this.redis.eval(REOPEN, 1, this.key(threadKey), nowMs, this.firingTtlMs)) === 1;
  }

  /**
   * The alerts still firing, as last heard (one hash field per thread key). The alert lifecycle
   * does not repeat a firing event after a restart, so this is how a new process knows what to
   * remind about and what to post when a silence ends.
   */
  async rememberFiring(threadKey: string, event: AlertEvent): Promise<void> {
    await this.redis.hset(this.firingKey, threadKey, JSON.stringify(event));
  }

  async forgetFiring(threadKey: string): Promise<void> {
    await this.redis.hdel(this.firingKey, threadKey);
  }

  /** Every remembered firing event; entries older than the firing TTL are dropped as abandoned. */
  async loadFiring(nowMs: number): Promise<Map<string, AlertEvent>> {
    const all = await this.redis.hgetall(this.firingKey);
    const out = new Map<string, AlertEvent>();
    const stale: string[] = [];
    for (const [key, json] of Object.entries(all)) {
      const event = JSON.parse(json) as AlertEvent;
      if (nowMs - event.atMs > this.firingTtlMs) stale.push(key);
      else out.set(key, event);
    }
    if (stale.length > 0) await this.redis.hdel(this.firingKey, ...stale);
    return out;
  }

  /**
   * Waits until the parent has a ts. Returns the record with its ts, `expired` when the claim's
   * lease ran out without one (its owner is gone), or null when there is no record at all.
   */
  async waitForTs(
    threadKey: string,
    a: { nowMs: () => number; pollMs?: number; sleep?: (ms: number) => Promise<void> },
  ): Promise<{ record: ThreadRecord & { ts: string } } | { expired: ThreadRecord } | null> {
    const sleep = a.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (;;) {
      const rec = await this.get(threadKey);
      if (!rec) return null;
      if (rec.ts !== undefined) return { record: rec as ThreadRecord & { ts: string } };
      if ((rec.leaseUntilMs ?? 0) < a.nowMs()) return { expired: rec };
      await sleep(a.pollMs ?? 250);
    }
  }
}

function parseRecord(threadKey: string, h: Record<string, string>): ThreadRecord | null {
  if (!h.owner || !h.channel) return null;
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    threadKey,
    owner: h.owner,
    channel: h.channel,
    ...(h.ts !== undefined ? { ts: h.ts } : {}),
    state: h.state === 'resolved' ? 'resolved' : 'firing',
    openedAtMs: Number(h.openedAt ?? 0),
    lastNotifiedMs: Number(h.lastNotified ?? 0),
    ...(h.resolvedAt !== undefined ? { resolvedAtMs: num(h.resolvedAt)! } : {}),
    ...(h.leaseUntil !== undefined ? { leaseUntilMs: num(h.leaseUntil)! } : {}),
    alertName: h.name ?? '',
  };
}
