import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/core/slack-commands/parse-command.js';
import { verifySlackSignature } from '../../src/core/slack-signature/verify-slack-signature.js';
import { slackSignature } from '../helpers/signed-slack-request.js';

describe('parseCommand', () => {
  it.each([
    ['', { verb: 'help' }],
    ['HELP', { verb: 'help' }],
    ['diagnose checkout', { verb: 'diagnose', application: 'checkout' }],
    ['diagnose checkout/Ingress', { verb: 'diagnose', application: 'checkout', deployment: 'Ingress' }],
    ['status', { verb: 'status' }],
    ['status app_fast', { verb: 'status', application: 'app_fast' }],
    ['unsilence 3F9A1C2B', { verb: 'unsilence', id: '3f9a1c2b' }],
    ['silences', { verb: 'silences' }],
    ['rules', { verb: 'rules' }],
  ])('"%s"', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('splits silence into matchers, duration and reason', () => {
    expect(parseCommand('silence alertname=RayServeQueueBuildingUp application=~"emb.*" 2h30m load test until 5pm')).toEqual({
      verb: 'silence',
      matchers: [
        { name: 'alertname', op: '=', value: 'RayServeQueueBuildingUp' },
        { name: 'application', op: '=~', value: 'emb.*' },
      ],
      durationMs: 2.5 * 3600_000,
      reason: 'load test until 5pm',
    });
  });

  it('undoes Slack escaping and curly quotes', () => {
    const p = parseCommand('silence deployment=~\u201CA&amp;B|C\u201D 1h');
    expect(p).toMatchObject({ verb: 'silence', matchers: [{ name: 'deployment', op: '=~', value: 'A&B|C' }] });
  });

  it('turns every mistake into a problem and the usage', () => {
    for (const text of ['diagnose', 'status a b', 'silence 1h', 'silence a=b', 'unsilence', 'unsilence x y', 'rules now', 'frobnicate']) {
      const p = parseCommand(text);
      expect(p.verb).toBe('invalid');
      if (p.verb === 'invalid') {
        expect(p.problem.length).toBeGreaterThan(5);
        expect(p.usage.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('verifySlackSignature (clock injected)', () => {
  const secret = 'sig-secret-0123456789';
  const body = 'command=%2Fserve-medic&text=help';
  const now = Date.UTC(2026, 0, 1, 12, 0);
  const ts = Math.floor(now / 1000);
  const check = (o: { ts?: string; sig?: string; nowMs?: number; body?: string }) =>
    verifySlackSignature({ signingSecret: secret, rawBody: o.body ?? body, timestampHeader: o.ts ?? String(ts), signatureHeader: o.sig ?? slackSignature(secret, ts, body), nowMs: o.nowMs ?? now });

  it('accepts what Slack signs, up to five minutes either way', () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({ nowMs: now + 300_000 })).toEqual({ ok: true });
    expect(check({ nowMs: now - 300_000 })).toEqual({ ok: true });
  });
  it('refuses stale, future, forged, tampered and missing signatures', () => {
    expect(check({ nowMs: now + 300_001 })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ nowMs: now - 300_001 })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ sig: slackSignature('other-secret-0123', ts, body) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ body: `${body}&x=1` })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ sig: 'v0=zz' })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ ts: 'soon' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySlackSignature({ signingSecret: secret, rawBody: body, timestampHeader: undefined, signatureHeader: undefined, nowMs: now })).toEqual({ ok: false, reason: 'missing' });
  });
});
