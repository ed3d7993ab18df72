import type { ProposalRecord } from '../../adapters/redis/proposal-store.js';
import type { ApproverDirectory, UsergroupsClient } from '../../adapters/slack/approver-directory.js';
import { messageArgs } from '../../adapters/slack/slack-web-api.js';
import { auditOf } from '../../core/remediation/audit-entry.js';
import { configFingerprint } from '../../core/remediation/config-fingerprint.js';
import type { ClickAction, ClickDecision } from '../../core/remediation/decide-click.js';
import { decideClick } from '../../core/remediation/decide-click.js';
import type { ProposalState } from '../../core/remediation/proposal.js';
import type { ServeInstanceDetails } from '../../core/serve/serve-types.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import {
  renderApprovedReply,
  renderEphemeral,
  renderFirstApproval,
  renderRefusedClickReply,
  renderRejectedReply,
} from '../../core/slack-render/render-remediation-replies.js';
import { describeError } from '../../errors.js';
import { recompute } from './propose.js';
import type { RemediationContext } from './remediation-context.js';
import { record, renderRecordMessage, tell } from './remediation-context.js';

/** The Web API calls a click makes, through the Bolt listener's client. */
export interface ClickClient extends UsergroupsClient {
  chat: {
    update(args: Record<string, unknown> & { channel: string; ts: string }): Promise<unknown>;
    postEphemeral(args: Record<string, unknown> & { channel: string; user: string; text: string }): Promise<unknown>;
  };
}

export interface Click {
  readonly action: ClickAction;
  readonly proposalId: string;
  readonly userId: string;
  /** Where the clicked message is (from the payload). */
  readonly channel?: string;
  readonly messageTs?: string;
  readonly threadTs?: string;
  readonly client?: ClickClient;
}

export type ClickOutcome = ClickDecision['kind'] | 'unknown_proposal' | 'superseded' | 'lost_race';

/**
 * One click on Approve / Reject, after Bolt acked it: authorise, decide from the state, move the
 * state by compare-and-set, enqueue (job id from the proposal: a second enqueue is a no-op),
 * update the proposal message at once, and leave an audit entry and a thread reply.
 */
export async function handleClick(ctx: RemediationContext, approvers: ApproverDirectory, click: Click): Promise<ClickOutcome> {
  let rec = await ctx.store.get(click.proposalId);
  if (!rec) {
    await ephemeral(ctx, click, 'This proposal is no longer known to serve-medic (it may have been kept past its retention). Ask for a new diagnosis.');
    return 'unknown_proposal';
  }
  const authorised = await approvers.isApprover(click.userId, click.client);
  // A lost compare-and-set means someone else moved the state meanwhile: decide again on the new state.
  for (let round = 0; round < 3; round++) {
    const decision = decideClick({
      action: click.action,
      proposal: rec.proposal,
      state: rec.state,
      approvals: rec.approvals,
      userId: click.userId,
      authorised,
      approversConfigured: approvers.configured,
      nowMs: ctx.clock.now(),
    });
    const done = await carryOut(ctx, rec, click, decision);
    if (done !== 'lost_race') return done;
    const again = await ctx.store.get(click.proposalId);
    if (!again) return 'unknown_proposal';
    rec = again;
  }
  return 'lost_race';
}

async function carryOut(ctx: RemediationContext, rec: ProposalRecord, click: Click, d: ClickDecision): Promise<ClickOutcome> {
  const p = rec.proposal;
  const now = ctx.clock.now();
  const from: ProposalState[] = [rec.state];
  switch (d.kind) {
    case 'refuse':
      ctx.logger.warn({ proposal: p.id, user: click.userId, action: click.action }, 'refused a remediation click from someone who is not an approver');
      tell(ctx, p.threadKey, renderRefusedClickReply(p, click.userId, click.action, d.reason));
      await Promise.all([
        ephemeral(ctx, click, `🙅 ${d.reason}. Nothing was changed.`),
        record(ctx, auditOf(p, 'refused_click', now, { user: click.userId, result: 'refused', detail: `${click.action}: ${d.reason}` })),
      ]);
      return d.kind;
    case 'ignore':
      await ephemeral(ctx, click, `Nothing to do: ${d.reason}.`);
      return d.kind;
    case 'same_approver':
      await ephemeral(ctx, click, 'You already approved this one; two different approvers are required (remediation.require_two_approvers).');
      return d.kind;
    case 'reject': {
      const t = await ctx.store.transition(p.id, from, 'rejected', { decidedBy: click.userId });
      if (!t.ok) return 'lost_race';
      tell(ctx, p.threadKey, renderRejectedReply(p, click.userId));
      await Promise.all([
        updateMessage(ctx, click, { ...rec, state: 'rejected', decidedBy: click.userId }),
        record(ctx, auditOf(p, 'reject_click', now, { user: click.userId })),
        record(ctx, auditOf(p, 'rejected', now, { user: click.userId, result: 'rejected' })),
      ]);
      return d.kind;
    }
    case 'expired': {
      const t = await ctx.store.transition(p.id, from, 'expired');
      if (!t.ok) return 'lost_race';
      await Promise.all([
        updateMessage(ctx, click, { ...rec, state: 'expired' }),
        record(ctx, auditOf(p, 'expired', now, { user: click.userId, detail: 'clicked after proposal_ttl; recomputed' })),
        ephemeral(ctx, click, 'This proposal expired: it is being recomputed against the current config. Approve the new one if it still makes sense.'),
      ]);
      await recompute(ctx, { ...rec, state: 'expired' }, 'expired');
      return d.kind;
    }
    case 'first_of_two': {
      const t = await ctx.store.transition(p.id, from, 'awaiting_second', { approvals: d.approvals });
      if (!t.ok) return 'lost_race';
      tell(ctx, p.threadKey, renderFirstApproval(p, click.userId));
      await Promise.all([
        updateMessage(ctx, click, { ...rec, state: 'awaiting_second', approvals: d.approvals }),
        record(ctx, auditOf(p, 'approve_click', now, { user: click.userId, result: '1 of 2' })),
      ]);
      return d.kind;
    }
    case 'approve':
      return approve(ctx, rec, click, d.approvals);
  }
}

async function approve(ctx: RemediationContext, rec: ProposalRecord, click: Click, approvals: ProposalRecord['approvals']): Promise<ClickOutcome> {
  const p = rec.proposal;
  // Compare-and-set, first half: a config that moved since the proposal voids it. A GET that
  // fails does not block the approval; the job compares again just before its PUT.
  let details: ServeInstanceDetails | undefined;
  try {
    details = await ctx.serveApi.getApplications();
  } catch (err) {
    ctx.logger.warn({ proposal: p.id, err: describeError(err) }, 'could not read the Serve config at approval; the job checks it before the PUT');
  }
  if (details && configFingerprint(details) !== p.configFingerprint) {
    const t = await ctx.store.transition(p.id, [rec.state], 'superseded');
    if (!t.ok) return 'lost_race';
    await Promise.all([
      updateMessage(ctx, click, { ...rec, state: 'superseded' }),
      record(ctx, auditOf(p, 'superseded', ctx.clock.now(), { user: click.userId, detail: 'the Serve config changed between the proposal and the approval' })),
      ephemeral(ctx, click, 'The Serve config changed since this proposal was made, so it was not applied. A recomputed proposal follows in the thread.'),
    ]);
    await recompute(ctx, { ...rec, state: 'superseded' }, 'superseded', details);
    return 'superseded';
  }
  const t = await ctx.store.transition(p.id, [rec.state], 'approved', { approvals });
  if (!t.ok) return 'lost_race';
  const now = ctx.clock.now();
  // The job first: the message edit, the audit and the reply run alongside and never delay the PUT.
  const job = ctx.enqueueApply(p.id);
  tell(
    ctx,
    p.threadKey,
    renderApprovedReply(
      p,
      approvals.map((a) => a.user),
    ),
  );
  await Promise.all([
    job,
    updateMessage(ctx, click, { ...rec, state: 'approved', approvals }),
    record(ctx, auditOf(p, 'approve_click', now, { user: click.userId })),
    record(ctx, auditOf(p, 'approved', now, { user: click.userId, ...(approvals.length > 1 ? { detail: `second approver; first: ${approvals[0]!.user}` } : {}) })),
  ]);
  return 'approve';
}

/** The proposal message, re-rendered in place at once through the clicker's Web API client. */
async function updateMessage(ctx: RemediationContext, click: Click, rec: ProposalRecord): Promise<void> {
  const message = await renderRecordMessage(ctx, rec);
  const channel = click.channel ?? rec.channel;
  const ts = click.messageTs ?? rec.messageTs;
  if (click.client && channel && ts) {
    try {
      await click.client.chat.update({ channel, ts, ...(messageArgs(message) as { text: string }) });
      return;
    } catch (err) {
      ctx.logger.warn({ proposal: rec.proposal.id, err: describeError(err) }, 'chat.update failed; queueing the update');
    }
  }
  if (ts) await ctx.threads().updateInThread(rec.proposal.threadKey, ts, message).catch((err: unknown) => ctx.logger.warn({ err: describeError(err) }, 'could not update the proposal message'));
}

async function ephemeral(ctx: RemediationContext, click: Click, text: string): Promise<void> {
  if (!click.client || !click.channel) {
    ctx.logger.info({ user: click.userId, text }, 'remediation click answer (no channel to answer in)');
    return;
  }
  const m: SlackMessage = renderEphemeral(text);
  try {
    await click.client.chat.postEphemeral({ channel: click.channel, user: click.userId, ...(click.threadTs ? { thread_ts: click.threadTs } : {}), ...(messageArgs(m) as { text: string }) });
  } catch (err) {
    ctx.logger.warn({ user: click.userId, err: describeError(err) }, 'could not send the ephemeral answer');
  }
}
