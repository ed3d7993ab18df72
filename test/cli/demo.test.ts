import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testRedisUrl } from '../helpers/redis.js';

describe('serve-medic demo', () => {
  it('walks one incident end to end: alert, diagnosis, proposal, approval, PUT, verification, resolution', async () => {
    const r = await runCli(['demo', '--speed', '1000'], { env: { REDIS_URL: testRedisUrl(), LOG_LEVEL: 'silent' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const order = [
      '🟠 ServeQueueBuildingUp',
      '🩺 Diagnosis: embeddings/Embedder',
      '🛠️ Proposed fix: embeddings/Embedder',
      'clicks Approve',
      '🔧 *Applied* embeddings/Embedder max_replicas 2 → 4',
      '📉 *Improved*',
      '✅ Resolved: ServeQueueBuildingUp',
    ];
    let at = 0;
    for (const text of order) {
      const i = r.stdout.indexOf(text, at);
      expect(i, `"${text}" after position ${at}`).toBeGreaterThanOrEqual(0);
      at = i;
    }
  }, 120_000);

  it('refuses a bad --speed', async () => {
    const r = await runCli(['demo', '--speed', 'fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--speed must be a number');
  });
});
