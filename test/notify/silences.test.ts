import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { parseMatchers } from '../../src/core/silence/parse-matchers.js';
import type { Matcher } from '../../src/core/silence/silence.js';
import { startFakeSlackServer, type FakeSlackServer } from '../helpers/fake-slack-server.js';
import { uniquePrefix } from '../helpers/redis.js';
import { BOT_TOKEN, T0, alertFor, firing, resolved, startHarness, type Harness } from './notify-fixtures.js';

function matchers(...tokens: string[]): readonly Matcher[] {
  const r = parseMatchers(tokens);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.matchers;
}

describe('silences in the notify path', () => {
  let slack: FakeSlackServer;
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    slack = await startFakeSlackServer({ botToken: BOT_TOKEN });
    clock = new ManualClock(T0);
    h = await startHarness({ slack, prefix: uniquePrefix('silence'), clock, queryEngine: null });
  });
  afterEach(async () => {
    await h.close();
    await slack.close();
  });

  const silence = (m: readonly Matcher[], forMs = 3600_000) =>
    h.silences.create({ matchers: m, startsAtMs: clock.now(), endsAtMs: clock.now() + forMs, createdBy: 'U0ONCALL', reason: 'load test' }, clock.now());

  it('posts nothing for a silenced alert, and nothing when it resolves', async () => {
    await silence(matchers('alertname=RayServeQueueBuildingUp', 'application=~"emb.*"'));
    const muted = alertFor({ application: 'embedder' });
    await h.notifier.onEvents([firing(muted)]);
    await h.notifier.tick();
    await h.notifier.idle();
    expect(slack.calls).toHaveLength(0);

    await h.notifier.onEvents([resolved(muted, clock.now())]);
    await h.notifier.idle();
    expect(slack.calls).toHaveLength(0);
  });

  it('matches regexes against the whole value only', async () => {
    await silence(matchers('application=~"emb"'));
    await h.notifier.onEvents([firing(alertFor({ application: 'embedder' }))]);
    await h.notifier.idle();
    expect(slack.callsTo('chat.postMessage').length).toBeGreaterThan(0);
  });

  it('posts the alert when the silence is ended early while it still fires', async () => {
    const s = await silence(matchers('application=checkout'));
    await h.notifier.onEvents([firing(alertFor())]);
    await h.notifier.idle();
    expect(slack.calls).toHaveLength(0);

    await h.silences.expire(s.id, clock.now(), 'U0ONCALL');
    await h.notifier.tick();
    await h.notifier.idle();
    expect(slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined)).toHaveLength(1);
  });

  it('posts the alert when the silence runs out while it still fires', async () => {
    await silence(matchers('application=checkout'), 30 * 60_000);
    await h.notifier.onEvents([firing(alertFor())]);
    await h.notifier.idle();
    clock.advance(29 * 60_000);
    await h.notifier.tick();
    await h.notifier.idle();
    expect(slack.calls).toHaveLength(0);

    clock.advance(2 * 60_000);
    await h.notifier.tick();
    await h.notifier.idle();
    expect(slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined)).toHaveLength(1);
  });

  it('posts after a restart an alert whose silence ended, though no event repeats it', async () => {
    const prefix = uniquePrefix('silence-restart');
    await h.close();
    h = await startHarness({ slack, prefix, clock, queryEngine: null });
    const s = await silence(matchers('application=checkout'));
    await h.notifier.onEvents([firing(alertFor())]);
    await h.notifier.idle();
    await h.notifier.stop();

    const next = await startHarness({ slack, prefix, clock, queryEngine: null, instanceId: 'after-restart' });
    try {
      await next.notifier.start();
      await next.silences.expire(s.id, clock.now(), 'U0ONCALL');
      await next.notifier.tick();
      await next.notifier.idle();
      expect(slack.callsTo('chat.postMessage').filter((c) => c.threadTs === undefined)).toHaveLength(1);
    } finally {
      await next.close();
    }
  });

  it('does not post an alert that resolved while silenced when the silence ends', async () => {
    const s = await silence(matchers('application=checkout'));
    const alert = alertFor();
    await h.notifier.onEvents([firing(alert)]);
    await h.notifier.onEvents([resolved(alert, clock.now())]);
    await h.silences.expire(s.id, clock.now(), 'U0ONCALL');
    await h.notifier.tick();
    await h.notifier.idle();
    expect(slack.calls).toHaveLength(0);
  });

  it('still closes a thread posted before the silence, but sends no reminders while silenced', async () => {
    await h.close();
    h = await startHarness({ slack, prefix: uniquePrefix('silence-late'), clock, queryEngine: null, repeatIntervalMs: 60_000 });
    const alert = alertFor();
    await h.notifier.onEvents([firing(alert)]);
    await h.notifier.idle();
    const n = slack.calls.length;
    await silence(matchers('application=checkout'));
    clock.advance(5 * 60_000);
    await h.notifier.tick();
    await h.notifier.idle();
    expect(slack.calls).toHaveLength(n);

    await h.notifier.onEvents([resolved(alert, clock.now())]);
    await h.notifier.idle();
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });
});
