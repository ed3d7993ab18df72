import { existsSync, readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { ManualClock } from '../../src/core/clock.js';
import { isServeMedicError } from '../../src/errors.js';
import { createLogger } from '../../src/log/create-logger.js';
import { createHttpServer } from '../../src/service/http/create-http-server.js';
import { createSlackSurface } from '../../src/service/slack/create-slack-surface.js';
import { openTestRedis, uniquePrefix } from '../helpers/redis.js';
import { BOT_TOKEN, T0, alertFor, fakeDiagnose, fakeQueryEngine, firing, resolved, rules } from './notify-fixtures.js';

const silent = createLogger({ level: 'silent' });

describe('console mode (no SLACK_BOT_TOKEN)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('prints the same thread in the terminal, replies indented, and writes the chart PNG', async () => {
    const prefix = uniquePrefix('console');
    const { redis, cleanup } = await openTestRedis(prefix);
    cleanups.push(cleanup);
    let out = '';
    const clock = new ManualClock(T0 + 12 * 60_000);
    const surface = createSlackSurface({
      config: configSchema.parse({ redis_prefix: prefix, cluster_name: 'prod-a' }),
      redis,
      logger: silent,
      clock,
      diagnose: fakeDiagnose,
      queryEngine: fakeQueryEngine(),
      listRules: () => rules,
      consoleOut: { write: (s: string) => ((out += s), true) },
    });
    expect(surface.mode).toBe('console');
    expect(surface.slackHttp).toBeUndefined();

    const alert = alertFor();
    await surface.notifier.onEvents([firing(alert)]);
    await surface.notifier.idle();
    clock.advance(30 * 60_000);
    await surface.notifier.onEvents([resolved(alert, clock.now())]);
    await surface.notifier.idle();
    await surface.stop();

    const lines = out.split('\n');
    expect(lines.find((l) => l.startsWith('━━ #serve-medic'))).toBeDefined();
    expect(out).toContain('🔴 RayServeQueueBuildingUp');
    expect(out).toContain('Where: prod-a › `checkout` › `Ingress`');
    expect(out).toContain('  │ 🩺 Diagnosis: checkout/Ingress');
    expect(out).toContain('  │ *Likely cause:* Requests are queuing');
    expect(out).toContain('(updated in place)');
    expect(out).toContain('✅ Resolved: RayServeQueueBuildingUp');
    expect(out).toContain('  │ ✅ *Resolved* after 42 min.');
    const chartPath = /chart: (\S+\.png)/.exec(out)?.[1];
    expect(chartPath).toBeDefined();
    expect(existsSync(chartPath!)).toBe(true);
    expect(readFileSync(chartPath!).subarray(1, 4).toString('ascii')).toBe('PNG');
    if (process.env.SHOW_CONSOLE_THREAD) console.log(out);
  });

  it('serves the routes without Slack on the same port; /slack/events does not exist', async () => {
    const http = await createHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger: silent,
      routes: [
        { method: 'GET', path: '/readyz', handler: (_q, s) => void s.writeHead(200).end('ready') },
        { method: 'POST', path: '/webhooks/alertmanager', handler: (_q, s) => void s.writeHead(202).end() },
      ],
    });
    cleanups.push(() => http.close());
    const ready = await request(`${http.url}/readyz`);
    expect([ready.statusCode, await ready.body.text()]).toEqual([200, 'ready']);
    const hook = await request(`${http.url}/webhooks/alertmanager`, { method: 'POST', body: '{}' });
    await hook.body.text();
    expect(hook.statusCode).toBe(202);
    const slack = await request(`${http.url}/slack/events`, { method: 'POST', body: '' });
    await slack.body.text();
    expect(slack.statusCode).toBe(404);
  });
});

describe('choosing the Slack mode', () => {
  it('uses Socket Mode when SLACK_APP_TOKEN is set (no request URL to verify)', async () => {
    const prefix = uniquePrefix('socket');
    const { redis, cleanup } = await openTestRedis(prefix);
    try {
      const surface = createSlackSurface({
        config: configSchema.parse({ redis_prefix: prefix, slack: { bot_token: BOT_TOKEN, app_token: 'xapp-1-A0-123-abc', channel: 'C0ALERTS' } }),
        redis,
        logger: silent,
      });
      expect(surface.mode).toBe('socket');
      expect(surface.slackHttp).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it('reports every missing Slack setting at once', async () => {
    const prefix = uniquePrefix('badcfg');
    const { redis, cleanup } = await openTestRedis(prefix);
    try {
      let caught: unknown;
      try {
        createSlackSurface({ config: configSchema.parse({ slack: { bot_token: BOT_TOKEN } }), redis, logger: silent });
      } catch (err) {
        caught = err;
      }
      expect(isServeMedicError(caught, 'CONFIG_INVALID')).toBe(true);
      expect((caught as Error).message).toContain('SLACK_SIGNING_SECRET');
      expect((caught as Error).message).toContain('SLACK_CHANNEL');
      expect((caught as Error).message).not.toContain(BOT_TOKEN);
    } finally {
      await cleanup();
    }
  });
});
