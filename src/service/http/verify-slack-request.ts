import type { IncomingMessage } from 'node:http';
import type { SignatureCheck } from '../../core/slack-signature/verify-slack-signature.js';
import { verifySlackSignature } from '../../core/slack-signature/verify-slack-signature.js';

/**
 * Signature check of one HTTP request to the Slack endpoint. Slack's `ssl_check=1` probe is the
 * only exemption (Bolt answers it and strips anything else from the body).
 */
export function verifySlackRequestSignature(req: IncomingMessage, rawBody: Buffer, signingSecret: string, nowMs: number): SignatureCheck {
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') && new URLSearchParams(rawBody.toString('utf8')).get('ssl_check') === '1') {
    return { ok: true };
  }
  return verifySlackSignature({
    signingSecret,
    rawBody,
    timestampHeader: req.headers['x-slack-request-timestamp'],
    signatureHeader: req.headers['x-slack-signature'],
    nowMs,
  });
}
