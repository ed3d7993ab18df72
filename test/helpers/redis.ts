import { randomUUID } from 'node:crypto';
import { createRedis, type Redis } from '../../src/adapters/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../src/adapters/redis/delete-keys-with-prefix.js';

/** The test Redis (see global-setup) and a key prefix no other test uses. */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: vitest global setup did not run');
  return url;
}

export function uniquePrefix(name: string): string {
  return `test:${name}:${randomUUID().slice(0, 8)}`;
}

/** Opens a connection and returns it with a cleanup that deletes every key under the prefix. */
export async function openTestRedis(prefix: string): Promise<{ redis: Redis; cleanup: () => Promise<void> }> {
  const redis = createRedis({ url: testRedisUrl(), purpose: 'commands', connectionName: `test-${prefix}` });
  return {
    redis,
    cleanup: async () => {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
