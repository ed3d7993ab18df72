import type { Redis } from 'ioredis';
import type { RecentChanges } from '../../core/remediation/check-guardrails.js';

const HOUR_MS = 3600_000;

// KEYS[1] zset of changes in the last hour (member = proposal id, score = time),
// KEYS[2] the deployment's last change {"at":…,"id":…}.
// ARGV: now, cooldown ms, max per hour, proposal id, ttl ms.
// A proposal that already holds its reservation (a job re-run after a crash) keeps it.
const RESERVE = `
local now = tonumber(ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 'ok' end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 3600000)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'rate' end
local last = redis.call('GET', KEYS[2])
if last then
  local l = cjson.decode(last)
  if l.id ~= ARGV[4] and now - tonumber(l.at) < tonumber(ARGV[2]) then return 'cooldown' end
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], 3600000)
redis.call('SET', KEYS[2], cjson.encode({at = now, id = ARGV[4]}), 'PX', ARGV[5])
return 'ok'`;

// Undo a reservation whose change was never applied (Ray refused it, or a guardrail did).
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local last = redis.call('GET', KEYS[2])
if last and cjson.decode(last).id == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`;

/**
 * The counters behind two guardrails: a cooldown per deployment and a cap on changes per hour
 * per cluster. A fix reserves its slot atomically just before its PUT, so two instances (or a
 * burst of approvals) cannot both pass the check and both change the cluster.
 */
export class RemediationLimits {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    options: { readonly prefix: string; readonly cluster: string },
  ) {
    this.base = `${options.prefix}:remediation:limits:${options.cluster}`;
  }

  private lastKey(application: string, deployment: string): string {
    return `${this.base}:last:${application}/${deployment}`;
  }

  private get changesKey(): string {
    return `${this.base}:changes`;
  }

  async lastChangeAt(application: string, deployment: string): Promise<number | undefined> {
    const raw = await this.redis.get(this.lastKey(application, deployment));
    if (!raw) return undefined;
    const at = Number((JSON.parse(raw) as { at: number }).at);
    return Number.isFinite(at) ? at : undefined;
  }

  async recent(application: string, deployment: string, nowMs: number): Promise<RecentChanges> {
    const [last, count] = await Promise.all([this.lastChangeAt(application, deployment), this.redis.zcount(this.changesKey, nowMs - HOUR_MS, '+inf')]);
    return { ...(last !== undefined ? { lastChangeAtMs: last } : {}), changesInLastHour: count };
  }

  /** Takes a slot for a fix: 'ok', or which guardrail says no. */
  async reserve(r: { proposalId: string; application: string; deployment: string; nowMs: number; cooldownMs: number; maxPerHour: number }): Promise<'ok' | 'cooldown' | 'rate'> {
    const ttl = Math.max(r.cooldownMs, HOUR_MS) + HOUR_MS;
    return (await this.redis.eval(
      RESERVE,
      2,
      this.changesKey,
      this.lastKey(r.application, r.deployment),
      String(r.nowMs),
      String(r.cooldownMs),
      String(r.maxPerHour),
      r.proposalId,
      String(ttl),
    )) as 'ok' | 'cooldown' | 'rate';
  }

  /** Gives the slot back when the change was not applied (a 400, a refusal). */
  async release(proposalId: string, application: string, deployment: string): Promise<void> {
    await this.redis.eval(RELEASE, 2, this.changesKey, this.lastKey(application, deployment), proposalId);
  }

  /** A rollback is not held back by the limits, but it does restart the deployment's cooldown. */
  async recordChange(application: string, deployment: string, proposalId: string, nowMs: number, cooldownMs: number): Promise<void> {
    await this.redis.set(this.lastKey(application, deployment), JSON.stringify({ at: nowMs, id: proposalId }), 'PX', Math.max(cooldownMs, HOUR_MS) + HOUR_MS);
  }
}
