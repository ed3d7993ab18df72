import type { Labels } from '../labels.js';
import type { RemediationAction } from '../model/checklist.js';
import type { FieldDiff } from './plan-change.js';

/**
 * A remediation proposal: one field of one deployment to one new value, as shown in the
 * thread with Approve / Reject. It is immutable once posted; what happens to it (clicks, the
 * job, the outcome) lives next to it in the proposal store as its state.
 */
export type ProposalKind = 'fix' | 'rollback';

/**
 * apply: Approve changes the cluster. dry_run: Approve computes the exact PUT and posts its
 * diff, nothing is sent. kuberay: a RayService operator owns the config, so the proposal shows
 * the serveConfigV2 patch to apply instead and has no Approve button.
 */
export type ProposalMode = 'apply' | 'dry_run' | 'kuberay';

export type ProposalState =
  /** Posted, waiting for a click. */
  | 'proposed'
  /** Two approvers required: one approved, waiting for a different second one. */
  | 'awaiting_second'
  /** Approved; the job is queued. */
  | 'approved'
  /** The job runs (it may have PUT already: see the record's putAtMs). */
  | 'applying'
  /** The change is in force and the app RUNNING; verification follows. */
  | 'applied'
  /** Verification reported (improved or not); a rollback can be proposed from here. */
  | 'verified'
  /** The app failed with the change and the last good config was put back. */
  | 'rolled_back'
  /** The job gave up (Ray refused, unreachable, a guardrail at apply time, rollback failed). */
  | 'failed'
  | 'rejected'
  /** Clicked after proposal_ttl: replaced by a recomputed proposal. */
  | 'expired'
  /** The cluster's config changed since the proposal: replaced by a recomputed proposal. */
  | 'superseded'
  /** Dry run: the diff was posted, nothing changed. */
  | 'dry_run_done';

/** States after which nothing more happens to a proposal. */
export const FINAL_STATES: ReadonlySet<ProposalState> = new Set(['verified', 'rolled_back', 'failed', 'rejected', 'expired', 'superseded', 'dry_run_done']);

/** States in which a click can still approve or reject. */
export const OPEN_STATES: readonly ProposalState[] = ['proposed', 'awaiting_second'];

export interface Approval {
  readonly user: string;
  readonly atMs: number;
}

/** What raised the incident: used to verify the fix against the same signal. */
export interface ProposalTrigger {
  readonly alertName: string;
  readonly alertFingerprint: string;
  /** The alert's identifying labels (application, deployment, …). */
  readonly labels: Labels;
  /** The alert rule's expression, when known (Alertmanager alerts may not have one). */
  readonly expr?: string;
}

export interface ProposalBounds {
  readonly ceiling: number;
  readonly maxStep: number;
  readonly cooldownMs: number;
}

/** The patch to apply to a KubeRay RayService instead of a REST change. */
export interface KubeRayPatch {
  readonly namespace: string;
  readonly rayservice: string;
  /** A merge patch: `spec.serveConfigV2` with the changed config (YAML). */
  readonly patchYaml: string;
  readonly command: string;
}

export interface Proposal {
  /** Derived from what it proposes (see proposalId): the BullMQ job id is `apply-<id>`. */
  readonly id: string;
  readonly kind: ProposalKind;
  readonly mode: ProposalMode;
  readonly cluster: string;
  readonly threadKey: string;
  /** 1 for the first proposal of a thread's change; +1 for each recomputation. */
  readonly revision: number;
  /** The proposal this one replaces (expired or superseded). */
  readonly supersedes?: string;
  /** For a rollback: the proposal whose change it undoes. */
  readonly rollbackOf?: string;
  readonly application: string;
  readonly deployment: string;
  readonly action: RemediationAction;
  /** "autoscaling_config.max_replicas", "num_replicas", "max_ongoing_requests". */
  readonly field: string;
  readonly from: number;
  readonly to: number;
  /** Why: the checklist item. */
  readonly checklistId: string;
  readonly checklistTitle?: string;
  readonly expectedEffect: string;
  readonly bounds: ProposalBounds;
  readonly maxPerHour: number;
  readonly warnings: readonly string[];
  readonly restartsApp: boolean;
  /** The exact PUT diff against the config the proposal was computed from. */
  readonly diff: readonly FieldDiff[];
  /** configFingerprint of the GET the proposal was computed from (compare-and-set). */
  readonly configFingerprint: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly approvalsRequired: 1 | 2;
  readonly trigger?: ProposalTrigger;
  readonly kuberay?: KubeRayPatch;
}

/** The short name of a field for humans: "max_replicas", "num_replicas". */
export function shortField(field: string): string {
  return field.replace(/^autoscaling_config\./, '');
}

/** "embeddings/Embedder max_replicas 3 -> 6" */
export function describeChange(p: Pick<Proposal, 'application' | 'deployment' | 'field' | 'from' | 'to'>, arrow = '→'): string {
  return `${p.application}/${p.deployment} ${shortField(p.field)} ${p.from} ${arrow} ${p.to}`;
}

/** BullMQ job ids may not contain ':' (BullMQ 5 reserves it), hence the dash. */
export function applyJobId(proposalId: string): string {
  return `apply-${proposalId}`;
}

export function verifyJobId(proposalId: string): string {
  return `verify-${proposalId}`;
}
