import type { AuditStream } from '../../adapters/redis/audit-stream.js';
import type { ProposalRecord, ProposalStore } from '../../adapters/redis/proposal-store.js';
import type { RemediationLimits } from '../../adapters/redis/remediation-limits.js';
import type { Clock } from '../../core/clock.js';
import type { Alert } from '../../core/model/alert.js';
import type { QueryEngine } from '../../core/query/types.js';
import type { AuditEntry } from '../../core/remediation/audit-entry.js';
import type { ProposalSettings } from '../../core/remediation/build-proposal.js';
import type { ServeDeployBody, ServeInstanceDetails } from '../../core/serve/serve-types.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import { renderProposal } from '../../core/slack-render/render-proposal.js';
import { renderVerification } from '../../core/slack-render/render-remediation-replies.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';
import type { FileUpload, PostedMessage } from '../notify/message-sink.js';
import type { OwnMetrics } from '../own-metrics.js';

/** The Serve REST API as remediation uses it (ServeApiClient). */
export interface ServeApi {
  getApplications(): Promise<ServeInstanceDetails>;
  putApplications(body: ServeDeployBody): Promise<void>;
}

/** The notifier's thread API (createNotifier): replies, in-place edits, files. */
export interface ThreadPoster {
  postInThread(threadKey: string, message: SlackMessage): Promise<PostedMessage>;
  updateInThread(threadKey: string, ts: string, message: SlackMessage): Promise<void>;
  uploadToThread?(threadKey: string, file: Omit<FileUpload, 'channel' | 'threadTs'>): Promise<void>;
  threadKeyOf(alert: Alert): string;
}

/** Timing knobs; tests shorten them, production keeps the defaults. */
export interface RemediationTuning {
  /** GET interval while waiting for RUNNING. */
  readonly pollMs: number;
  /** How long a rollout may take before serve-medic reports it as stuck (and does not roll back). */
  readonly rolloutTimeoutMs: number;
  /** Attempts of an apply job when the Serve API is unreachable or answers 5xx. */
  readonly attempts: number;
  /** First retry delay; doubles each attempt. */
  readonly backoffMs: number;
  /** After re-registering autoscaling, how long to wait for its metrics before checking. */
  readonly metricsSettleMs: number;
  /** BullMQ lock and stalled-job check (a killed worker's job is taken over after about lockMs). */
  readonly lockMs: number;
  readonly stalledIntervalMs: number;
  /** Verification jobs run at once (each mostly waits). */
  readonly verifyConcurrency: number;
}

export const DEFAULT_TUNING: RemediationTuning = {
  pollMs: 2000,
  rolloutTimeoutMs: 10 * 60_000,
  attempts: 5,
  backoffMs: 2000,
  metricsSettleMs: 30_000,
  lockMs: 30_000,
  stalledIntervalMs: 15_000,
  verifyConcurrency: 16,
};

/** Test hooks at the moments a crash matters (a SIGKILL test stops the worker there). */
export interface ApplyHooks {
  /** After the first compare, before the GET that immediately precedes the PUT. */
  readonly beforeFinalCheck?: (proposalId: string) => Promise<void>;
  readonly beforePut?: (proposalId: string) => Promise<void>;
  readonly afterPut?: (proposalId: string) => Promise<void>;
}

export interface RemediationSettings extends ProposalSettings {
  readonly approvers: readonly string[];
  /** Milliseconds. */
  readonly verification_window: number;
}

export interface VerifyJobData {
  readonly proposalId: string;
}

/** What the proposal, click, apply and verify steps share. */
export interface RemediationContext {
  readonly cluster: string;
  readonly settings: RemediationSettings;
  readonly serveApi: ServeApi;
  readonly queryEngine: QueryEngine;
  readonly store: ProposalStore;
  readonly audit: AuditStream;
  readonly limits: RemediationLimits;
  readonly threads: () => ThreadPoster;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly metrics?: Pick<OwnMetrics, 'remediations' | 'remediationQueueDepth'>;
  readonly tuning: RemediationTuning;
  readonly hooks: ApplyHooks;
  enqueueApply(proposalId: string): Promise<void>;
  enqueueVerify(data: VerifyJobData): Promise<void>;
  /** Keeps a started side effect (a Slack post) for idle()/stop(); its errors are handled by it. */
  track(work: Promise<unknown>): void;
}

/** One audit entry: the stream, the log, and the outcome counter. Never throws. */
export async function record(ctx: RemediationContext, entry: AuditEntry): Promise<void> {
  ctx.logger.info({ audit: entry }, `remediation ${entry.type}`);
  const outcome = OUTCOME_METRIC[entry.type];
  if (outcome) ctx.metrics?.remediations.inc({ outcome });
  try {
    await ctx.audit.append(entry);
  } catch (err) {
    ctx.logger.error({ err: describeError(err), audit: entry }, 'could not write the audit entry to Redis');
  }
}

const OUTCOME_METRIC: Partial<Record<AuditEntry['type'], string>> = {
  proposed: 'proposed',
  approved: 'approved',
  rejected: 'rejected',
  applied: 'applied',
  failed: 'failed',
  rolled_back: 'rolled_back',
  dry_run: 'dry_run',
  expired: 'expired',
  refused_click: 'refused',
};

/** A reply in the proposal's thread, awaited (for its ts). Never throws: the outcome is in Redis and the log already. */
export async function post(ctx: RemediationContext, threadKey: string, message: SlackMessage): Promise<PostedMessage | undefined> {
  try {
    return await ctx.threads().postInThread(threadKey, message);
  } catch (err) {
    ctx.logger.error({ threadKey, err: describeError(err), text: message.text }, 'could not post a remediation reply');
    return undefined;
  }
}

/**
 * A reply in the thread, not awaited: Slack's pacing (one message per second per channel by
 * default) must never hold a click or a job, least of all the apply worker, which changes one
 * cluster at a time. The notifier's per-channel queue keeps the replies in the order they were
 * started.
 */
export function tell(ctx: RemediationContext, threadKey: string, message: SlackMessage): void {
  ctx.track(post(ctx, threadKey, message));
}

/** Re-renders the proposal message from its stored state (buttons gone once decided); not awaited. */
export function refreshProposalMessage(ctx: RemediationContext, rec: ProposalRecord, note?: string): void {
  ctx.track(updateProposalMessage(ctx, rec, note));
}

async function updateProposalMessage(ctx: RemediationContext, rec: ProposalRecord, note?: string): Promise<void> {
  if (!rec.messageTs) return;
  try {
    await ctx.threads().updateInThread(rec.proposal.threadKey, rec.messageTs, await renderRecordMessage(ctx, rec, note));
  } catch (err) {
    ctx.logger.warn({ proposal: rec.proposal.id, err: describeError(err) }, 'could not update the proposal message');
  }
}

/**
 * The message a proposal lives in, rendered for its state: its own proposal message, or — for a
 * rollback offered under a verification — that verification with the rollback's state.
 */
export async function renderRecordMessage(ctx: RemediationContext, rec: ProposalRecord, note?: string): Promise<SlackMessage> {
  const status = { state: rec.state, approvals: rec.approvals, ...(rec.decidedBy ? { by: rec.decidedBy } : {}), ...(note ? { note } : {}) };
  if (rec.verdict && rec.proposal.rollbackOf) {
    const fix = await ctx.store.get(rec.proposal.rollbackOf);
    if (fix) return renderVerification(fix.proposal, rec.verdict, rec.proposal, undefined, status);
  }
  return renderProposal(rec.proposal, status);
}
