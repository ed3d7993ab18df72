import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseWebhookPayload } from '../../core/alertmanager/webhook-payload.js';

/**
 * POST /webhooks/alertmanager. Answers 200 only once the payload is durably queued; 503 when it
 * cannot be (Redis down), so Alertmanager retries; 401 without valid credentials; 400 with a
 * reason for malformed JSON or schema; 413 over the size limit.
 */
export interface AlertmanagerWebhookOptions {
  readonly bearerToken?: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly maxBodyBytes: number;
  readonly enqueue: (body: string, receivedAtMs: number) => Promise<string>;
  readonly now?: () => number;
  readonly onResult?: (result: 'accepted' | 'unauthorized' | 'invalid' | 'too_large' | 'unavailable', detail?: string) => void;
}

/** Constant-time comparison that leaks neither content nor length. */
function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function isAuthorized(header: string | undefined, options: Pick<AlertmanagerWebhookOptions, 'bearerToken' | 'basicAuth'>): boolean {
  if (!header) return false;
  const space = header.indexOf(' ');
  if (space < 0) return false;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && options.bearerToken) return safeEqual(value, options.bearerToken);
  if (scheme === 'basic' && options.basicAuth) {
    const expected = Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64');
    return safeEqual(value, expected);
  }
  return false;
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createAlertmanagerWebhookHandler(options: AlertmanagerWebhookOptions) {
  const now = options.now ?? Date.now;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!options.bearerToken && !options.basicAuth) {
      options.onResult?.('unauthorized', 'no credentials configured');
      reply(res, 401, { error: 'the webhook is disabled until ALERTMANAGER_WEBHOOK_TOKEN (or alertmanager.basic_auth) is configured' });
      return;
    }
    if (!isAuthorized(req.headers.authorization, options)) {
      options.onResult?.('unauthorized');
      res.setHeader('www-authenticate', options.bearerToken ? 'Bearer' : 'Basic realm="serve-medic"');
      reply(res, 401, { error: 'missing or invalid credentials' });
      return;
    }
    const body = await readBody(req, options.maxBodyBytes);
    if (body === null) {
      options.onResult?.('too_large');
      reply(res, 413, { error: `payload exceeds ${options.maxBodyBytes} bytes` });
      req.resume();
      return;
    }
    const parsed = parseWebhookPayload(body);
    if (!parsed.ok) {
      options.onResult?.('invalid', parsed.reason);
      reply(res, 400, { error: parsed.reason });
      return;
    }
    try {
      const id = await options.enqueue(body, now());
      options.onResult?.('accepted');
      reply(res, 200, { status: 'queued', id, alerts: parsed.payload.alerts.length });
    } catch (err) {
      options.onResult?.('unavailable', (err as Error).message);
      reply(res, 503, { error: 'cannot store the payload durably right now; Alertmanager will retry' });
    }
  };
}
