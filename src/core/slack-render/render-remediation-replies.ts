import { humanizeDuration } from '../duration.js';
import type { FieldDiff } from '../remediation/plan-change.js';
import type { Proposal } from '../remediation/proposal.js';
import { describeChange } from '../remediation/proposal.js';
import type { VerificationVerdict } from '../remediation/verification.js';
import type { Block, SlackMessage } from './blocks.js';
import { bullets, code, context, escapeMrkdwn, section } from './blocks.js';
import type { ProposalStatus } from './render-proposal.js';
import { diffLines, proposalButtons } from './render-proposal.js';

/**
 * The short replies that follow a proposal in its thread: every click and every outcome, so the
 * thread is the audit trail a person reads (the Redis stream is the one a tool reads).
 */
function reply(text: string, blocks?: Block[]): SlackMessage {
  return { text: text.replace(/<@([A-Z0-9]+)>/g, '@$1').replace(/\*/g, ''), blocks: blocks ?? [section(text)] };
}

const what = (p: Proposal) => escapeMrkdwn(describeChange(p));

export function renderFirstApproval(p: Proposal, user: string): SlackMessage {
  return reply(`🗳️ <@${user}> approved *${what(p)}* (1 of 2): a second, different approver is needed`);
}

export function renderApprovedReply(p: Proposal, users: readonly string[]): SlackMessage {
  const verb = p.mode === 'dry_run' ? 'approved the dry run of' : p.kind === 'rollback' ? 'approved the rollback' : 'approved';
  return reply(`✅ ${users.map((u) => `<@${u}>`).join(' and ')} ${verb} *${what(p)}* — applying`);
}

export function renderRejectedReply(p: Proposal, user: string): SlackMessage {
  return reply(`🚫 <@${user}> rejected *${what(p)}*; nothing changes`);
}

export function renderRefusedClickReply(p: Proposal, user: string, action: 'approve' | 'reject', reason: string): SlackMessage {
  const button = action === 'reject' ? (p.kind === 'rollback' ? 'Keep it' : 'Reject') : p.kind === 'rollback' ? 'Roll back' : 'Approve';
  return reply(`🙅 <@${user}> clicked ${button} on ${code(p.id)} but was refused: ${escapeMrkdwn(reason)}`);
}

/** The ephemeral answer to a refused or pointless click (only the clicker sees it). */
export function renderEphemeral(text: string): SlackMessage {
  return reply(text);
}

export function renderNotProposed(target: string, reason: string): SlackMessage {
  return reply(`⏸️ *No fix proposed* for ${code(target)}: ${escapeMrkdwn(reason)}`);
}

export function renderRecomputed(old: Proposal, why: 'expired' | 'superseded', changes: readonly FieldDiff[] = []): SlackMessage {
  const head =
    why === 'expired'
      ? `⌛ The proposal ${code(old.id)} expired (proposals last ${humanizeDuration(old.expiresAtMs - old.createdAtMs)}); nothing was applied. Recomputed against the config the cluster runs now:`
      : `🔁 The Serve config changed since proposal ${code(old.id)} was made; nothing was applied. Recomputed with the new numbers:`;
  const lines = changes.length > 0 ? `\n*What changed:*\n${bullets(diffLines(changes), 5)}` : why === 'superseded' ? '\n_(an application was redeployed with the same config)_' : '';
  return reply(`${head}${lines}`);
}

export function renderNotRecomputed(old: Proposal, reason: string): SlackMessage {
  return reply(`⏸️ Proposal ${code(old.id)} was not recomputed: ${escapeMrkdwn(reason)}`);
}

export function renderApplied(p: Proposal, rolloutMs: number, verifyWindowMs: number | undefined): SlackMessage {
  const verify = verifyWindowMs !== undefined ? ` Watching the alert's signal for ${humanizeDuration(verifyWindowMs)}.` : '';
  return reply(`🔧 *Applied* ${what(p)} — ${escapeMrkdwn(p.application)} RUNNING after ${humanizeDuration(rolloutMs)}.${verify}`);
}

export function renderAlreadyInPlace(p: Proposal): SlackMessage {
  return reply(`🔧 ${what(p)} is already in place (a previous attempt's PUT went through); not sending it again, checking the rollout.`);
}

export function renderDryRun(p: Proposal, diff: readonly FieldDiff[], bodyBytes: number): SlackMessage {
  return reply(
    `🧪 *Dry run* — this is the exact change serve-medic would PUT (${bodyBytes} bytes, every application included); nothing was sent:\n${bullets(diffLines(diff), 10)}`,
  );
}

export interface RollbackReport {
  readonly failure: { readonly status: string; readonly message: string };
  readonly rolledBack: boolean;
  readonly rollbackError?: string;
  /** Deployments whose autoscaling was re-registered by the nudge, and those it could not reach. */
  readonly reregistered?: readonly string[];
  readonly notReregistered?: readonly string[];
  /** Whether the autoscaling metrics of the changed deployment were seen again. */
  readonly autoscalingMetricsBack?: boolean;
}

export function renderRolledBack(p: Proposal, r: RollbackReport): SlackMessage {
  const lines = [`❌ *${escapeMrkdwn(p.application)} went ${r.failure.status}* after ${what(p)}: ${escapeMrkdwn(r.failure.message || '(no message)')}`];
  if (r.rolledBack) {
    lines.push(`↩️ *Rolled back*: the last good config is back (${escapeMrkdwn(p.field)} ${p.from}) and ${escapeMrkdwn(p.application)} is RUNNING again.`);
  } else {
    lines.push(`⚠️ *The rollback did not complete*: ${escapeMrkdwn(r.rollbackError ?? 'unknown error')}. Restore the config by hand (serve deploy with the last good file).`);
  }
  if (r.reregistered && r.reregistered.length > 0) {
    lines.push(
      `Ray deregisters autoscaling when an app leaves DEPLOY_FAILED; re-registered ${r.reregistered.map((d) => code(d)).join(', ')} with a no-op change (downscale_delay_s +1 s, then back).` +
        (r.autoscalingMetricsBack === false ? ' Its autoscaling metrics have not reappeared yet: watch ServeAutoscalingDeregistered.' : r.autoscalingMetricsBack ? ' Its autoscaling metrics are back.' : ''),
    );
  }
  if (r.notReregistered && r.notReregistered.length > 0) {
    lines.push(`⚠️ Autoscaling of ${r.notReregistered.map((d) => code(d)).join(', ')} is defined only in code: Ray may have deregistered it and serve-medic cannot re-register it without restarting the app. Change its config once to re-register it.`);
  }
  return reply(lines.join('\n'));
}

export function renderApplyFailed(p: Proposal, reason: string): SlackMessage {
  return reply(`❌ *Not applied*: ${what(p)} — ${escapeMrkdwn(reason)}`);
}

export function renderRetrying(p: Proposal, attempt: number, attempts: number, reason: string, retryInMs: number): SlackMessage {
  return reply(`⏳ ${what(p)}: attempt ${attempt} of ${attempts} failed (${escapeMrkdwn(reason)}); trying again in ${humanizeDuration(retryInMs)}`);
}

export function renderRolloutTimeout(p: Proposal, waitedMs: number, status: string): SlackMessage {
  return reply(
    `⏳ ${what(p)} was sent but ${escapeMrkdwn(p.application)} is still ${escapeMrkdwn(status)} after ${humanizeDuration(waitedMs)}; serve-medic does not roll back a slow rollout on its own. Check \`/serve-medic status ${escapeMrkdwn(p.application)}\`.`,
  );
}

const ROLLBACK_LINE: Partial<Record<ProposalStatus['state'], (s: ProposalStatus) => string>> = {
  approved: (s) => `↩️ Rollback approved by ${mentions(s)} — applying…`,
  applying: (s) => `↩️ Rollback approved by ${mentions(s)} — applying…`,
  verified: (s) => `↩️ Rolled back (approved by ${mentions(s)})`,
  failed: () => '❌ Rollback not applied; see below',
  rejected: (s) => `👍 Kept: <@${s.by ?? '?'}> declined the rollback`,
  expired: () => '⌛ The rollback offer expired — recomputed below',
  superseded: () => '🔁 The config changed — rollback recomputed below',
};

function mentions(s: ProposalStatus): string {
  return s.approvals && s.approvals.length > 0 ? s.approvals.map((a) => `<@${a.user}>`).join(' and ') : 'someone';
}

/**
 * The verdict after the verification window, with the Rollback button of `rollback` when there
 * is one; re-rendered in place with the rollback's state once someone clicks.
 */
export function renderVerification(p: Proposal, verdict: VerificationVerdict, rollback?: Proposal, rollbackNote?: string, rollbackStatus?: ProposalStatus): SlackMessage {
  const head = verdict.result === 'improved' ? '📉 *Improved*' : verdict.result === 'not_improved' ? '➖ *Did not improve*' : '❔ *Could not tell*';
  const blocks: Block[] = [section(`${head} after ${what(p)}: ${escapeMrkdwn(verdict.text)}`)];
  const open = !rollbackStatus || rollbackStatus.state === 'proposed' || rollbackStatus.state === 'awaiting_second';
  if (rollback && open) {
    if (rollbackStatus?.state === 'awaiting_second') blocks.push(section(`🗳️ Rollback approved by ${mentions(rollbackStatus)}; waiting for a second, different approver`));
    blocks.push(proposalButtons(rollback));
    blocks.push(context(`Rollback ${code(rollback.id)} sets ${escapeMrkdwn(rollback.field)} back to ${rollback.to}; it needs the same approval as the fix.`));
  } else if (rollback && rollbackStatus) {
    blocks.push(section(ROLLBACK_LINE[rollbackStatus.state]?.(rollbackStatus) ?? `Rollback ${rollbackStatus.state}`));
  } else if (rollbackNote) {
    blocks.push(context(`No rollback offered: ${escapeMrkdwn(rollbackNote)}`));
  }
  return { text: `${verdict.result === 'improved' ? 'Improved' : verdict.result === 'not_improved' ? 'Did not improve' : 'Could not tell'}: ${describeChange(p, '->')}: ${verdict.text}`, blocks };
}
