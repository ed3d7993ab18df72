import { createHash } from 'node:crypto';
import type { RemediationAction } from '../model/checklist.js';
import type { ServeInstanceDetails } from '../serve/serve-types.js';
import { isServeMedicError } from '../../errors.js';
import { buildPutBody } from './build-put-body.js';
import type { GuardrailSettings, RecentChanges } from './check-guardrails.js';
import { checkGuardrails, effectiveBounds, stepLimit } from './check-guardrails.js';
import { configFingerprint } from './config-fingerprint.js';
import { ACTION_FIELD, effectiveValue } from './current-value.js';
import { diffBodies } from './diff-bodies.js';
import { renderKubeRayPatch } from './kuberay-patch.js';
import { planChange } from './plan-change.js';
import type { Proposal, ProposalBounds, ProposalKind, ProposalTrigger } from './proposal.js';

/** What to propose: a diagnosis's SuggestedRemediation, or a previous proposal recomputed. */
export interface ProposalSeed {
  readonly action: RemediationAction;
  readonly application: string;
  readonly deployment: string;
  /** The value asked for; recomputed (one step, within the ceiling) when it no longer fits. */
  readonly to: number;
  readonly checklistId: string;
  readonly checklistTitle?: string;
  readonly expectedEffect: string;
  readonly bounds: ProposalBounds;
}

export interface ProposalSettings extends GuardrailSettings {
  readonly dry_run: boolean;
  /** Milliseconds. */
  readonly proposal_ttl: number;
  readonly require_two_approvers: boolean;
  readonly kuberay?: { readonly namespace: string; readonly rayservice: string };
}

export interface BuildProposalInput {
  readonly seed: ProposalSeed;
  readonly kind: ProposalKind;
  readonly details: ServeInstanceDetails;
  readonly settings: ProposalSettings;
  readonly recent: RecentChanges;
  readonly cluster: string;
  readonly threadKey: string;
  readonly revision?: number;
  readonly supersedes?: string;
  readonly rollbackOf?: string;
  readonly trigger?: ProposalTrigger;
  readonly loggingConfig?: Record<string, unknown> | null;
  readonly nowMs: number;
}

export type BuildProposalResult = { readonly proposal: Proposal } | { readonly refused: string };

/**
 * Deterministic: the same change proposed from the same config in the same thread gets the same
 * id, so two instances, a retried diagnosis or a double post create one proposal.
 */
export function proposalId(parts: {
  cluster: string;
  threadKey: string;
  kind: ProposalKind;
  application: string;
  deployment: string;
  field: string;
  from: number;
  to: number;
  configFingerprint: string;
  revision: number;
}): string {
  const text = [parts.cluster, parts.threadKey, parts.kind, parts.application, parts.deployment, parts.field, parts.from, parts.to, parts.configFingerprint, parts.revision].join('\u0000');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Builds the proposal for a seed against the config the cluster runs now: the value now, the
 * new value (the seed's if it still fits the bounds, else one step within the ceiling), the
 * guardrails, the exact PUT body and its diff, the fingerprint for compare-and-set, and the
 * mode (apply, dry run, or a KubeRay patch). Refuses, with the reason, rather than propose
 * what could not be applied.
 */
export function buildProposal(input: BuildProposalInput): BuildProposalResult {
  const { seed, details, settings, kind } = input;
  const { application, deployment, action } = seed;
  const key = `${application}/${deployment}`;
  const from = effectiveValue(details, application, deployment, action);
  if (from === undefined) {
    const status = details.applications?.[application]?.status ?? 'missing';
    return { refused: `the config of ${key} is not visible in the Serve API (application ${status}); no change while it is unknown` };
  }
  const bounds = effectiveBounds(action, key, seed.bounds, settings);
  let to = seed.to;
  if (kind === 'fix') {
    if (!(to > from && to <= stepLimit(from, bounds.maxStep) && to <= bounds.ceiling)) to = Math.min(stepLimit(from, bounds.maxStep), bounds.ceiling);
    if (to <= from) return { refused: `${ACTION_FIELD[action]} of ${key} is already ${from}, at the ceiling of ${bounds.ceiling}` };
    const blocked = checkGuardrails({ action, application, deployment, from, to, bounds, settings, recent: input.recent, nowMs: input.nowMs });
    if (blocked) return { refused: blocked };
  } else if (to === from) {
    return { refused: `${ACTION_FIELD[action]} of ${key} is already ${from}: nothing to roll back` };
  }

  let plan;
  try {
    plan = planChange(details, { application, deployment, action, to }, {
      ...(input.loggingConfig !== undefined ? { loggingConfig: input.loggingConfig } : {}),
      allowDecrease: kind === 'rollback',
    });
  } catch (err) {
    if (isServeMedicError(err, 'REMEDIATION_REFUSED') || isServeMedicError(err, 'SERVE_CONFIG_INVALID')) return { refused: err.message };
    throw err;
  }
  const base = buildPutBody(details, input.loggingConfig !== undefined ? { loggingConfig: input.loggingConfig } : {});
  const fingerprint = configFingerprint(details);
  const revision = input.revision ?? 1;
  const id = proposalId({ cluster: input.cluster, threadKey: input.threadKey, kind, application, deployment, field: plan.field, from, to, configFingerprint: fingerprint, revision });
  const kuberay = settings.kuberay ? renderKubeRayPatch(plan.body, settings.kuberay) : undefined;
  const proposal: Proposal = {
    id,
    kind,
    mode: kuberay ? 'kuberay' : settings.dry_run ? 'dry_run' : 'apply',
    cluster: input.cluster,
    threadKey: input.threadKey,
    revision,
    ...(input.supersedes ? { supersedes: input.supersedes } : {}),
    ...(input.rollbackOf ? { rollbackOf: input.rollbackOf } : {}),
    application,
    deployment,
    action,
    field: plan.field,
    from,
    to,
    checklistId: seed.checklistId,
    ...(seed.checklistTitle ? { checklistTitle: seed.checklistTitle } : {}),
    expectedEffect: seed.expectedEffect,
    bounds,
    maxPerHour: settings.max_per_hour,
    warnings: plan.warnings,
    restartsApp: plan.restartsApp,
    diff: diffBodies(base, plan.body),
    configFingerprint: fingerprint,
    createdAtMs: input.nowMs,
    expiresAtMs: input.nowMs + settings.proposal_ttl,
    approvalsRequired: settings.require_two_approvers ? 2 : 1,
    ...(input.trigger ? { trigger: input.trigger } : {}),
    ...(kuberay ? { kuberay } : {}),
  };
  return { proposal };
}

/** The seed that recomputes a proposal (after it expired or the config changed under it). */
export function seedOf(p: Proposal): ProposalSeed {
  return {
    action: p.action,
    application: p.application,
    deployment: p.deployment,
    to: p.to,
    checklistId: p.checklistId,
    ...(p.checklistTitle ? { checklistTitle: p.checklistTitle } : {}),
    expectedEffect: p.expectedEffect,
    bounds: p.bounds,
  };
}

/** The seed of the rollback of an applied fix: the same field back to its value before. */
export function rollbackSeed(p: Proposal): ProposalSeed {
  return {
    ...seedOf(p),
    to: p.from,
    expectedEffect: `${ACTION_FIELD[p.action].replace(/^autoscaling_config\./, '')} goes back to ${p.from}, the value before serve-medic changed it`,
  };
}
