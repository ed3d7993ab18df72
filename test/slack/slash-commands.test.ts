import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertFor, diagnosisFor, firing } from '../notify/notify-fixtures.js';
import { sendSlashCommand } from '../helpers/signed-slack-request.js';
import { SIGNING_SECRET, startSlackHarness, type SlackHarness } from './slack-harness.js';

type Reply = { response_type: string; text: string; blocks?: unknown[]; attachments?: unknown[] };
const sign = { signingSecret: SIGNING_SECRET };

describe('/serve-medic slash command', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({
      diagnose: async (t) => {
        // Slower than Slack's 3 s would allow to answer in the ack is the point; 1.2 s keeps the test quick.
        await new Promise((r) => setTimeout(r, 1200));
        return diagnosisFor(t.application, t.deployment);
      },
    });
  });
  afterAll(async () => h.close());

  async function run(text: string, userId = 'U0ONCALL') {
    const responseUrl = h.slack.responseUrl();
    const res = await sendSlashCommand(h.eventsUrl, { text, responseUrl, userId }, sign);
    return { res, responseUrl };
  }

  async function answer(responseUrl: string): Promise<Reply> {
    await h.slack.waitFor(() => h.slack.responses(responseUrl).length > 0, 5000, `a response to ${responseUrl}`);
    return h.slack.responses(responseUrl)[0]!.body as unknown as Reply;
  }

  it('acks a diagnosis within Slack\'s 3 seconds and answers it through response_url', async () => {
    const { res, responseUrl } = await run('diagnose checkout/Ingress');
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(1000);
    expect((res.json as Reply).text).toContain('Diagnosing checkout/Ingress');
    expect(h.slack.responses(responseUrl)).toHaveLength(0);
    const reply = await answer(responseUrl);
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toContain('Diagnosis for checkout/Ingress');
    expect(JSON.stringify(reply.blocks)).toContain('Likely cause');
  });

  it('shows status: applications, deployments, replicas vs min/max', async () => {
    const { res, responseUrl } = await run('status');
    expect(res.status).toBe(200);
    const reply = await answer(responseUrl);
    const text = JSON.stringify(reply.blocks);
    for (const s of ['app_fast', 'RUNNING', 'Echo', 'HEALTHY', 'min 1 / max 3', 'app_slow', 'Sleeper', 'fixed 1']) expect(text).toContain(s);

    const one = await answer((await run('status app_slow')).responseUrl);
    expect(JSON.stringify(one.blocks)).not.toContain('app_fast');
    const none = await answer((await run('status nope')).responseUrl);
    expect(none.text).toContain('No application named');
    expect(JSON.stringify(none.blocks)).toContain('app_fast');
  });

  it('creates, lists and ends silences, and posts a muted alert that still fires when its silence ends', async () => {
    const created = await answer((await run('silence alertname=RayServeQueueBuildingUp application=~"emb.*" 2h load test')).responseUrl);
    expect(created.response_type).toBe('in_channel');
    expect(created.text).toMatch(/Silence [0-9a-f]{8} created for 2 h/);
    const id = /Silence ([0-9a-f]{8})/.exec(created.text)![1]!;
    const stored = await h.surface.silences.get(id);
    expect(stored).toMatchObject({ createdBy: 'U0ONCALL', reason: 'load test' });
    expect(stored!.matchers).toEqual([
      { name: 'alertname', op: '=', value: 'RayServeQueueBuildingUp' },
      { name: 'application', op: '=~', value: 'emb.*' },
    ]);

    const list = await answer((await run('silences')).responseUrl);
    expect(list.response_type).toBe('ephemeral');
    expect(JSON.stringify(list.blocks)).toContain(id);

    const muted = alertFor({ application: 'embedder' });
    await h.surface.notifier.onEvents([firing(muted, Date.now())]);
    await h.surface.notifier.idle();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);

    const ended = await answer((await run(`unsilence ${id}`)).responseUrl);
    expect(ended.text).toContain(`Silence ${id} ended`);
    await h.surface.notifier.idle();
    const parents = h.slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined);
    expect(parents).toHaveLength(1);
    expect(String(parents[0]!.body.text)).toContain('embedder');

    const again = await answer((await run(`unsilence ${id}`)).responseUrl);
    expect(again.text).toContain(`No active silence ${id}`);
  });

  it('lists the loaded rules', async () => {
    const reply = await answer((await run('rules')).responseUrl);
    expect(JSON.stringify(reply.blocks)).toContain('RayServeQueueBuildingUp');
    expect(JSON.stringify(reply.blocks)).toContain('raise_max_replicas');
  });

  it.each([
    ['', 'diagnose APP[/DEPLOYMENT]'],
    ['help', 'silence MATCHERS DURATION [reason]'],
  ])('answers "%s" with the help, in the ack', async (text, expected) => {
    const { res } = await run(text);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain(expected);
  });

  it.each([
    ['diagnose', 'say which application', 'diagnose checkout/Ingress'],
    ['diagnose a/b/c', 'is not APP or APP/DEPLOYMENT', 'Usage'],
    ['silence alertname=X', 'add how long it lasts', 'Example'],
    ['silence alertname=X forever', '"forever" is neither a matcher nor a duration', 'Usage'],
    ['silence application=~"emb(" 1h', 'not a valid regular expression', 'Usage'],
    ['silence application=~".*" 1h', 'would silence every alert', 'Usage'],
    ['silence alertname=X 90d', 'longer than the 30d limit', 'Usage'],
    ['unsilence', 'give the id', 'unsilence ID'],
    ['restart everything', 'unknown command "restart"', 'Commands'],
  ])('answers the mistake "%s" with what was wrong and the usage', async (text, problem, usage) => {
    const { res, responseUrl } = await run(text);
    expect(res.status).toBe(200);
    const body = res.json as Reply;
    expect(body.response_type).toBe('ephemeral');
    const all = `${body.text}\n${JSON.stringify(body.blocks).replace(/\\"/g, '"')}`;
    expect(all).toContain(problem);
    expect(all).toContain(usage);
    expect(h.slack.responses(responseUrl)).toHaveLength(0);
  });

  it('accepts the curly quotes phones type', async () => {
    const reply = await answer((await run('silence application=~\u201Cemb.*\u201D 30m')).responseUrl);
    expect(reply.text).toMatch(/created for 30 min/);
  });

  it('explains a failure of the Serve REST API instead of staying silent', async () => {
    const broken = await startSlackHarness({
      getApplications: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:8265');
      },
    });
    try {
      const responseUrl = broken.slack.responseUrl();
      await sendSlashCommand(broken.eventsUrl, { text: 'status', responseUrl }, sign);
      await broken.slack.waitFor(() => broken.slack.responses(responseUrl).length > 0);
      const reply = broken.slack.responses(responseUrl)[0]!.body as unknown as Reply;
      expect(reply.text).toContain('ECONNREFUSED');
      expect(JSON.stringify(reply.blocks)).toContain('RAY_DASHBOARD_URL');
    } finally {
      await broken.close();
    }
  });
});
