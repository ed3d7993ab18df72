import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Matcher, Silence } from '../../core/silence/silence.js';

/**
 * Silences in Redis, shared by every instance: one JSON value per silence plus a sorted set of
 * ids by end time, so "active now" is one range query. Ended silences are kept a day (for
 * `silences` history and the end-of-silence re-check), then dropped by Redis.
 */
export interface NewSilence {
  readonly matchers: readonly Matcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly reason: string;
}

const KEEP_AFTER_END_MS = 86_400_000;

export class SilenceStore {
  private readonly prefix: string;
  private readonly index: string;

  constructor(
    private readonly redis: Redis,
    options: { readonly prefix: string },
  ) {
    this.prefix = `${options.prefix}:silence:`;
    this.index = `${options.prefix}:silences`;
  }

  async create(s: NewSilence, nowMs: number): Promise<Silence> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const silence: Silence = { id: randomBytes(4).toString('hex'), ...s, matchers: [...s.matchers], createdAtMs: nowMs };
      const ttl = Math.max(1, s.endsAtMs - nowMs + KEEP_AFTER_END_MS);
      const ok = await this.redis.set(this.prefix + silence.id, JSON.stringify(silence), 'PX', ttl, 'NX');
      if (ok === 'OK') {
        await this.redis.zadd(this.index, s.endsAtMs, silence.id);
        return silence;
      }
    }
    throw new Error('could not allocate a silence id');
  }

  async get(id: string): Promise<Silence | null> {
    const raw = await this.redis.get(this.prefix + id);
    return raw ? (JSON.parse(raw) as Silence) : null;
  }

  /** Silences that have not ended at `nowMs` (including ones that start later). */
  async listActive(nowMs: number): Promise<Silence[]> {
    const ids = await this.redis.zrangebyscore(this.index, `(${nowMs}`, '+inf');
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.prefix + id));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Silence);
  }

  /** Ids of silences that ended in (sinceMs, nowMs]: their alerts may need posting now. */
  async endedBetween(sinceMs: number, nowMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.index, `(${sinceMs}`, nowMs);
  }

  /** Ends an active silence now. Returns it as ended, or null when there is no active one. */
  async expire(id: string, nowMs: number, by: string): Promise<Silence | null> {
    const s = await this.get(id);
    if (!s || s.endsAtMs <= nowMs) return null;
    return this.write({ ...s, endsAtMs: nowMs, expiredBy: by }, nowMs);
  }

  /** Drops index entries of silences that ended long ago. */
  async prune(nowMs: number): Promise<number> {
    return this.redis.zremrangebyscore(this.index, '-inf', nowMs - KEEP_AFTER_END_MS);
  }

  private async write(s: Silence, nowMs: number): Promise<Silence> {
    await this.redis.set(this.prefix + s.id, JSON.stringify(s), 'PX', Math.max(1, s.endsAtMs - nowMs + KEEP_AFTER_END_MS));
    await this.redis.zadd(this.index, s.endsAtMs, s.id);
    return s;
  }
}
