import { describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis/create-redis.js';
import { resolveRedis } from '../../src/service/resolve-redis.js';

describe('resolveRedis', () => {
  it('uses REDIS_URL as given', async () => {
    const r = await resolveRedis('redis://example.invalid:6379');
    expect(r).toMatchObject({ url: 'redis://example.invalid:6379', ephemeral: false });
  });

  it('starts a private redis-server on another port when nothing answers locally', async () => {
    const r = await resolveRedis(undefined, 1);
    try {
      expect(r.ephemeral).toBe(true);
      const redis = createRedis({ url: r.url, purpose: 'commands' });
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
    } finally {
      r.stop();
    }
  });

  it('uses the local Redis on 6379 when one answers, or starts a private one that works', async () => {
    const r = await resolveRedis(undefined);
    try {
      const redis = createRedis({ url: r.url, purpose: 'commands' });
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
      if (r.ephemeral) expect(r.url).not.toBe('redis://127.0.0.1:6379');
    } finally {
      r.stop();
    }
  });
});
