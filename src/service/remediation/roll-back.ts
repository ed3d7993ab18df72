import type { ProposalRecord } from '../../adapters/redis/proposal-store.js';
import { auditOf } from '../../core/remediation/audit-entry.js';
import { planReregistration, rollbackBody } from '../../core/remediation/plan-rollback.js';
import type { RollbackReport } from '../../core/slack-render/render-remediation-replies.js';
import { describeError } from '../../errors.js';
import { autoscalingMetricsPresent } from './read-signal.js';
import type { RemediationContext } from './remediation-context.js';
import { record } from './remediation-context.js';
import { waitForRollout } from './wait-for-rollout.js';

/**
 * After the app failed with the change: PUT its last good config back (every other app as it
 * runs now), wait for RUNNING, and — when the app was DEPLOY_FAILED — re-register the
 * autoscaling Ray dropped on the way out (see planReregistration), then look for its metrics.
 * Returns what happened for the thread; never throws.
 */
export async function rollBack(ctx: RemediationContext, rec: ProposalRecord, failure: { status: string; message: string }): Promise<RollbackReport> {
  const p = rec.proposal;
  if (!rec.lastGood) return { failure, rolledBack: false, rollbackError: 'serve-medic has no record of the config before its change (it did not send one)' };
  try {
    const restored = rollbackBody(await ctx.serveApi.getApplications(), rec.lastGood, p.application);
    await ctx.serveApi.putApplications(restored);
    await record(ctx, auditOf(p, 'put', ctx.clock.now(), { result: 'rollback', detail: `restoring the last good config after ${failure.status}` }));
    const back = await waitForRollout(ctx, p.application, [{ deployment: p.deployment, path: p.field, value: p.from }]);
    if (back.state !== 'running') {
      const why = back.state === 'failed' ? `${back.status}: ${back.message}` : `still ${back.status}`;
      return { failure, rolledBack: false, rollbackError: `after the rollback PUT the app is ${why}` };
    }
    if (failure.status !== 'DEPLOY_FAILED') return { failure, rolledBack: true };

    const plan = planReregistration(await ctx.serveApi.getApplications(), restored, p.application);
    if (!plan) return { failure, rolledBack: true };
    if (plan.deployments.length > 0) {
      await ctx.serveApi.putApplications(plan.nudge);
      const nudged = await waitForRollout(ctx, p.application, plan.expectNudged);
      const again = rollbackBody(await ctx.serveApi.getApplications(), rec.lastGood, p.application);
      await ctx.serveApi.putApplications(again);
      const restoredExpect = plan.expectNudged.map((e) => ({ ...e, value: (e.value as number) - 1 }));
      const settled = await waitForRollout(ctx, p.application, restoredExpect);
      await record(ctx, auditOf(p, 'put', ctx.clock.now(), { result: 'reregister', detail: `downscale_delay_s +1 s and back on ${plan.deployments.join(', ')} (${nudged.state}, ${settled.state})` }));
      if (settled.state !== 'running') {
        return { failure, rolledBack: true, rollbackError: `re-registering autoscaling left the app ${settled.state === 'failed' ? settled.status : `still ${settled.status}`}` };
      }
    }
    let metricsBack: boolean | undefined;
    if (plan.deployments.includes(p.deployment)) {
      await ctx.sleep(ctx.tuning.metricsSettleMs);
      metricsBack = await autoscalingMetricsPresent(ctx.queryEngine, p.application, p.deployment, ctx.clock.now());
    }
    return {
      failure,
      rolledBack: true,
      reregistered: plan.deployments,
      notReregistered: plan.skipped,
      ...(metricsBack !== undefined ? { autoscalingMetricsBack: metricsBack } : {}),
    };
  } catch (err) {
    ctx.logger.error({ proposal: p.id, err: describeError(err) }, 'rollback failed');
    return { failure, rolledBack: false, rollbackError: describeError(err) };
  }
}
