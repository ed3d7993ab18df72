import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactivityBody, postSignedToSlackEndpoint, sendBlockActions, sendEvent, sendSlashCommand, slackSignature, slashCommandBody } from '../helpers/signed-slack-request.js';
import { alertFor, firing } from '../notify/notify-fixtures.js';
import { BOT_TOKEN, SIGNING_SECRET, startSlackHarness, type SlackHarness } from './slack-harness.js';

const FORM = 'application/x-www-form-urlencoded';
const blockActions = JSON.parse(readFileSync(new URL('../fixtures/slack/slack-block-actions.example.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('requests to /slack/events are verified', () => {
  let h: SlackHarness;
  const clicks: string[] = [];
  beforeAll(async () => {
    h = await startSlackHarness({
      actionRegistrars: [
        (app) =>
          app.action('remediation_approve', async ({ ack, body }) => {
            await ack();
            clicks.push((body as { user: { id: string } }).user.id);
          }),
      ],
    });
  });
  afterAll(async () => h.close());

  const silenceCount = async () => (await h.surface.silences.listActive(Date.now())).length;
  const nowSec = () => Math.floor(Date.now() / 1000);

  it.each([
    ['signed with another secret', { signingSecret: 'not-the-secret-0123456789' }],
    ['stale (6 minutes old)', { signingSecret: SIGNING_SECRET, timestampSec: nowSec() - 360 }],
    ['from the future (6 minutes ahead)', { signingSecret: SIGNING_SECRET, timestampSec: nowSec() + 360 }],
    ['unsigned', { signingSecret: SIGNING_SECRET, unsigned: true }],
    ['with a malformed signature', { signingSecret: SIGNING_SECRET, signature: 'v1=abc' }],
  ])('refuses a slash command %s with 401 and changes nothing', async (_name, sign) => {
    const responseUrl = h.slack.responseUrl();
    const before = h.slack.calls.length;
    const res = await sendSlashCommand(h.eventsUrl, { text: 'silence alertname=RayServeQueueBuildingUp 1h', responseUrl }, sign);
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.slack.calls.length).toBe(before);
    expect(await silenceCount()).toBe(0);
  });

  it('refuses a body changed after signing', async () => {
    const ts = nowSec();
    const signed = slashCommandBody({ text: 'help', responseUrl: h.slack.responseUrl() });
    const tampered = slashCommandBody({ text: 'silence alertname=X 1h', responseUrl: h.slack.responseUrl() });
    const res = await postSignedToSlackEndpoint(h.eventsUrl, tampered, FORM, { signingSecret: SIGNING_SECRET, timestampSec: ts, signature: slackSignature(SIGNING_SECRET, ts, signed) });
    expect(res.status).toBe(401);
    expect(await silenceCount()).toBe(0);
  });

  it('accepts a correctly signed request within the window', async () => {
    const res = await sendSlashCommand(h.eventsUrl, { text: 'help', responseUrl: h.slack.responseUrl() }, { signingSecret: SIGNING_SECRET, timestampSec: nowSec() - 240 });
    expect(res.status).toBe(200);
  });

  it('runs block_actions listeners registered through the actions hook only for signed clicks', async () => {
    const forged = await postSignedToSlackEndpoint(h.eventsUrl, interactivityBody(blockActions), FORM, { signingSecret: 'wrong-secret-0123456789' });
    expect(forged.status).toBe(401);
    expect(clicks).toEqual([]);
    const res = await sendBlockActions(h.eventsUrl, blockActions, { signingSecret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    expect(clicks).toEqual(['U0123456']);
  });

  it('answers Slack\'s url_verification challenge', async () => {
    const res = await sendEvent(h.eventsUrl, { type: 'url_verification', token: 'x', challenge: 'c-123' }, { signingSecret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    expect(res.text).toContain('c-123');
  });

  it('serves the other routes on the same port', async () => {
    const health = await request(`${h.http.url}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.text()).toBe('ok');
    const get = await request(h.eventsUrl);
    await get.body.text();
    expect(get.statusCode).toBe(405);
    const missing = await request(`${h.http.url}/nope`);
    await missing.body.text();
    expect(missing.statusCode).toBe(404);
    const wrongMethod = await request(`${h.http.url}/healthz`, { method: 'POST', body: '' });
    await wrongMethod.body.text();
    expect(wrongMethod.statusCode).toBe(405);
  });
});

describe('secrets', () => {
  it('never reach the logs or any message, through posting, retries, failures, commands and forgeries', async () => {
    const h = await startSlackHarness({ scrubSecrets: false });
    try {
      h.slack.failNext('chat.postMessage', { status: 429, retryAfterS: 0 });
      h.slack.failNext('chat.postMessage', { status: 500 });
      await h.surface.notifier.onEvents([firing(alertFor(), Date.now())]);
      await h.surface.notifier.idle();
      h.slack.failNext('chat.postMessage', { error: 'invalid_auth' });
      await h.surface.notifier.onEvents([firing(alertFor({ application: 'other' }), Date.now())]);
      await h.surface.notifier.idle();
      const responseUrl = h.slack.responseUrl();
      await sendSlashCommand(h.eventsUrl, { text: 'diagnose checkout', responseUrl }, { signingSecret: SIGNING_SECRET });
      await sendSlashCommand(h.eventsUrl, { text: 'silence nope', responseUrl }, { signingSecret: SIGNING_SECRET });
      await sendSlashCommand(h.eventsUrl, { text: 'help', responseUrl }, { signingSecret: 'forged-secret-0123456789' });
      await h.slack.waitFor(() => h.slack.responses(responseUrl).length > 0);

      expect(h.logLines.length).toBeGreaterThan(5);
      const logs = h.logLines.join('\n');
      expect(logs).toContain('refused a Slack request');
      expect(logs).toContain('invalid_auth');
      for (const secret of [BOT_TOKEN, SIGNING_SECRET]) {
        expect(logs).not.toContain(secret);
        // auth.test carries the token to Slack by design; messages and replies never do.
        for (const c of h.slack.calls.filter((c) => c.method !== 'auth.test')) expect(`${c.method} ${JSON.stringify(c.body)}`).not.toContain(secret);
      }
    } finally {
      await h.close();
    }
  });
});
