import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis/create-redis.js';
import { WebhookQueue, type QueuedWebhook } from '../../src/adapters/redis/webhook-queue.js';
import { createAlertmanagerWebhookHandler, type AlertmanagerWebhookOptions } from '../../src/service/webhooks/alertmanager-webhook.js';
import { openTestRedis, uniquePrefix } from '../helpers/redis.js';

const firing = readFileSync(new URL('../fixtures/alertmanager/alertmanager-webhook-v4.firing.example.json', import.meta.url), 'utf8');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function serve(options: Partial<AlertmanagerWebhookOptions> & Pick<AlertmanagerWebhookOptions, 'enqueue'>) {
  const results: string[] = [];
  const handler = createAlertmanagerWebhookHandler({
    bearerToken: 'am-secret-token',
    maxBodyBytes: 64 * 1024,
    onResult: (r) => results.push(r),
    ...options,
  });
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/alertmanager`;
  const post = async (body: string, headers: Record<string, string> = { authorization: 'Bearer am-secret-token' }) => {
    const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
  };
  return { post, results };
}

async function realQueue() {
  const prefix = uniquePrefix('am');
  const { redis, cleanup } = await openTestRedis(prefix);
  const key = `${prefix}:webhooks`;
  const queue = new WebhookQueue({ redis, key });
  cleanups.push(async () => {
    await queue.stop();
    await cleanup();
  });
  return Object.assign(queue, { sameStream: () => new WebhookQueue({ redis, key }) });
}

describe('POST /webhooks/alertmanager', () => {
  it('answers 200 once the payload is in Redis, and a consumer receives it exactly as sent', async () => {
    const queue = await realQueue();
    const { post } = await serve({ enqueue: (b, t) => queue.enqueue(b, t) });
    const res = await post(firing);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'queued', alerts: 2 });
    const got: QueuedWebhook[] = [];
    queue.start('c1', async (e) => void got.push(e), { blockMs: 100 });
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got).toHaveLength(1);
    expect(got[0]!.body).toBe(firing);
    for (let i = 0; i < 50 && (await queue.pending()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await queue.pending()).toBe(0);
  });

  it('accepts newer fields it does not know', async () => {
    const { post } = await serve({ enqueue: async () => '1-0' });
    const body = JSON.parse(firing);
    body.routeLabels = { team: 'ml' };
    body.alerts[0].someFutureField = true;
    expect((await post(JSON.stringify(body))).status).toBe(200);
  });

  it.each([
    ['no credentials', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['basic auth when a token is configured', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
  ])('answers 401 to %s and queues nothing', async (_name, headers) => {
    let queued = 0;
    const { post, results } = await serve({ enqueue: async () => String(++queued) });
    const res = await post(firing, headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(queued).toBe(0);
    expect(results).toEqual(['unauthorized']);
  });

  it('accepts basic auth when configured that way', async () => {
    const { post } = await serve({ bearerToken: undefined, basicAuth: { username: 'am', password: 'pass-word-1' }, enqueue: async () => '1' });
    const ok = await post(firing, { authorization: `Basic ${Buffer.from('am:pass-word-1').toString('base64')}` });
    expect(ok.status).toBe(200);
  });

  it('answers 400 with a reason for malformed JSON and for a payload of the wrong shape', async () => {
    const { post } = await serve({ enqueue: async () => '1' });
    const bad = await post('{"version": "4",');
    expect(bad.status).toBe(400);
    expect(String(bad.json.error)).toMatch(/^malformed JSON/);
    const v3 = JSON.parse(firing);
    v3.version = '3';
    delete v3.alerts[0].fingerprint;
    const wrong = await post(JSON.stringify(v3));
    expect(wrong.status).toBe(400);
    expect(String(wrong.json.error)).toContain('version: only webhook payload version "4" is supported');
    expect(String(wrong.json.error)).toContain('alerts.0.fingerprint');
  });

  it('answers 413 over the size limit', async () => {
    const { post } = await serve({ maxBodyBytes: 1000, enqueue: async () => '1' });
    expect((await post(firing + ' '.repeat(2000))).status).toBe(413);
  });

  it('answers 503 when Redis cannot take the payload, so Alertmanager retries', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1', purpose: 'commands' });
    dead.on('error', () => undefined);
    cleanups.push(async () => dead.disconnect());
    const queue = new WebhookQueue({ redis: dead, key: 'x' });
    const { post, results } = await serve({ enqueue: (b, t) => queue.enqueue(b, t) });
    const res = await post(firing);
    expect(res.status).toBe(503);
    expect(results).toEqual(['unavailable']);
  });

  it('refuses everything while no credentials are configured', async () => {
    const { post } = await serve({ bearerToken: undefined, enqueue: async () => '1' });
    const res = await post(firing);
    expect(res.status).toBe(401);
    expect(String(res.json.error)).toContain('ALERTMANAGER_WEBHOOK_TOKEN');
  });
});

describe('WebhookQueue', () => {
  it('hands an entry left pending by a dead consumer to another one', async () => {
    const queue = await realQueue();
    await queue.enqueue('{"a":1}', 1);
    const failing: QueuedWebhook[] = [];
    queue.start('dies', async (e) => {
      failing.push(e);
      throw new Error('crashed mid-processing');
    }, { blockMs: 100, claimIdleMs: 100_000, onError: () => undefined });
    for (let i = 0; i < 50 && failing.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await queue.stop();
    expect(await queue.pending()).toBe(1);
    const second = queue.sameStream();
    cleanups.push(() => second.stop());
    const got: QueuedWebhook[] = [];
    second.start('survivor', async (e) => void got.push(e), { blockMs: 100, claimIdleMs: 50 });
    for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got[0]?.body).toBe('{"a":1}');
  });
});
