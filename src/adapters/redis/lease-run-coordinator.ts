import type { RunCoordinator } from 'node-cron';
import type { RedisLease } from './redis-lease.js';

/**
 * node-cron's RunCoordinator over a RedisLease: a scheduled run goes ahead only on the replica
 * that holds (or can take) the lease, and only once per schedule slot. node-cron names each
 * slot `<task name>:<slot time ISO>`; the slot is claimed with SET NX, so even a takeover in
 * the middle of a slot (the old holder released after running it) cannot run it twice.
 */
export interface LeaseRunCoordinatorOptions {
  /** Prefix of the per-slot keys, e.g. "serve-medic:slot". */
  readonly slotKeyPrefix: string;
}

export function createLeaseRunCoordinator(lease: RedisLease, options: LeaseRunCoordinatorOptions): RunCoordinator {
  return {
    async shouldRun(key: string, ttlMs: number): Promise<boolean> {
      if (!(await lease.tryAcquire())) return false;
      const claimed = await lease.redis.set(`${options.slotKeyPrefix}:${key}`, lease.holder, 'PX', ttlMs, 'NX');
      return claimed === 'OK';
    },
    async onComplete(): Promise<void> {
      // A long evaluation has used part of the lease: extend it from now.
      await lease.renew();
    },
  };
}
