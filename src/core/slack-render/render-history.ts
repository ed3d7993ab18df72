import type { AuditEntry, AuditType } from '../remediation/audit-entry.js';
import type { SlackMessage } from './blocks.js';
import { code, context, escapeMrkdwn, section, truncate } from './blocks.js';

const LABEL: Readonly<Record<AuditType, string>> = {
  proposed: '🛠️ proposed',
  not_proposed: '⏸️ not proposed',
  approve_click: '🗳️ approve click',
  reject_click: '✋ reject click',
  refused_click: '🙅 refused click',
  approved: '✅ approved',
  rejected: '🚫 rejected',
  expired: '⌛ expired',
  superseded: '🔁 superseded',
  put: '📤 PUT sent',
  already_in_place: '🔧 already in place',
  applied: '🔧 applied',
  dry_run: '🧪 dry run',
  failed: '❌ failed',
  rolled_back: '↩️ rolled back',
  verified: '📉 verified',
  error: '⚠️ error',
};

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
}

function line(e: AuditEntry): string {
  const target = e.application ? `${e.application}${e.deployment ? `/${e.deployment}` : ''}` : '';
  const change = e.field !== undefined && e.from !== undefined && e.to !== undefined ? ` ${e.field.replace(/^autoscaling_config\./, '')} ${e.from}→${e.to}` : '';
  const who = e.user ? ` by <@${e.user}>` : '';
  const result = e.result ? ` · ${escapeMrkdwn(e.result)}` : '';
  const detail = e.detail ? ` — ${escapeMrkdwn(truncate(e.detail, 140))}` : '';
  const kind = e.kind === 'rollback' ? ' (rollback)' : '';
  return `\`${hhmm(e.atMs)}\` ${LABEL[e.type]}${kind} ${escapeMrkdwn(target)}${escapeMrkdwn(change)}${who}${result}${detail}${e.proposalId ? ` ${code(e.proposalId.slice(0, 8))}` : ''}`;
}

/** `/serve-medic history [APP]`: the latest audit entries, newest first, one short line each. */
export function renderHistory(entries: readonly AuditEntry[], application: string | undefined, cluster: string, max = 20): SlackMessage {
  const scope = application ? ` for ${application}` : '';
  if (entries.length === 0) {
    return { text: `No remediation history${scope}`, blocks: [section(`No remediation history${escapeMrkdwn(scope)} on ${code(cluster)} yet.`)] };
  }
  const shown = entries.slice(0, max);
  const body = truncate(shown.map(line).join('\n'), 2900);
  return {
    text: `Remediation history${scope}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`,
    blocks: [
      section(`*Remediation history${escapeMrkdwn(scope)}* (${code(cluster)}, newest first, UTC)\n${body}`),
      context(entries.length > max ? `${entries.length - max} older entries not shown` : 'Every proposal, click and outcome is kept in the Redis stream `<prefix>:audit`.'),
    ],
  };
}
