import type { Proposal } from './proposal.js';

/**
 * One line of the audit trail (Redis stream `<prefix>:audit`, mirrored in the thread and listed
 * by `/serve-medic history`): who, when, what, before and after, result.
 */
export type AuditType =
  | 'proposed'
  | 'not_proposed'
  | 'approve_click'
  | 'reject_click'
  | 'refused_click'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'superseded'
  | 'put'
  | 'already_in_place'
  | 'applied'
  | 'dry_run'
  | 'failed'
  | 'rolled_back'
  | 'verified'
  | 'error';

export interface AuditEntry {
  readonly atMs: number;
  readonly type: AuditType;
  readonly cluster: string;
  readonly proposalId?: string;
  readonly kind?: Proposal['kind'];
  readonly application?: string;
  readonly deployment?: string;
  readonly field?: string;
  readonly from?: number;
  readonly to?: number;
  /** Slack user id of the person who clicked. */
  readonly user?: string;
  /** ok, refused, failed, improved, not_improved, … */
  readonly result?: string;
  readonly detail?: string;
}

/** The entry for an event about a proposal, with its what / before / after filled in. */
export function auditOf(p: Proposal, type: AuditType, atMs: number, extra: Pick<AuditEntry, 'user' | 'result' | 'detail'> = {}): AuditEntry {
  return {
    atMs,
    type,
    cluster: p.cluster,
    proposalId: p.id,
    kind: p.kind,
    application: p.application,
    deployment: p.deployment,
    field: p.field,
    from: p.from,
    to: p.to,
    ...extra,
  };
}
