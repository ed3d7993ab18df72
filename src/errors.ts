/**
 * The one catalogue of coded errors. Every error serve-medic raises on purpose is a
 * ServeMedicError with a stable string code, so logs, CLI output and tests can match on
 * the code rather than on wording. `retryable` says whether trying the same thing again
 * could succeed (a 5xx or a refused connection) or never will (a 400, a bad rule file).
 */

export const ERROR_CODES = {
  CONFIG_INVALID: { retryable: false, summary: 'configuration is invalid' },
  EXPOSITION_INVALID: { retryable: false, summary: 'metrics exposition could not be parsed' },
  PROMQL_SYNTAX: { retryable: false, summary: 'PromQL expression could not be parsed' },
  PROMQL_UNSUPPORTED: { retryable: false, summary: 'PromQL feature is not supported by the built-in evaluator' },
  PROMQL_EVAL: { retryable: false, summary: 'PromQL expression could not be evaluated' },
  PROMETHEUS_UNAVAILABLE: { retryable: true, summary: 'Prometheus HTTP API did not answer' },
  PROMETHEUS_QUERY_REJECTED: { retryable: false, summary: 'Prometheus rejected the query' },
  SCRAPE_FAILED: { retryable: true, summary: 'scrape of a metrics target failed' },
  RULES_INVALID: { retryable: false, summary: 'rule file is invalid' },
  RULE_TEST_FAILED: { retryable: false, summary: 'rule unit test failed' },
  SERVE_API_UNAVAILABLE: { retryable: true, summary: 'Ray Serve REST API is unreachable or answered 5xx' },
  SERVE_API_REJECTED: { retryable: false, summary: 'Ray Serve REST API rejected the request (4xx)' },
  SERVE_API_UNAUTHORIZED: { retryable: false, summary: 'Ray Serve REST API refused the credentials (401/403)' },
  SERVE_CONFIG_INVALID: { retryable: false, summary: 'Serve config change would be rejected by Ray' },
  SERVE_CONFIG_CHANGED: { retryable: false, summary: 'Serve config changed since the proposal was made' },
  SERVE_DEPLOY_FAILED: { retryable: false, summary: 'Serve application went DEPLOY_FAILED or UNHEALTHY' },
  SLACK_API_ERROR: { retryable: false, summary: 'Slack Web API returned an error' },
  SLACK_RATE_LIMITED: { retryable: true, summary: 'Slack Web API rate-limited the request' },
  SLACK_UNAVAILABLE: { retryable: true, summary: 'Slack Web API is unreachable' },
  SLACK_SIGNATURE_INVALID: { retryable: false, summary: 'Slack request signature is missing, stale or wrong' },
  REDIS_UNAVAILABLE: { retryable: true, summary: 'Redis is unreachable' },
  WEBHOOK_INVALID: { retryable: false, summary: 'webhook payload is invalid' },
  WEBHOOK_UNAUTHORIZED: { retryable: false, summary: 'webhook request is not authenticated' },
  REMEDIATION_REFUSED: { retryable: false, summary: 'remediation refused by a guardrail' },
  NOT_IMPLEMENTED: { retryable: false, summary: 'not built yet' },
  USAGE: { retryable: false, summary: 'command used wrongly' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ServeMedicError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServeMedicError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

export function isServeMedicError(err: unknown, code?: ErrorCode): err is ServeMedicError {
  return err instanceof ServeMedicError && (code === undefined || err.code === code);
}

/** A short, single-line description of any thrown value, for logs and replies. */
export function describeError(err: unknown): string {
  if (err instanceof ServeMedicError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
