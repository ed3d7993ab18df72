import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { FakeSlackCall } from '../helpers/fake-slack-server.js';
import { startFakeSlackServer, type FakeSlackServer } from '../helpers/fake-slack-server.js';
import { uniquePrefix } from '../helpers/redis.js';
import { BOT_TOKEN, CHANNEL, T0, alertFor, firing, resolved, startHarness, type Harness } from './notify-fixtures.js';

const parents = (slack: FakeSlackServer) => slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined && c.status === 200 && !c.error);

describe('delivery through Slack failures', () => {
  let slack: FakeSlackServer;
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    slack = await startFakeSlackServer({ botToken: BOT_TOKEN });
    clock = new ManualClock(T0);
    h = await startHarness({ slack, prefix: uniquePrefix('delivery'), clock, queryEngine: null });
  });
  afterEach(async () => {
    await h.close();
    await slack.close();
  });

  it('waits for Retry-After on a 429 and repeats the same call', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfterS: 1 });
    await h.notifier.onEvents([firing(alertFor())]);
    await h.notifier.idle();
    const posts = slack.callsTo('chat.postMessage');
    expect(posts[0]!.status).toBe(429);
    expect(posts[1]!.status).toBe(200);
    expect(posts[1]!.atMs - posts[0]!.atMs).toBeGreaterThanOrEqual(1000);
    expect(posts[1]!.body).toEqual(posts[0]!.body);
    // Parent and diagnosis both made it, in order.
    expect(slack.channelCalls(CHANNEL).map((c) => (c.threadTs ? 'reply' : 'parent'))).toEqual(['parent', 'reply']);
  });

  it('retries 5xx, dropped connections and Slack internal errors with backoff until posted', async () => {
    slack.failNext('chat.postMessage', { status: 503 }, 2);
    slack.failNext('chat.postMessage', { drop: true });
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    await h.notifier.onEvents([firing(alertFor())]);
    await h.notifier.idle();
    const ok = slack.channelCalls(CHANNEL);
    expect(ok.map((c) => (c.threadTs ? 'reply' : 'parent'))).toEqual(['parent', 'reply']);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.error)).toHaveLength(4);
    expect(parents(slack)).toHaveLength(1);
  });

  it('gives up on a permanent error, releases the claim, and posts on a later notification', async () => {
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const alert = alertFor();
    await h.notifier.onEvents([firing(alert)]);
    await h.notifier.idle();
    expect(parents(slack)).toHaveLength(0);
    expect(await h.threads.get(alert.fingerprint)).toBeNull();

    await h.notifier.tick();
    await h.notifier.idle();
    expect(parents(slack)).toHaveLength(1);
  });

  it('posts a burst of 200 alerts, every one, in order within each thread, at the configured rate per channel', async () => {
    await h.close();
    const rate = 50;
    h = await startHarness({
      slack,
      prefix: uniquePrefix('burst'),
      clock,
      queryEngine: null,
      messagesPerSecond: rate,
      routes: ['C0A', 'C0B', 'C0C', 'C0D'].map((channel, i) => ({ match: {}, match_re: { application: `app-${i}-.*` }, channel })),
    });
    const alerts = Array.from({ length: 200 }, (_, i) => alertFor({ application: `app-${i % 4}-${i}`, deployment: 'Model' }));
    await h.notifier.onEvents(alerts.map((a) => firing(a)));
    await h.notifier.idle();

    expect(parents(slack)).toHaveLength(200);
    for (const a of alerts) {
      const rec = await h.threads.get(a.fingerprint);
      expect(rec?.ts).toBeDefined();
      const parent = slack.callsTo('chat.postMessage').find((c) => c.ts === rec!.ts)!;
      const replies = slack.threadCalls(rec!.ts!);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.seq).toBeGreaterThan(parent.seq);
      expect(String(replies[0]!.body.text)).toContain(`Diagnosis for ${a.labels.application}/Model`);
    }

    const interval = 1000 / rate;
    for (const channel of ['C0A', 'C0B', 'C0C', 'C0D']) {
      const calls: FakeSlackCall[] = slack.channelCalls(channel);
      expect(calls).toHaveLength(100);
      // Each call starts one interval after the previous one finished, so arrivals at Slack are
      // at least one interval apart whatever the event loop does.
      const gaps = calls.slice(1).map((c, i) => c.atMs - calls[i]!.atMs);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(interval - 0.5);
      expect(calls[calls.length - 1]!.atMs - calls[0]!.atMs).toBeGreaterThanOrEqual((calls.length - 1) * interval);
    }
  });
});

describe('never a second parent', () => {
  let slack: FakeSlackServer;
  const opened: Harness[] = [];
  afterEach(async () => {
    for (const h of opened.splice(0)) await h.close();
    await slack.close();
  });
  beforeEach(async () => {
    slack = await startFakeSlackServer({ botToken: BOT_TOKEN });
  });
  const start = async (prefix: string, clock: ManualClock, instanceId: string, leaseMs = 5000) => {
    const h = await startHarness({ slack, prefix, clock, instanceId, queryEngine: null, leaseMs });
    opened.push(h);
    return h;
  };

  it('keeps one parent across a restart in the middle of an incident, and the resolve updates it', async () => {
    const prefix = uniquePrefix('restart');
    const clock = new ManualClock(T0);
    const alert = alertFor();
    const before = await start(prefix, clock, 'instance-1');
    await before.notifier.onEvents([firing(alert)]);
    await before.notifier.idle();
    await before.notifier.stop();
    const parentTs = parents(slack)[0]!.ts!;

    // The new process hears about the same alert again from the lifecycle.
    const after = await start(prefix, clock, 'instance-2');
    clock.advance(5 * 60_000);
    await after.notifier.onEvents([firing(alert, clock.now())]);
    await after.notifier.idle();
    expect(parents(slack)).toHaveLength(1);

    clock.advance(5 * 60_000);
    await after.notifier.onEvents([resolved(alert, clock.now())]);
    await after.notifier.idle();
    expect(parents(slack)).toHaveLength(1);
    expect(slack.callsTo('chat.update').map((c) => c.ts)).toEqual([parentTs]);
    expect(String(slack.calls[slack.calls.length - 1]!.body.text)).toContain('resolved after 10 min');
  });

  it('remembers across a restart what still fires: the new process sends the reminder in the old thread', async () => {
    const prefix = uniquePrefix('restart-remind');
    const clock = new ManualClock(T0);
    const alert = alertFor();
    const before = await start(prefix, clock, 'instance-1');
    await before.notifier.onEvents([firing(alert)]);
    await before.notifier.idle();
    await before.notifier.stop();
    const parentTs = parents(slack)[0]!.ts!;

    // The lifecycle does not repeat the firing event after a restart: nothing is handed in.
    const after = await start(prefix, clock, 'instance-2');
    await after.notifier.start();
    clock.advance(4 * 3600_000 + 60_000);
    await after.notifier.tick();
    await after.notifier.idle();
    const last = slack.calls[slack.calls.length - 1]!;
    expect(last.threadTs).toBe(parentTs);
    expect(String(last.body.text)).toContain('still firing after 4 h 1 min');
    expect(parents(slack)).toHaveLength(1);
  });

  it('posts one parent when two instances race on the same alert, and resolves it once', async () => {
    const prefix = uniquePrefix('race');
    const clock = new ManualClock(T0);
    const alert = alertFor();
    const a = await start(prefix, clock, 'instance-a');
    const b = await start(prefix, clock, 'instance-b');
    slack.setLatency('chat.postMessage', 150);
    await Promise.all([a.notifier.onEvents([firing(alert)]), b.notifier.onEvents([firing(alert)])]);
    clock.advance(60_000);
    // The resolve reaches both while the parent is still being posted.
    await Promise.all([a.notifier.onEvents([resolved(alert, clock.now())]), b.notifier.onEvents([resolved(alert, clock.now())])]);
    await Promise.all([a.notifier.idle(), b.notifier.idle()]);

    expect(parents(slack)).toHaveLength(1);
    const parentTs = parents(slack)[0]!.ts!;
    expect(slack.callsTo('chat.update').map((c) => c.ts)).toEqual([parentTs]);
    const replies = slack.threadCalls(parentTs).map((c) => String(c.body.text));
    expect(replies.filter((t) => t.includes('resolved after'))).toHaveLength(1);
    expect(replies.filter((t) => t.startsWith('Diagnosis'))).toHaveLength(1);
  });

  it('waits while another instance holds the claim, and takes over when its lease runs out without a parent', async () => {
    const prefix = uniquePrefix('takeover');
    const clock = new ManualClock(T0);
    const alert = alertFor();
    const h = await start(prefix, clock, 'instance-live', 5000);
    // A process that claimed the thread and died before posting.
    await h.threads.claim(alert.fingerprint, { owner: 'instance-dead', channel: CHANNEL, nowMs: clock.now(), leaseMs: 5000, alertName: alert.name });

    await h.notifier.onEvents([firing(alert)]);
    await h.notifier.idle();
    expect(parents(slack)).toHaveLength(0);

    clock.advance(6000);
    await h.notifier.tick();
    await h.notifier.idle();
    expect(parents(slack)).toHaveLength(1);
  });
});
