import type { ProposalRecord } from '../../adapters/redis/proposal-store.js';
import { auditOf } from '../../core/remediation/audit-entry.js';
import { rayMessageSummary } from '../../core/remediation/assess-rollout.js';
import { buildPutBody } from '../../core/remediation/build-put-body.js';
import { configFingerprint } from '../../core/remediation/config-fingerprint.js';
import { submittedValue } from '../../core/remediation/current-value.js';
import { diffBodies } from '../../core/remediation/diff-bodies.js';
import { planChange } from '../../core/remediation/plan-change.js';
import type { Proposal } from '../../core/remediation/proposal.js';
import type { ServeInstanceDetails } from '../../core/serve/serve-types.js';
import {
  renderAlreadyInPlace,
  renderApplied,
  renderApplyFailed,
  renderDryRun,
  renderRolledBack,
  renderRolloutTimeout,
} from '../../core/slack-render/render-remediation-replies.js';
import { ServeMedicError } from '../../errors.js';
import { recompute } from './propose.js';
import { readSignal } from './read-signal.js';
import type { RemediationContext } from './remediation-context.js';
import { record, refreshProposalMessage, tell } from './remediation-context.js';
import { rollBack } from './roll-back.js';
import { waitForRollout } from './wait-for-rollout.js';

/** What a finished job reports (BullMQ keeps it as the job's return value). */
export type ApplyOutcome = 'applied' | 'rolled_back' | 'failed' | 'superseded' | 'dry_run' | 'refused' | 'timeout' | 'already_done';

/** A failure the job must not retry (Ray said no, a guardrail said no). */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

/**
 * The apply job. Crash-safe by construction: it first looks at the cluster, and when the
 * proposal's value is already what Ray was sent (a PUT that went out before a SIGKILL, or a
 * retry after a timed-out PUT) it does not send it again but goes on to watch the rollout. So
 * however often the job runs, one change is applied.
 *
 *   GET → already in place? → compare with the proposal's fingerprint (else re-propose) →
 *   plan the one-field change (validated as Ray would) → reserve the cooldown / hourly slot →
 *   GET again and compare → record the last good body → PUT → poll until RUNNING / failed →
 *   verify later, or roll back.
 */
export async function applyChange(ctx: RemediationContext, proposalId: string): Promise<ApplyOutcome> {
  let rec = await ctx.store.get(proposalId);
  if (!rec) throw new PermanentFailure(`proposal ${proposalId} is not in the store`);
  if (rec.state !== 'approved' && rec.state !== 'applying') return 'already_done';
  if (rec.state === 'approved') {
    const t = await ctx.store.transition(proposalId, ['approved'], 'applying');
    if (!t.ok) return 'already_done';
    rec = { ...rec, state: 'applying' };
  }
  const p = rec.proposal;
  const details = await ctx.serveApi.getApplications();

  if (submittedValue(details, p.application, p.deployment, p.action) === p.to && p.mode === 'apply') {
    if (rec.putAtMs !== undefined) tell(ctx, p.threadKey, renderAlreadyInPlace(p));
    await record(ctx, auditOf(p, 'already_in_place', ctx.clock.now(), { detail: rec.putAtMs !== undefined ? 'the PUT of an earlier attempt went through' : 'the cluster already has this value' }));
    return finishRollout(ctx, rec);
  }
  if (configFingerprint(details) !== p.configFingerprint) return supersede(ctx, rec, details);

  const plan = planChange(details, { application: p.application, deployment: p.deployment, action: p.action, to: p.to }, { allowDecrease: p.kind === 'rollback' });
  const lastGood = buildPutBody(details);
  if (p.mode === 'dry_run') {
    tell(ctx, p.threadKey, renderDryRun(p, diffBodies(lastGood, plan.body), Buffer.byteLength(JSON.stringify(plan.body))));
    await ctx.store.transition(p.id, ['applying'], 'dry_run_done', { outcome: 'dry run posted' });
    await record(ctx, auditOf(p, 'dry_run', ctx.clock.now(), { result: 'nothing sent' }));
    refreshProposalMessage(ctx, { ...rec, state: 'dry_run_done' });
    return 'dry_run';
  }
  // Compare-and-set, second half: nothing may have moved between the plan and the PUT.
  await ctx.hooks.beforeFinalCheck?.(p.id);
  const again = await ctx.serveApi.getApplications();
  if (configFingerprint(again) !== p.configFingerprint) return supersede(ctx, rec, again);
  // The cooldown and hourly slot, taken atomically: two approvals cannot both pass.
  if (p.kind === 'fix') {
    const slot = await ctx.limits.reserve({
      proposalId: p.id,
      application: p.application,
      deployment: p.deployment,
      nowMs: ctx.clock.now(),
      cooldownMs: p.bounds.cooldownMs,
      maxPerHour: ctx.settings.max_per_hour,
    });
    if (slot !== 'ok') {
      const why =
        slot === 'cooldown'
          ? `${p.application}/${p.deployment} was changed less than the cooldown ago (another change went first)`
          : `the cluster had remediation.max_per_hour (${ctx.settings.max_per_hour}) changes in the last hour`;
      throw new PermanentFailure(why);
    }
  }

  const putAtMs = ctx.clock.now();
  // Recorded before the PUT: after a crash, the next run knows a PUT may have gone out and has
  // the config to roll back to.
  await ctx.store.update(p.id, { lastGood, putAtMs });
  rec = { ...rec, lastGood, putAtMs };
  await ctx.hooks.beforePut?.(p.id);
  await ctx.serveApi.putApplications(plan.body);
  await ctx.hooks.afterPut?.(p.id);
  await record(ctx, auditOf(p, 'put', ctx.clock.now(), { detail: plan.diff.map((d) => `${d.path}: ${String(d.from ?? '(unset)')} -> ${String(d.to)}`).join('; ') }));
  if (p.kind === 'rollback') await ctx.limits.recordChange(p.application, p.deployment, p.id, putAtMs, p.bounds.cooldownMs);
  return finishRollout(ctx, rec);
}

/**
 * The alert's signal at the change, for the verification: read after the PUT, not before, so
 * it never delays the PUT (Serve metrics lag ~10 s, so it still shows the state before).
 */
async function ensureBaseline(ctx: RemediationContext, rec: ProposalRecord): Promise<void> {
  if (rec.baseline || rec.proposal.kind !== 'fix') return;
  const baseline = await readSignal(ctx.queryEngine, rec.proposal, rec.putAtMs ?? ctx.clock.now(), ctx.logger);
  await ctx.store.update(rec.proposal.id, { baseline });
}

/** Waits for the rollout and reports: applied (then verification), rolled back, or stuck. */
async function finishRollout(ctx: RemediationContext, rec: ProposalRecord): Promise<ApplyOutcome> {
  const p = rec.proposal;
  await ensureBaseline(ctx, rec);
  const outcome = await waitForRollout(ctx, p.application, [{ deployment: p.deployment, path: p.field, value: p.to }]);
  const now = ctx.clock.now();
  if (outcome.state === 'running') {
    const final = p.kind === 'rollback' ? 'verified' : 'applied';
    await ctx.store.transition(p.id, ['applying'], final, { appliedAtMs: now, outcome: 'applied' });
    await record(ctx, auditOf(p, 'applied', now, { result: 'RUNNING', detail: `after ${Math.round(outcome.tookMs / 1000)} s` }));
    tell(ctx, p.threadKey, renderApplied(p, outcome.tookMs, p.kind === 'fix' ? ctx.settings.verification_window : undefined));
    refreshProposalMessage(ctx, { ...rec, state: final });
    if (p.kind === 'fix') await ctx.enqueueVerify({ proposalId: p.id });
    return 'applied';
  }
  if (outcome.state === 'timeout') {
    await ctx.store.transition(p.id, ['applying'], 'failed', { outcome: `still ${outcome.status}` });
    await record(ctx, auditOf(p, 'failed', now, { result: 'timeout', detail: `still ${outcome.status} after ${Math.round(outcome.tookMs / 1000)} s` }));
    tell(ctx, p.threadKey, renderRolloutTimeout(p, outcome.tookMs, outcome.status));
    refreshProposalMessage(ctx, { ...rec, state: 'failed' }, `Still ${outcome.status}: not rolled back automatically.`);
    return 'timeout';
  }
  const failure = { status: outcome.status, message: rayMessageSummary(outcome.message) };
  const report = await rollBack(ctx, rec, failure);
  const state = report.rolledBack ? 'rolled_back' : 'failed';
  await ctx.store.transition(p.id, ['applying'], state, { outcome: `${failure.status}; ${report.rolledBack ? 'rolled back' : `rollback failed: ${report.rollbackError ?? ''}`}` });
  await record(ctx, auditOf(p, state, ctx.clock.now(), { result: failure.status, detail: report.rolledBack ? `${failure.message}; last good config restored` : `${failure.message}; rollback failed: ${report.rollbackError ?? ''}` }));
  tell(ctx, p.threadKey, renderRolledBack(p, report));
  refreshProposalMessage(ctx, { ...rec, state });
  return report.rolledBack ? 'rolled_back' : 'failed';
}

/** The config moved under the proposal: nothing is applied, the change is recomputed and proposed again. */
async function supersede(ctx: RemediationContext, rec: ProposalRecord, details: ServeInstanceDetails): Promise<ApplyOutcome> {
  const p = rec.proposal;
  const t = await ctx.store.transition(p.id, ['applying'], 'superseded', { outcome: 'config changed before the PUT' });
  if (!t.ok) return 'already_done';
  await record(ctx, auditOf(p, 'superseded', ctx.clock.now(), { detail: 'the Serve config changed between the approval and the PUT; nothing was sent' }));
  refreshProposalMessage(ctx, { ...rec, state: 'superseded' });
  await recompute(ctx, { ...rec, state: 'superseded' }, 'superseded', details);
  return 'superseded';
}

/**
 * The end of a job that will not be retried: the proposal becomes `failed`, and the reason goes
 * to the thread (Ray's message for a 400; the RAY_DASHBOARD_TOKEN hint for 401/403).
 */
export async function reportFailure(ctx: RemediationContext, p: Proposal, reason: string, notApplied: boolean): Promise<void> {
  const t = await ctx.store.transition(p.id, ['approved', 'applying'], 'failed', { outcome: reason });
  // A change Ray refused (or a guardrail stopped) does not count against the cooldown or the hourly cap.
  if (notApplied && p.kind === 'fix') await ctx.limits.release(p.id, p.application, p.deployment);
  await record(ctx, auditOf(p, 'failed', ctx.clock.now(), { result: 'not applied', detail: reason }));
  tell(ctx, p.threadKey, renderApplyFailed(p, reason));
  if (t.ok) {
    const rec = await ctx.store.get(p.id);
    if (rec) refreshProposalMessage(ctx, rec, reason);
  }
}

/** Errors after which the cluster certainly did not take the change. */
export function certainlyNotApplied(err: unknown): boolean {
  return err instanceof PermanentFailure || (err instanceof ServeMedicError && err.code !== 'SERVE_API_UNAVAILABLE');
}

/** Whether an error from a job should be retried by BullMQ. */
export function isRetryable(err: unknown): boolean {
  return err instanceof ServeMedicError && err.retryable;
}
