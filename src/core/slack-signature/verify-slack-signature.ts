import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing (v0): HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing
 * secret, hex, sent as `x-slack-signature: v0=…` with `x-slack-request-timestamp`. A request
 * whose timestamp is more than five minutes from now (either way) is refused, so a captured
 * request cannot be replayed later. The clock is an argument so tests control it.
 */
export const SLACK_SIGNATURE_MAX_SKEW_MS = 5 * 60_000;

export interface VerifySlackSignatureInput {
  readonly signingSecret: string;
  readonly rawBody: Buffer | string;
  readonly timestampHeader: string | readonly string[] | undefined;
  readonly signatureHeader: string | readonly string[] | undefined;
  readonly nowMs: number;
  readonly maxSkewMs?: number;
}

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function computeSlackSignature(signingSecret: string, timestampSec: number | string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestampSec}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

export function verifySlackSignature(input: VerifySlackSignatureInput): SignatureCheck {
  const ts = input.timestampHeader;
  const sig = input.signatureHeader;
  if (typeof ts !== 'string' || typeof sig !== 'string' || ts === '' || sig === '') return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(ts) || !/^v0=[0-9a-f]{64}$/.test(sig)) return { ok: false, reason: 'malformed' };
  const skew = Math.abs(input.nowMs - Number(ts) * 1000);
  if (skew > (input.maxSkewMs ?? SLACK_SIGNATURE_MAX_SKEW_MS)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(computeSlackSignature(input.signingSecret, ts, input.rawBody));
  const given = Buffer.from(sig);
  // Both are "v0=" + 64 hex chars here, so the lengths match and the compare is constant-time.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}
