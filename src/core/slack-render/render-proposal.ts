import { humanizeDuration } from '../duration.js';
import type { FieldDiff } from '../remediation/plan-change.js';
import type { Approval, Proposal, ProposalState } from '../remediation/proposal.js';
import { describeChange, shortField } from '../remediation/proposal.js';
import type { Block, ButtonElement, SlackMessage } from './blocks.js';
import { bullets, code, context, escapeMrkdwn, fields, header, isoMinute, section, slackDate, truncate } from './blocks.js';

export const APPROVE_ACTION = 'remediation_approve';
export const REJECT_ACTION = 'remediation_reject';

/** The part of a proposal's state its message shows. */
export interface ProposalStatus {
  readonly state: ProposalState;
  readonly approvals?: readonly Approval[];
  readonly by?: string;
  /** One line on what happened (set for final states). */
  readonly note?: string;
}

const STATE_LINE: Partial<Record<ProposalState, (s: ProposalStatus) => string>> = {
  awaiting_second: (s) => `🗳️ Approved by ${mentions(s.approvals)}; waiting for a second, different approver`,
  approved: (s) => `✅ Approved by ${mentions(s.approvals)} — applying…`,
  applying: (s) => `✅ Approved by ${mentions(s.approvals)} — applying…`,
  applied: (s) => `🔧 Applied (approved by ${mentions(s.approvals)}) — verifying`,
  verified: (s) => `🔧 Applied (approved by ${mentions(s.approvals)})`,
  rolled_back: () => '↩️ Applied, failed, rolled back',
  failed: () => '❌ Not applied',
  rejected: (s) => `🚫 Rejected by <@${s.by ?? '?'}>`,
  expired: () => '⌛ Expired — recomputed below',
  superseded: () => '🔁 The Serve config changed since this proposal — recomputed below',
  dry_run_done: (s) => `🧪 Dry run by ${mentions(s.approvals)} — nothing was changed`,
};

function mentions(approvals: readonly Approval[] | undefined): string {
  return approvals && approvals.length > 0 ? approvals.map((a) => `<@${a.user}>`).join(' and ') : 'someone';
}

export function formatDiffValue(v: unknown): string {
  if (v === undefined) return '(unset)';
  return truncate(typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v), 300);
}

/** "• `applications[embeddings]…max_replicas`: 2 → 4", one line per changed field. */
export function diffLines(diff: readonly FieldDiff[]): string[] {
  return diff.map((d) => `${code(d.path)}: ${escapeMrkdwn(formatDiffValue(d.from))} → ${escapeMrkdwn(formatDiffValue(d.to))}`);
}

function approveButton(p: Proposal, label: string): ButtonElement {
  const what = describeChange(p);
  const dry = p.mode === 'dry_run';
  return {
    type: 'button',
    action_id: APPROVE_ACTION,
    text: { type: 'plain_text', text: label },
    value: p.id,
    style: p.kind === 'rollback' ? 'danger' : 'primary',
    confirm: {
      title: { type: 'plain_text', text: truncate(dry ? 'Run the dry run?' : p.kind === 'rollback' ? 'Roll back this change?' : 'Approve this change?', 100) },
      text: {
        type: 'mrkdwn',
        text: dry
          ? `*${escapeMrkdwn(what)}* on ${code(p.cluster)}: serve-medic computes the exact PUT and posts its diff. Nothing is changed.`
          : `*${escapeMrkdwn(what)}* on ${code(p.cluster)}. serve-medic PUTs the new Serve config, waits for the app to be RUNNING, and rolls back if it fails.`,
      },
      confirm: { type: 'plain_text', text: dry ? 'Run dry run' : p.kind === 'rollback' ? 'Roll back' : 'Approve' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
}

/** The Approve / Reject pair (Rollback / Dismiss for a rollback), keyed by the proposal id. */
export function proposalButtons(p: Proposal): Block {
  const label = p.mode === 'dry_run' ? 'Approve (dry run)' : p.kind === 'rollback' ? 'Roll back' : 'Approve';
  return {
    type: 'actions',
    block_id: `remediation:${p.id}`,
    elements: [approveButton(p, label), { type: 'button', action_id: REJECT_ACTION, text: { type: 'plain_text', text: p.kind === 'rollback' ? 'Keep it' : 'Reject' }, value: p.id }],
  };
}

function kuberayBlocks(p: Proposal): Block[] {
  const k = p.kuberay!;
  // Slack caps a section at 3000 characters: the patch is shown whole when it fits, else cut
  // (the full patch is uploaded to the thread as a file).
  const yaml = truncate(k.patchYaml, 2400);
  return [
    section(
      `⚠️ *A KubeRay RayService owns this config* (${code(`${k.namespace}/${k.rayservice}`)}): the operator re-submits ${code('serveConfigV2')} and reverts a change made through the REST API, so serve-medic does not apply it. Apply this patch instead:`,
    ),
    section(`\`\`\`${k.command}\`\`\``),
    section(`\`\`\`${yaml.replace(/```/g, "'''")}\`\`\``),
  ];
}

/**
 * The proposal in the incident thread: what changes, why (the checklist item), the expected
 * effect and the bounds, then Approve (with a confirm dialog) and Reject. Re-rendered in place
 * as its state moves: the buttons go once it is decided.
 */
export function renderProposal(p: Proposal, status: ProposalStatus = { state: 'proposed' }): SlackMessage {
  const target = `${p.application}/${p.deployment}`;
  const rollback = p.kind === 'rollback';
  const blocks: Block[] = [header(`${rollback ? '↩️ Proposed rollback' : '🛠️ Proposed fix'}: ${target}`)];
  blocks.push(
    section(
      [
        `*${escapeMrkdwn(shortField(p.field))} ${p.from} → ${p.to}*  (${code(p.field)})`,
        `*Why:* ${escapeMrkdwn(p.checklistTitle ?? p.checklistId)} · ${code(p.checklistId)}`,
        `*Expected:* ${escapeMrkdwn(p.expectedEffect)}`,
      ].join('\n'),
    ),
  );
  const pairs: [string, string][] = [];
  if (!rollback) {
    pairs.push(['Bounds', `ceiling ${p.bounds.ceiling} · step ≤ x${p.bounds.maxStep}`]);
    pairs.push(['Cooldown · rate', `${humanizeDuration(p.bounds.cooldownMs)} · ≤ ${p.maxPerHour}/hour`]);
  }
  if (p.mode !== 'kuberay') pairs.push(['Approval', p.approvalsRequired === 2 ? 'two different approvers' : 'one approver']);
  if (pairs.length > 0) blocks.push(fields(pairs));
  if (p.warnings.length > 0) blocks.push(section(`⚠️ ${bullets(p.warnings.map(escapeMrkdwn), 3)}`));
  if (p.mode === 'dry_run') blocks.push(section(`🧪 *Dry run* (remediation.dry_run): approving posts the exact PUT diff; nothing is changed.\n${bullets(diffLines(p.diff), 6)}`));
  if (p.mode === 'kuberay') blocks.push(...kuberayBlocks(p));

  const line = STATE_LINE[status.state]?.(status);
  const open = status.state === 'proposed' || status.state === 'awaiting_second';
  if (line) blocks.push(section(`${line}${status.note ? `\n${escapeMrkdwn(status.note)}` : ''}`));
  else if (status.note) blocks.push(section(`⚠️ ${escapeMrkdwn(status.note)}`));
  if (open && p.mode !== 'kuberay') blocks.push(proposalButtons(p));
  blocks.push(
    context(
      `proposal ${code(p.id)}${p.revision > 1 ? ` (recomputed ×${p.revision - 1})` : ''} · ${escapeMrkdwn(p.cluster)}` +
        (open && p.mode !== 'kuberay' ? ` · expires ${slackDate(p.expiresAtMs, isoMinute(p.expiresAtMs))}` : ''),
    ),
  );
  const verb = rollback ? 'Proposed rollback' : p.mode === 'kuberay' ? 'Proposed fix (apply by hand)' : 'Proposed fix';
  return { text: `${verb}: ${describeChange(p, '->')}${line ? ` — ${line.replace(/<@([A-Z0-9]+)>/g, '@$1')}` : ''}`, blocks };
}
