import type { Approval, Proposal, ProposalState } from './proposal.js';

/**
 * Who may approve: Slack user ids (U…, W…) listed in remediation.approvers, or members of a
 * user group (S…) listed there. `membersOf` returns the members of a group, or undefined when
 * they could not be read (then the group grants nothing).
 */
export function isApprover(userId: string, approvers: readonly string[], membersOf: (groupId: string) => ReadonlySet<string> | undefined): boolean {
  if (approvers.includes(userId)) return true;
  return approvers.some((id) => id.startsWith('S') && membersOf(id)?.has(userId) === true);
}

export type ClickAction = 'approve' | 'reject';

export interface ClickInput {
  readonly action: ClickAction;
  readonly proposal: Proposal;
  readonly state: ProposalState;
  readonly approvals: readonly Approval[];
  readonly userId: string;
  readonly authorised: boolean;
  /** False when remediation.approvers is empty: nobody may approve. */
  readonly approversConfigured: boolean;
  readonly nowMs: number;
}

export type ClickDecision =
  /** Not an approver: an ephemeral refusal, logged and audited. */
  | { readonly kind: 'refuse'; readonly reason: string }
  /** Nothing to do (already decided, a double click): tell the clicker what happened. */
  | { readonly kind: 'ignore'; readonly reason: string }
  /** Past proposal_ttl: recompute instead of applying. */
  | { readonly kind: 'expired' }
  /** Two approvers needed and this is the first: record it and wait. */
  | { readonly kind: 'first_of_two'; readonly approvals: readonly Approval[] }
  /** The same person approving twice when two are needed. */
  | { readonly kind: 'same_approver' }
  | { readonly kind: 'approve'; readonly approvals: readonly Approval[] }
  | { readonly kind: 'reject' };

const DONE_TEXT: Partial<Record<ProposalState, string>> = {
  approved: 'it is already approved and queued',
  applying: 'it is already being applied',
  applied: 'it has been applied',
  verified: 'it has been applied and verified',
  rolled_back: 'it was applied and rolled back',
  failed: 'it failed; see the thread',
  rejected: 'it was rejected',
  expired: 'it expired and was recomputed; see the newer proposal in the thread',
  superseded: 'the config changed and it was recomputed; see the newer proposal in the thread',
  dry_run_done: 'its dry run was posted',
};

/**
 * What a click on Approve or Reject does, from the proposal's state: authorisation first, then
 * double clicks and late clicks, expiry, and the two-approver rule (a second, different person).
 * Pure; the caller applies the decision with a compare-and-set on the state it read.
 */
export function decideClick(c: ClickInput): ClickDecision {
  if (!c.approversConfigured) return { kind: 'refuse', reason: 'no approvers are configured (remediation.approvers / SERVE_MEDIC_APPROVERS)' };
  if (!c.authorised) return { kind: 'refuse', reason: 'you are not an approver for remediations (remediation.approvers)' };
  if (c.proposal.mode === 'kuberay') return { kind: 'ignore', reason: 'a KubeRay RayService owns this config: apply the serveConfigV2 patch shown instead' };
  if (c.state !== 'proposed' && c.state !== 'awaiting_second') {
    const by = c.approvals.length > 0 ? ` (approved by ${c.approvals.map((a) => `<@${a.user}>`).join(' and ')})` : '';
    return { kind: 'ignore', reason: `${DONE_TEXT[c.state] ?? `it is ${c.state}`}${c.state === 'approved' || c.state === 'applying' ? by : ''}` };
  }
  if (c.action === 'reject') return { kind: 'reject' };
  if (c.nowMs > c.proposal.expiresAtMs) return { kind: 'expired' };
  const approvals = [...c.approvals, { user: c.userId, atMs: c.nowMs }];
  if (c.proposal.approvalsRequired === 2) {
    if (c.approvals.some((a) => a.user === c.userId)) return { kind: 'same_approver' };
    if (c.approvals.length === 0) return { kind: 'first_of_two', approvals };
  }
  return { kind: 'approve', approvals };
}
