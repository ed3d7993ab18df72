import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis/create-redis.js';
import { testRedisUrl } from '../helpers/redis.js';
import { startHarness, type Harness } from '../helpers/service-harness.js';

const amFiring = readFileSync(new URL('../fixtures/alertmanager/alertmanager-webhook-v4.firing.example.json', import.meta.url), 'utf8');
const amResolved = readFileSync(new URL('../fixtures/alertmanager/alertmanager-webhook-v4.resolved.example.json', import.meta.url), 'utf8');

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function get(url: string) {
  const res = await request(url);
  return { status: res.statusCode, text: await res.body.text(), type: String(res.headers['content-type'] ?? '') };
}

describe('the whole service', () => {
  it('scrapes the simulator, fires the queue alert and posts one thread with the diagnosis and a chart', async () => {
    harness = await startHarness();
    const slack = harness.slack!;
    await slack.waitFor(
      (calls) => calls.some((c) => c.method === 'chat.postMessage' && !c.threadTs && String(c.body.text).includes('ServeQueueBuildingUp')),
      20_000,
      'the alert parent',
    );
    const parent = slack.calls.find((c) => c.method === 'chat.postMessage' && !c.threadTs)!;
    expect(parent.channel).toBe('C0ALERTS');
    expect(String(parent.body.text)).toContain('embeddings/Embedder');
    await slack.waitFor((calls) => calls.some((c) => c.threadTs === parent.ts && String(c.body.text).includes('Diagnosis')), 20_000, 'the diagnosis');
    await slack.waitFor((calls) => calls.some((c) => c.method === 'files.completeUploadExternal'), 20_000, 'the chart');
    const diagnosis = slack.calls.find((c) => c.threadTs === parent.ts && String(c.body.text).includes('Diagnosis'))!;
    expect(JSON.stringify(diagnosis.body.blocks)).toContain('latency-queue-building-up');
    // The service counts its Slack calls on its own /metrics.
    const own = await get(`${harness.service.url}/metrics`);
    expect(own.text).toMatch(/serve_medic_slack_calls_total\{method="chat.postMessage",result="ok"\} [1-9]/);
    expect(own.text).toContain('serve_medic_slack_queue_depth');
    // Exactly one parent for the alert.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.threadTs && String(c.body.text).includes('ServeQueueBuildingUp'))).toHaveLength(1);
  }, 60_000);

  it('serves /healthz, /readyz and its own /metrics on the same port', async () => {
    harness = await startHarness({ slack: false });
    const url = harness.service.url;
    expect((await get(`${url}/healthz`)).status).toBe(200);
    const ready = await get(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', checks: { redis: 'ok', rules: 'ok', slack: 'ok', metrics: 'ok' } });
    for (let i = 0; i < 50 && !(await get(`${url}/metrics`)).text.includes('serve_medic_rule_evaluations_total{'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const metrics = await get(`${url}/metrics`);
    expect(metrics.type).toContain('text/plain');
    for (const name of ['serve_medic_scrapes_total', 'serve_medic_rule_evaluations_total', 'serve_medic_evaluation_leader 1', 'serve_medic_store_series']) {
      expect(metrics.text).toContain(name);
    }
    expect((await get(`${url}/nope`)).status).toBe(404);
  }, 60_000);

  it('prints the thread in the terminal when there is no Slack token', async () => {
    harness = await startHarness({ slack: false });
    const h = harness;
    for (let i = 0; i < 200 && !h.consoleText().includes('Diagnosis:'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(h.consoleText()).toContain('ServeQueueBuildingUp');
    expect(h.consoleText()).toContain('Diagnosis: embeddings/Embedder');
  }, 60_000);

  it('threads an Alertmanager group and updates its parent in place when the group resolves', async () => {
    harness = await startHarness({ rules: 'groups: []\n' });
    const slack = harness.slack!;
    const post = (body: string) =>
      request(`${harness!.service.url}/webhooks/alertmanager`, { method: 'POST', body, headers: { authorization: 'Bearer am-token-for-tests', 'content-type': 'application/json' } });
    expect((await post(amFiring)).statusCode).toBe(200);
    expect((await post(amFiring)).statusCode).toBe(200); // Alertmanager HA sends the same notification twice
    await slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && String(c.body.text).includes('RayServeHighErrorRate')), 20_000, 'group parent');
    const parent = slack.calls.find((c) => c.method === 'chat.postMessage' && !c.threadTs && String(c.body.text).includes('RayServeHighErrorRate'))!;
    expect((await post(amResolved)).statusCode).toBe(200);
    await slack.waitFor((calls) => calls.some((c) => c.method === 'chat.update' && c.body.ts === parent.ts && String(c.body.text).includes('RESOLVED')), 20_000, 'resolved update');
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.threadTs)).toHaveLength(1);
    // The parent names the members of the group.
    expect(JSON.stringify(slack.message(parent.ts!))).toContain('llm/LLMServer');
  }, 60_000);

  it('releases the evaluation lease and its connections when stopped', async () => {
    harness = await startHarness({ slack: false });
    const redis = createRedis({ url: testRedisUrl(), purpose: 'commands' });
    try {
      const key = `${harness.prefix}:lease:rules`;
      for (let i = 0; i < 50 && !(await redis.exists(key)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await redis.exists(key)).toBe(1);
      const t0 = Date.now();
      await harness.service.stop('test');
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(await redis.exists(key)).toBe(0);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
