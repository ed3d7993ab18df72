import { ServeMedicError } from '../../errors.js';
import { classifyStatus, isNetworkError } from '../http/classify-status.js';

/**
 * The one place that decides whether a failed Slack call is worth repeating, and after how long.
 * The Web API client is built with its own retries off, so this is the only retry policy.
 */
export type SlackRetryDecision =
  /** 429: wait exactly what Slack asked (Retry-After) and repeat the same call. */
  | { readonly kind: 'rate_limited'; readonly delayMs: number; readonly error: ServeMedicError }
  /** 5xx, network failure, Slack-side `internal_error`: back off and repeat. */
  | { readonly kind: 'transient'; readonly error: ServeMedicError }
  /** Anything else (channel_not_found, invalid_auth, …): repeating will not help. */
  | { readonly kind: 'permanent'; readonly error: ServeMedicError };

/** `ok:false` errors that Slack documents as temporary. */
const TRANSIENT_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

/** What to tell the operator for the platform errors a misconfiguration causes. */
const HINTS: Readonly<Record<string, string>> = {
  not_in_channel: 'invite the bot to the channel (/invite @serve-medic)',
  channel_not_found: 'check SLACK_CHANNEL and slack.routes (use channel ids like C0123456789) and that the bot is in the channel',
  invalid_auth: 'SLACK_BOT_TOKEN is not valid for this workspace',
  not_authed: 'SLACK_BOT_TOKEN is missing',
  token_revoked: 'the bot token was revoked; reinstall the app',
  missing_scope: 'the app lacks a scope; reinstall it with deploy/slack-app-manifest.yaml',
  is_archived: 'the channel is archived; route alerts elsewhere',
};

interface SlackLikeError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string; needed?: string; response_metadata?: { messages?: string[] } };
  original?: unknown;
  message?: string;
}

export function classifySlackError(err: unknown, method: string): SlackRetryDecision {
  if (err instanceof ServeMedicError) {
    return err.retryable ? { kind: 'transient', error: err } : { kind: 'permanent', error: err };
  }
  const e = (err ?? {}) as SlackLikeError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error': {
      const retryAfterS = typeof e.retryAfter === 'number' && e.retryAfter >= 0 ? e.retryAfter : 1;
      return {
        kind: 'rate_limited',
        delayMs: retryAfterS * 1000,
        error: new ServeMedicError('SLACK_RATE_LIMITED', `${method} was rate-limited; Slack asked to wait ${retryAfterS} s`, { details: { method, retryAfterS } }),
      };
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      const cls = classifyStatus(status);
      const error = new ServeMedicError(cls.retryable ? 'SLACK_UNAVAILABLE' : 'SLACK_API_ERROR', `${method} answered HTTP ${status}`, {
        details: { method, status },
        retryable: cls.retryable,
      });
      return cls.retryable ? { kind: 'transient', error } : { kind: 'permanent', error };
    }
    case 'slack_webapi_request_error':
      return { kind: 'transient', error: new ServeMedicError('SLACK_UNAVAILABLE', `${method} failed: ${describeOriginal(e)}`, { details: { method } }) };
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      const needed = e.data?.needed ? ` (needs ${e.data.needed})` : '';
      const hint = HINTS[code] ? `; ${HINTS[code]}` : '';
      if (code === 'ratelimited') {
        return { kind: 'rate_limited', delayMs: 1000, error: new ServeMedicError('SLACK_RATE_LIMITED', `${method}: ratelimited`, { details: { method } }) };
      }
      const transient = TRANSIENT_PLATFORM_ERRORS.has(code);
      const error = new ServeMedicError(transient ? 'SLACK_UNAVAILABLE' : 'SLACK_API_ERROR', `${method} failed: ${code}${needed}${hint}`, {
        details: { method, slackError: code },
      });
      return transient ? { kind: 'transient', error } : { kind: 'permanent', error };
    }
    default:
      if (isNetworkError(err)) {
        return { kind: 'transient', error: new ServeMedicError('SLACK_UNAVAILABLE', `${method} failed: ${e.message ?? String(err)}`, { details: { method } }) };
      }
      return { kind: 'permanent', error: new ServeMedicError('SLACK_API_ERROR', `${method} failed: ${e.message ?? String(err)}`, { details: { method }, cause: err }) };
  }
}

function describeOriginal(e: SlackLikeError): string {
  const o = e.original as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  return o?.cause?.code ?? o?.code ?? o?.cause?.message ?? o?.message ?? e.message ?? 'request failed';
}

/** Exponential backoff with full jitter, capped: 1 s, 2 s, 4 s … up to `maxMs`. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
