import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { startFakeSlackServer, type FakeSlackServer } from '../helpers/fake-slack-server.js';
import { uniquePrefix } from '../helpers/redis.js';
import { BOT_TOKEN, CHANNEL, T0, alertFor, firing, resolved, startHarness, type Harness } from './notify-fixtures.js';

type Attachment = { color: string; blocks: { type: string; text?: { text: string } }[] };

function parentText(slack: FakeSlackServer, ts: string): string {
  const m = slack.message(ts)!;
  return JSON.stringify(m.attachments ?? m.blocks);
}

describe('one Slack thread per alert', () => {
  let slack: FakeSlackServer;
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    slack = await startFakeSlackServer({ botToken: BOT_TOKEN });
    clock = new ManualClock(T0);
    h = await startHarness({ slack, prefix: uniquePrefix('thread'), clock, repeatIntervalMs: 30 * 60_000 });
  });
  afterEach(async () => {
    await h.close();
    await slack.close();
  });

  it('posts the parent, then the diagnosis and the chart into its thread', async () => {
    const alert = alertFor();
    await h.notifier.onEvents([firing(alert)]);
    await h.notifier.idle();

    const [parent, ...rest] = slack.channelCalls(CHANNEL);
    expect(parent?.method).toBe('chat.postMessage');
    expect(parent?.threadTs).toBeUndefined();
    expect(parent?.token).toBe(BOT_TOKEN);
    const parentTs = parent!.ts!;
    const body = parent!.body as { text: string; attachments: Attachment[] };
    expect(body.text).toContain('RayServeQueueBuildingUp');
    expect(body.text).toContain('checkout/Ingress');
    expect(body.attachments[0]?.color).toBe('#E01E5A');
    const parentJson = JSON.stringify(body.attachments);
    for (const s of ['prod-a', 'checkout', 'Ingress', 'critical', '340', 'Firing since', 'Requests are queuing']) expect(parentJson).toContain(s);

    expect(rest.map((c) => c.method)).toEqual(['chat.postMessage', 'files.completeUploadExternal']);
    expect(rest.every((c) => c.threadTs === parentTs)).toBe(true);
    const diagnosis = JSON.stringify(rest[0]!.body.blocks);
    expect(diagnosis).toContain('Likely cause');
    expect(diagnosis.indexOf('Requests are queuing: not enough replicas')).toBeLessThan(diagnosis.indexOf('Configuration'));
    expect(diagnosis).toContain('queue 340 (threshold 10)');
    expect(diagnosis).toContain('5 running');
    expect(diagnosis).toContain('1 / 5');
    expect(diagnosis).toContain('Blocking (sync) FastAPI handlers');

    // Files upload v2: URL, bytes, complete with channel_id + thread_ts.
    const [getUrl] = slack.callsTo('files.getUploadURLExternal');
    const [upload] = slack.callsTo('upload');
    expect(getUrl?.seq).toBeLessThan(upload!.seq);
    expect(upload!.bytes!.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(upload!.token).toBeUndefined();
    expect(rest[1]!.body.channel_id).toBe(CHANNEL);
    expect(rest[1]!.body.thread_ts).toBe(parentTs);

    const stored = await h.threads.get(alert.fingerprint);
    expect(stored).toMatchObject({ channel: CHANNEL, ts: parentTs, state: 'firing' });
  });

  it('posts once when the alert fires again within the repeat interval, and reminds after it', async () => {
    const alert = alertFor();
    await h.notifier.onEvents([firing(alert)]);
    await h.notifier.idle();
    const parentTs = slack.callsTo('chat.postMessage')[0]!.ts!;
    const before = slack.calls.length;

    clock.advance(10 * 60_000);
    await h.notifier.onEvents([firing({ ...alert, value: 380 })]);
    await h.notifier.tick();
    await h.notifier.idle();
    expect(slack.calls.length).toBe(before);

    clock.advance(21 * 60_000);
    await h.notifier.tick();
    await h.notifier.idle();
    const reminder = slack.calls.slice(before);
    expect(reminder.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(reminder[0]!.threadTs).toBe(parentTs);
    expect(String(reminder[0]!.body.text)).toMatch(/still firing after 31 min \(value 380\)/);

    // The reminder moved the dedup record: no second reminder right away.
    await h.notifier.tick();
    await h.notifier.idle();
    expect(slack.calls.length).toBe(before + 1);
  });

  it('on resolve updates the parent in place and replies with how long it lasted', async () => {
    const alert = alertFor();
    await h.notifier.onEvents([firing(alert)]);
    await h.notifier.idle();
    const parentTs = slack.callsTo('chat.postMessage')[0]!.ts!;
    const postsBefore = slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined).length;

    clock.advance(42 * 60_000);
    await h.notifier.onEvents([resolved(alert, clock.now())]);
    await h.notifier.idle();

    const [update] = slack.callsTo('chat.update');
    expect(update?.ts).toBe(parentTs);
    expect(update?.channel).toBe(CHANNEL);
    expect(slack.message(parentTs)!.updates).toBe(1);
    expect(parentText(slack, parentTs)).toContain('Resolved');
    expect((update!.body.attachments as Attachment[])[0]!.color).toBe('#2EB67D');
    const last = slack.calls[slack.calls.length - 1]!;
    expect(last.method).toBe('chat.postMessage');
    expect(last.threadTs).toBe(parentTs);
    expect(String(last.body.text)).toContain('resolved after 42 min');
    // Never a second parent.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined).length).toBe(postsBefore);
    expect(await h.threads.get(alert.fingerprint)).toMatchObject({ state: 'resolved', ts: parentTs });

    // A repeated resolve changes nothing.
    const n = slack.calls.length;
    await h.notifier.onEvents([resolved(alert, clock.now())]);
    await h.notifier.idle();
    expect(slack.calls.length).toBe(n);
  });

  it('reopens the same thread when the alert fires again soon after resolving', async () => {
    const alert = alertFor();
    await h.notifier.onEvents([firing(alert)]);
    await h.notifier.idle();
    const parentTs = slack.callsTo('chat.postMessage')[0]!.ts!;
    clock.advance(10 * 60_000);
    await h.notifier.onEvents([resolved(alert, clock.now())]);
    await h.notifier.idle();
    clock.advance(5 * 60_000);
    const again = { ...alert, activeAtMs: clock.now() - 60_000, firedAtMs: clock.now() };
    await h.notifier.onEvents([firing(again, clock.now())]);
    await h.notifier.idle();

    expect(slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined)).toHaveLength(1);
    const updates = slack.callsTo('chat.update');
    expect(updates).toHaveLength(2);
    expect(parentText(slack, parentTs)).not.toContain('Resolved');
    const reply = slack.calls[slack.calls.length - 1]!;
    expect(reply.threadTs).toBe(parentTs);
    expect(reply.body.reply_broadcast).toBe('true');
    expect(String(reply.body.text)).toContain('firing again');
  });

  it('routes by labels, first match wins, default channel otherwise', async () => {
    await h.close();
    h = await startHarness({
      slack,
      prefix: uniquePrefix('route'),
      clock,
      routes: [
        { match: { severity: 'warning' }, match_re: {}, channel: 'C0WARN' },
        { match: {}, match_re: { application: 'emb.*' }, channel: 'C0EMB' },
        { match: {}, match_re: { application: 'embed' }, channel: 'C0NEVER' },
      ],
    });
    await h.notifier.onEvents([
      firing(alertFor({ application: 'embedder', severity: 'critical' })),
      firing(alertFor({ application: 'embedder', deployment: 'Other', severity: 'warning' })),
      firing(alertFor({ application: 'checkout', severity: 'critical' })),
    ]);
    await h.notifier.idle();
    const parents = slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined);
    expect(parents.map((p) => p.channel).sort()).toEqual(['C0ALERTS', 'C0EMB', 'C0WARN']);
  });

  it('says so in the thread when the diagnosis fails, and still posts the chart', async () => {
    await h.close();
    h = await startHarness({
      slack,
      prefix: uniquePrefix('diagfail'),
      clock,
      diagnose: async () => {
        throw new Error('Serve REST API unreachable');
      },
    });
    await h.notifier.onEvents([firing(alertFor())]);
    await h.notifier.idle();
    const [, diag, chart] = slack.channelCalls(CHANNEL);
    expect(String(diag!.body.text)).toContain('Serve REST API unreachable');
    expect(chart!.method).toBe('files.completeUploadExternal');
  });
});
