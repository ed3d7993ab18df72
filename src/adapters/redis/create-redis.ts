import { Redis, type RedisOptions } from 'ioredis';

export type { Redis } from 'ioredis';

export interface CreateRedisOptions {
  readonly url: string;
  /**
   * BullMQ workers need maxRetriesPerRequest: null (block forever on a Redis outage and resume);
   * request paths (a webhook that must answer 503 when Redis is down) want a quick failure.
   */
  readonly purpose: 'commands' | 'bullmq';
  readonly connectionName?: string;
}

/**
 * One place that opens Redis connections, so every connection fails the same way. Keys are not
 * prefixed here: each store builds its keys from the configured prefix, because BullMQ forbids
 * ioredis's keyPrefix option.
 */
export function createRedis(options: CreateRedisOptions): Redis {
  const base: RedisOptions = {
    lazyConnect: false,
    enableAutoPipelining: true,
    connectionName: options.connectionName ?? 'serve-medic',
    retryStrategy: (attempt) => Math.min(200 * 2 ** Math.min(attempt, 5), 5000),
  };
  const purposeOptions: RedisOptions =
    options.purpose === 'bullmq'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 3000, commandTimeout: 3000 };
  return new Redis(options.url, { ...base, ...purposeOptions });
}
