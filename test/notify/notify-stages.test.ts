import { describe, expect, it } from 'vitest';
import { createDedupStage, decideAction } from '../../src/core/notify/dedup-stage.js';
import type { Notification, NotifyStage, ThreadSnapshot } from '../../src/core/notify/notification.js';
import { runStages } from '../../src/core/notify/notification.js';
import type { SlackRoute } from '../../src/core/notify/route-stage.js';
import { createRouteStage, routeChannel } from '../../src/core/notify/route-stage.js';
import { createSilenceStage } from '../../src/core/notify/silence-stage.js';
import { parseMatchers } from '../../src/core/silence/parse-matchers.js';
import type { Silence } from '../../src/core/silence/silence.js';
import { findSilence, matchersMatch } from '../../src/core/silence/silence.js';
import { T0, alertFor, firing, resolved } from './notify-fixtures.js';

const HOUR = 3600_000;
const posted: ThreadSnapshot = { channel: 'C1', ts: '1.1', state: 'firing', openedAtMs: T0, lastNotifiedMs: T0 };

describe('dedup / renotify decision', () => {
  const alert = alertFor();
  it.each([
    ['a new firing alert opens a thread', firing(alert), null, T0, 'open'],
    ['firing again within the repeat interval does nothing', firing(alert), posted, T0 + HOUR, null],
    ['firing after the repeat interval reminds', firing(alert), posted, T0 + 4 * HOUR, 'remind'],
    ['a resolve of a posted thread resolves', resolved(alert, T0 + HOUR), posted, T0 + HOUR, 'resolve'],
    ['a resolve of an unknown alert does nothing', resolved(alert, T0 + HOUR), null, T0 + HOUR, null],
    ['a second resolve does nothing', resolved(alert, T0 + HOUR), { ...posted, state: 'resolved', resolvedAtMs: T0 + HOUR }, T0 + HOUR, null],
    ['a claim still being posted is left alone', firing(alert), { ...posted, ts: undefined, leaseUntilMs: T0 + 60_000 }, T0 + 1000, null],
    ['a claim whose owner died is taken over', firing(alert), { ...posted, ts: undefined, leaseUntilMs: T0 + 60_000 }, T0 + 61_000, 'open'],
    ['a late firing from before the resolution does not reopen', firing(alert), { ...posted, state: 'resolved', resolvedAtMs: T0 + HOUR }, T0 + 2 * HOUR, null],
    [
      'a new firing after the resolution reopens',
      firing({ ...alert, activeAtMs: T0 + 2 * HOUR, firedAtMs: T0 + 2 * HOUR }),
      { ...posted, state: 'resolved', resolvedAtMs: T0 + HOUR },
      T0 + 2 * HOUR,
      'reopen',
    ],
  ] as const)('%s', (_name, event, thread, now, expected) => {
    expect(decideAction(event, thread as ThreadSnapshot | null, now, 4 * HOUR)).toBe(expected);
  });
});

describe('routing', () => {
  const routes: SlackRoute[] = [
    { match: { severity: 'warning' }, match_re: {}, channel: 'C0WARN' },
    { match: { team: 'ml' }, match_re: { application: 'emb.*|rank' }, channel: 'C0ML' },
  ];
  it('takes the first matching route, else the default', () => {
    expect(routeChannel({ severity: 'warning', team: 'ml', application: 'rank' }, routes, 'C0DEF')).toBe('C0WARN');
    expect(routeChannel({ severity: 'critical', team: 'ml', application: 'embedder' }, routes, 'C0DEF')).toBe('C0ML');
    expect(routeChannel({ severity: 'critical', team: 'ml', application: 'ranker' }, routes, 'C0DEF')).toBe('C0DEF');
    expect(routeChannel({ severity: 'critical' }, routes, 'C0DEF')).toBe('C0DEF');
  });
  it('stops an alert no route matches when there is no default channel', async () => {
    const unrouted: string[] = [];
    const stage = createRouteStage({ routes, onUnrouted: (k) => unrouted.push(k) });
    expect(await stage({ threadKey: 'k', event: firing(alertFor({ severity: 'critical' })) })).toBeNull();
    expect(unrouted).toEqual(['k']);
  });

  it('keeps an existing thread in its channel', async () => {
    const stage = createRouteStage({ routes, defaultChannel: 'C0DEF' });
    const n: Notification = { threadKey: 'k', event: firing(alertFor({ severity: 'warning' })), thread: { ...posted, channel: 'C0OLD' } };
    expect((await stage(n))?.channel).toBe('C0OLD');
  });
});

describe('silences', () => {
  const m = (...t: string[]) => {
    const r = parseMatchers(t);
    if (!r.ok) throw new Error(r.errors.join());
    return r.matchers;
  };
  const silence = (matchers: Silence['matchers'], endsAtMs = T0 + HOUR): Silence => ({ id: 'abcd1234', matchers, startsAtMs: T0, endsAtMs, createdBy: 'U1', reason: '', createdAtMs: T0 });

  it('parses =, !=, =~, !~ with quotes, braces and commas, and anchors regexes', () => {
    expect(m('{alertname="A b",', 'severity!=info}', "application=~'emb.*'", 'deployment!~"X|Y"')).toEqual([
      { name: 'alertname', op: '=', value: 'A b' },
      { name: 'severity', op: '!=', value: 'info' },
      { name: 'application', op: '=~', value: 'emb.*' },
      { name: 'deployment', op: '!~', value: 'X|Y' },
    ]);
    expect(matchersMatch(m('application=~emb'), { application: 'embedder' })).toBe(false);
    expect(matchersMatch(m('application=~emb.*'), { application: 'embedder' })).toBe(true);
    expect(matchersMatch(m('application!=x', 'missing=""', 'alertname=A'), { application: 'y', alertname: 'A' })).toBe(true);
  });

  it('reports every bad matcher at once', () => {
    const r = parseMatchers(['9bad=x', 'a=~"("', 'ok=1']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(2);
  });

  it('mutes only while active and only firing notifications', async () => {
    const s = silence(m('application=checkout'));
    expect(findSilence([s], { application: 'checkout' }, T0 + 1)).toBe(s);
    expect(findSilence([s], { application: 'checkout' }, T0 + HOUR)).toBeUndefined();
    const muted: string[] = [];
    const stage = createSilenceStage({ activeSilences: async () => [s], onMuted: (k) => muted.push(k) });
    expect(await stage({ threadKey: 'k', event: firing(alertFor(), T0 + 1) })).toBeNull();
    expect(await stage({ threadKey: 'k', event: resolved(alertFor(), T0 + 1) })).not.toBeNull();
    expect(muted).toEqual(['k']);
  });
});

describe('pipeline', () => {
  it('runs stages in order and stops at the first that drops', async () => {
    const seen: string[] = [];
    const pass = (name: string): NotifyStage => async (n) => (seen.push(name), n);
    const drop: NotifyStage = async () => (seen.push('drop'), null);
    const n: Notification = { threadKey: 'k', event: firing(alertFor()) };
    expect(await runStages([pass('a'), drop, pass('b')], n)).toBeNull();
    expect(seen).toEqual(['a', 'drop']);
  });

  it('dedup attaches the action and the thread it found', async () => {
    const stage = createDedupStage({ lookup: async () => posted, repeatIntervalMs: HOUR, now: () => T0 + 2 * HOUR });
    expect(await stage({ threadKey: 'k', event: firing(alertFor()) })).toMatchObject({ action: 'remind', thread: posted });
  });
});
