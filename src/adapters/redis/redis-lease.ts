import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Redis } from './create-redis.js';
import type { Fence } from './alert-state-store.js';

/**
 * A lease in Redis: one holder at a time among replicas. Acquired with SET NX PX, renewed by
 * its holder (compare-and-PEXPIRE) every third of its TTL, taken over by anyone once it
 * expires, released (compare-and-DEL) on stop so a successor need not wait for the TTL.
 *
 * `isHeld()` is this process's conservative belief: the TTL is counted from before the
 * command was sent, so the local view expires no later than Redis's.
 */
export interface RedisLeaseOptions {
  readonly redis: Redis;
  /** The lease key, e.g. "serve-medic:lease:rule-evaluation". */
  readonly key: string;
  readonly ttlMs: number;
  /** This instance's token; random by default. */
  readonly holder?: string;
  /** How often the holder renews; a third of the TTL by default. */
  readonly renewEveryMs?: number;
  readonly clock?: Clock;
  /** Called when this instance gains or loses the lease (for logs and the readiness view). */
  readonly onChange?: (held: boolean) => void;
  /** Called when a renewal fails with an error (Redis unreachable); the lease may then lapse. */
  readonly onError?: (err: unknown) => void;
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisLease {
  readonly redis: Redis;
  readonly key: string;
  readonly holder: string;
  readonly ttlMs: number;
  private readonly clock: Clock;
  private readonly renewEveryMs: number;
  private heldUntil = 0;
  private wasHeld = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RedisLeaseOptions) {
    this.redis = options.redis;
    this.key = options.key;
    this.ttlMs = options.ttlMs;
    this.holder = options.holder ?? randomUUID();
    this.clock = options.clock ?? systemClock;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(options.ttlMs / 3));
  }

  isHeld(): boolean {
    return this.heldUntil > this.clock.now();
  }

  /** The fence that guards writes made under this lease. */
  get fence(): Fence {
    return { key: this.key, token: this.holder };
  }

  private settle(held: boolean, sentAt: number): boolean {
    this.heldUntil = held ? sentAt + this.ttlMs : 0;
    if (held !== this.wasHeld) {
      this.wasHeld = held;
      this.options.onChange?.(held);
    }
    return held;
  }

  /** Takes the lease if it is free, or renews it if this instance already holds it. */
  async tryAcquire(): Promise<boolean> {
    const sentAt = this.clock.now();
    const set = await this.redis.set(this.key, this.holder, 'PX', this.ttlMs, 'NX');
    if (set === 'OK') return this.settle(true, sentAt);
    return this.renew();
  }

  /** Extends the lease if this instance still holds it. */
  async renew(): Promise<boolean> {
    const sentAt = this.clock.now();
    const renewed = await this.redis.eval(RENEW, 1, this.key, this.holder, String(this.ttlMs));
    return this.settle(renewed === 1, sentAt);
  }

  /** Gives the lease up now, if this instance holds it. */
  async release(): Promise<void> {
    this.settle(false, 0);
    await this.redis.eval(RELEASE, 1, this.key, this.holder);
  }

  /** Starts renewing in the background while held. Acquiring is left to the caller's schedule. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.wasHeld) return;
      this.renew().catch((err: unknown) => {
        if (!this.isHeld()) this.settle(false, 0);
        this.options.onError?.(err);
      });
    }, this.renewEveryMs);
    this.timer.unref();
  }

  /** Stops renewing and releases the lease. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.release();
  }
}
