import type { RolloutExpectation } from '../../core/remediation/assess-rollout.js';
import { assessRollout } from '../../core/remediation/assess-rollout.js';
import { isServeMedicError } from '../../errors.js';
import type { RemediationContext } from './remediation-context.js';

export type RolloutOutcome =
  | { readonly state: 'running'; readonly tookMs: number }
  | { readonly state: 'failed'; readonly status: string; readonly message: string; readonly tookMs: number }
  | { readonly state: 'timeout'; readonly status: string; readonly tookMs: number };

/** Consecutive failed GETs tolerated while polling (a dashboard restart), before giving up. */
const MAX_GET_FAILURES = 5;

/**
 * Polls GET /api/serve/applications/ until the app is RUNNING with the expected values, or
 * fails (DEPLOY_FAILED / UNHEALTHY), or the rollout timeout passes. A GET that fails with a
 * retryable error is tried again at the next poll; too many in a row rethrow it (the job is
 * retried, and finds its change already in place).
 */
export async function waitForRollout(ctx: RemediationContext, application: string, expect: readonly RolloutExpectation[]): Promise<RolloutOutcome> {
  const start = ctx.clock.now();
  let failures = 0;
  let status = 'unknown';
  for (;;) {
    try {
      const r = assessRollout(await ctx.serveApi.getApplications(), application, expect);
      failures = 0;
      const tookMs = ctx.clock.now() - start;
      if (r.state === 'running') return { state: 'running', tookMs };
      if (r.state === 'failed') return { state: 'failed', status: r.status, message: r.message, tookMs };
      status = r.status;
    } catch (err) {
      if (!isServeMedicError(err) || !err.retryable || ++failures >= MAX_GET_FAILURES) throw err;
      ctx.logger.warn({ application, failures, err: err.message }, 'GET failed while waiting for the rollout; polling on');
    }
    if (ctx.clock.now() - start >= ctx.tuning.rolloutTimeoutMs) return { state: 'timeout', status, tookMs: ctx.clock.now() - start };
    await ctx.sleep(ctx.tuning.pollMs);
  }
}
