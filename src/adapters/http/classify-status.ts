import type { ErrorCode } from '../../errors.js';

/**
 * The one place that decides what an HTTP status from a dependency means: whether a retry can
 * help, and which error code the caller sees. Used by the Serve, Prometheus and Slack clients.
 */
export interface StatusClass {
  readonly ok: boolean;
  readonly retryable: boolean;
  readonly kind: 'ok' | 'unauthorized' | 'rejected' | 'rate_limited' | 'unavailable';
}

export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return { ok: true, retryable: false, kind: 'ok' };
  if (status === 401 || status === 403) return { ok: false, retryable: false, kind: 'unauthorized' };
  if (status === 429) return { ok: false, retryable: true, kind: 'rate_limited' };
  // 408 and 5xx are the server's trouble, not the request's: try again later.
  if (status === 408 || status >= 500) return { ok: false, retryable: true, kind: 'unavailable' };
  return { ok: false, retryable: false, kind: 'rejected' };
}

/** Network-level failures (refused, reset, DNS, timeout) are always worth a retry. */
export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_.*)$/.test(code)
  );
}

export function serveErrorCode(kind: StatusClass['kind']): ErrorCode {
  switch (kind) {
    case 'unauthorized':
      return 'SERVE_API_UNAUTHORIZED';
    case 'rejected':
      return 'SERVE_API_REJECTED';
    default:
      return 'SERVE_API_UNAVAILABLE';
  }
}
