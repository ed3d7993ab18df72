import type { ProposalRecord } from '../../adapters/redis/proposal-store.js';
import type { Alert } from '../../core/model/alert.js';
import type { Diagnosis } from '../../core/model/diagnosis.js';
import type { AlertRule } from '../../core/model/rule.js';
import { auditOf } from '../../core/remediation/audit-entry.js';
import { buildPutBody } from '../../core/remediation/build-put-body.js';
import type { BuildProposalResult, ProposalSeed } from '../../core/remediation/build-proposal.js';
import { buildProposal, seedOf } from '../../core/remediation/build-proposal.js';
import { diffBodies } from '../../core/remediation/diff-bodies.js';
import type { Proposal, ProposalKind, ProposalTrigger } from '../../core/remediation/proposal.js';
import type { ServeInstanceDetails } from '../../core/serve/serve-types.js';
import { renderProposal } from '../../core/slack-render/render-proposal.js';
import { renderNotProposed, renderNotRecomputed, renderRecomputed } from '../../core/slack-render/render-remediation-replies.js';
import { describeError } from '../../errors.js';
import type { RemediationContext } from './remediation-context.js';
import { post, record, tell } from './remediation-context.js';

/** Labels that identify the workload an alert is about (the rest are per-process noise). */
const IDENTITY = ['application', 'deployment', 'route', 'app_name'];

/** The alert's expression: its rule's, or (Alertmanager) the one in its generator URL. */
function exprOf(alert: Alert, rules: readonly AlertRule[]): string | undefined {
  const rule = rules.find((r) => r.alert === alert.name);
  if (rule) return rule.expr;
  if (!alert.generatorUrl) return undefined;
  try {
    return new URL(alert.generatorUrl).searchParams.get('g0.expr') ?? undefined;
  } catch {
    return undefined;
  }
}

/** The trigger of a proposal: the alert and the expression to verify the fix against. */
export function triggerOf(alert: Alert, rules: readonly AlertRule[]): ProposalTrigger {
  const labels = Object.fromEntries(IDENTITY.filter((k) => alert.labels[k] !== undefined).map((k) => [k, alert.labels[k]!]));
  const expr = exprOf(alert, rules);
  return { alertName: alert.name, alertFingerprint: alert.fingerprint, labels, ...(expr ? { expr } : {}) };
}

export interface ProposeRequest {
  readonly seed: ProposalSeed;
  readonly kind: ProposalKind;
  readonly threadKey: string;
  readonly trigger?: ProposalTrigger;
  readonly revision?: number;
  readonly supersedes?: string;
  readonly rollbackOf?: string;
  /** Use this GET instead of reading the API again. */
  readonly details?: ServeInstanceDetails;
}

/** Builds a proposal against the config the cluster runs now; stores nothing. */
export async function computeProposal(ctx: RemediationContext, req: ProposeRequest): Promise<{ result: BuildProposalResult; details: ServeInstanceDetails }> {
  const details = req.details ?? (await ctx.serveApi.getApplications());
  const nowMs = ctx.clock.now();
  const recent = req.kind === 'fix' ? await ctx.limits.recent(req.seed.application, req.seed.deployment, nowMs) : { changesInLastHour: 0 };
  const result = buildProposal({
    seed: req.seed,
    kind: req.kind,
    details,
    settings: ctx.settings,
    recent,
    cluster: ctx.cluster,
    threadKey: req.threadKey,
    nowMs,
    ...(req.revision !== undefined ? { revision: req.revision } : {}),
    ...(req.supersedes ? { supersedes: req.supersedes } : {}),
    ...(req.rollbackOf ? { rollbackOf: req.rollbackOf } : {}),
    ...(req.trigger ? { trigger: req.trigger } : {}),
  });
  return { result, details };
}

const NO_APPROVERS = 'Nobody can approve this yet: set remediation.approvers (SERVE_MEDIC_APPROVERS) to Slack user ids (U…) or user groups (S…).';
const noApprovers = (ctx: RemediationContext, p: Proposal) => p.mode !== 'kuberay' && ctx.settings.approvers.length === 0;

/**
 * Stores a new proposal (once: its id is derived from what it proposes) and posts it in the
 * thread. Returns false when another instance or an earlier call already did.
 */
export async function postProposal(ctx: RemediationContext, proposal: Proposal, details: ServeInstanceDetails): Promise<boolean> {
  const created = await ctx.store.create(proposal, { baseBody: buildPutBody(details) });
  if (!created) return false;
  await record(ctx, auditOf(proposal, 'proposed', ctx.clock.now(), { result: proposal.mode }));
  if (proposal.mode !== 'kuberay' && ctx.settings.approvers.length === 0) {
    ctx.logger.warn({ proposal: proposal.id }, 'a proposal was posted but nobody may approve it: remediation.approvers is empty');
  }
  // Posted in the background, like every reply: a re-proposal from the apply job must not wait
  // for Slack's pacing. A click carries the message's ts, so it works before the ts is stored.
  ctx.track(
    post(ctx, proposal.threadKey, renderProposal(proposal, { state: 'proposed', ...(noApprovers(ctx, proposal) ? { note: NO_APPROVERS } : {}) })).then(async (posted) => {
      if (posted) await ctx.store.update(proposal.id, { channel: posted.channel, messageTs: posted.ts });
      const upload = ctx.threads().uploadToThread;
      if (proposal.kuberay && upload) {
        await upload
          .call(ctx.threads(), proposal.threadKey, {
            filename: 'serve-medic-patch.yaml',
            title: `serveConfigV2 patch for ${proposal.kuberay.namespace}/${proposal.kuberay.rayservice}`,
            data: Buffer.from(proposal.kuberay.patchYaml, 'utf8'),
          })
          .catch((err: unknown) => ctx.logger.warn({ err: describeError(err) }, 'could not upload the KubeRay patch'));
      }
    }),
  );
  return true;
}

/**
 * After the diagnosis of an alert: when it carries a remediation, propose it in the alert's
 * thread (or say in the thread why not, when a guardrail or the config says no).
 */
export async function proposeFromDiagnosis(ctx: RemediationContext, alert: Alert, diagnosis: Diagnosis, threadKey: string, rules: readonly AlertRule[]): Promise<Proposal | undefined> {
  const r = diagnosis.remediation;
  if (!r) return undefined;
  const title = diagnosis.items.find((i) => i.item.id === r.checklistId)?.item.title;
  const seed: ProposalSeed = {
    action: r.action,
    application: r.application,
    deployment: r.deployment,
    to: r.to,
    checklistId: r.checklistId,
    ...(title ? { checklistTitle: title } : {}),
    expectedEffect: r.expectedEffect,
    bounds: r.bounds,
  };
  const { result, details } = await computeProposal(ctx, { seed, kind: 'fix', threadKey, trigger: triggerOf(alert, rules) });
  if ('refused' in result) {
    await record(ctx, { atMs: ctx.clock.now(), type: 'not_proposed', cluster: ctx.cluster, application: r.application, deployment: r.deployment, field: r.field, from: r.from, to: r.to, detail: result.refused });
    tell(ctx, threadKey, renderNotProposed(`${r.application}/${r.deployment}`, result.refused));
    return undefined;
  }
  return (await postProposal(ctx, result.proposal, details)) ? result.proposal : undefined;
}

/**
 * Replaces a proposal that expired or whose config moved: the same change recomputed against
 * the config the cluster runs now (new numbers, new fingerprint), posted as a new proposal.
 */
export async function recompute(ctx: RemediationContext, old: ProposalRecord, why: 'expired' | 'superseded', details?: ServeInstanceDetails): Promise<Proposal | undefined> {
  const p = old.proposal;
  try {
    const { result, details: now } = await computeProposal(ctx, {
      seed: seedOf(p),
      kind: p.kind,
      threadKey: p.threadKey,
      revision: p.revision + 1,
      supersedes: p.id,
      ...(p.rollbackOf ? { rollbackOf: p.rollbackOf } : {}),
      ...(p.trigger ? { trigger: p.trigger } : {}),
      ...(details ? { details } : {}),
    });
    const changes = why === 'superseded' && old.baseBody ? diffBodies(old.baseBody, buildPutBody(now)) : [];
    tell(ctx, p.threadKey, renderRecomputed(p, why, changes));
    if ('refused' in result) {
      tell(ctx, p.threadKey, renderNotRecomputed(p, result.refused));
      return undefined;
    }
    return (await postProposal(ctx, result.proposal, now)) ? result.proposal : undefined;
  } catch (err) {
    ctx.logger.error({ proposal: p.id, err: describeError(err) }, 'could not recompute the proposal');
    tell(ctx, p.threadKey, renderNotRecomputed(p, describeError(err)));
    return undefined;
  }
}
