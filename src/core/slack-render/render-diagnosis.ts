import type { Diagnosis, ReplicaSummary, SuggestedRemediation } from '../model/diagnosis.js';
import type { Block, SlackMessage } from './blocks.js';
import { bullets, code, context, divider, escapeMrkdwn, fields, header, isoMinute, section } from './blocks.js';

const FINDING_EMOJI = { critical: '🔴', warning: '🟠', info: '🔵' } as const;

/**
 * The first reply of a thread (and the answer to `/serve-medic diagnose`): the matching
 * checklist item first with its evidence, then config findings, replicas now vs min/max, what to
 * do, and the items no signal can reveal. Short lines and fields, so it reads on a phone.
 */
export function renderDiagnosis(d: Diagnosis): SlackMessage {
  const target = d.deployment ? `${d.application}/${d.deployment}` : d.application;
  const blocks: Block[] = [header(`🩺 Diagnosis: ${target}`)];
  const [top, ...others] = d.items;

  if (top) {
    blocks.push(
      section(
        [
          `*Likely cause:* ${escapeMrkdwn(top.item.title)}`,
          `_${escapeMrkdwn(top.item.section)}_ · ${code(top.item.id)}`,
          top.evidence.length > 0 ? `*Evidence*\n${bullets(top.evidence.map((e) => `${escapeMrkdwn(e.name)}: ${escapeMrkdwn(e.text)}`))}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      ),
    );
    if (others.length > 0) {
      blocks.push(section(`*Also consistent*\n${bullets(others.map((o) => `${escapeMrkdwn(o.item.title)} ${code(o.item.id)}`), 4)}`));
    }
  } else {
    blocks.push(section('*No checklist item matched the signals.* See the checks below.'));
  }

  if (d.configFindings.length > 0) {
    blocks.push(section(`*Configuration*\n${bullets(d.configFindings.map((f) => `${FINDING_EMOJI[f.severity]} ${escapeMrkdwn(f.message)}`))}`));
  }

  if (d.replicas) blocks.push(renderReplicas(d.replicas));

  const todo = whatToDo(d);
  if (todo.length > 0) {
    blocks.push(divider);
    blocks.push(section(`*What to do*\n${bullets(todo)}`));
  }

  if (d.toCheck.length > 0) {
    blocks.push(
      section(`*Also check* (no metric can show these)\n${bullets(d.toCheck.map((c) => `${escapeMrkdwn(c.item.title)} — ${escapeMrkdwn(c.reason)}`), 6)}`),
    );
  }

  blocks.push(context(`${escapeMrkdwn(d.cluster)} · ${isoMinute(d.generatedAtMs)}${d.alertName ? ` · alert ${code(d.alertName)}` : ''}`));

  const text = top ? `Diagnosis for ${target}: ${top.item.title}` : `Diagnosis for ${target}: no checklist item matched`;
  return { text, blocks };
}

function renderReplicas(r: ReplicaSummary): Block {
  const pairs: [string, string][] = [['Replicas', `${r.running} running${r.target !== undefined ? ` (target ${r.target})` : ''}`]];
  if (r.autoscaling) pairs.push(['Min / max', `${r.min ?? '?'} / ${r.max ?? '?'}${r.max !== undefined && r.running >= r.max ? ' ⚠️ at max' : ''}`]);
  else pairs.push(['Fixed size', r.fixed !== undefined ? String(r.fixed) : '?']);
  if (r.status) pairs.push(['Status', escapeMrkdwn(r.status)]);
  if (r.note) pairs.push(['Note', escapeMrkdwn(r.note)]);
  return fields(pairs);
}

function describeRemediation(r: SuggestedRemediation): string {
  return `Change ${code(r.field)} of ${code(`${r.application}/${r.deployment}`)} from *${r.from}* to *${r.to}* — ${escapeMrkdwn(r.expectedEffect)} (a proposal to approve follows)`;
}

function whatToDo(d: Diagnosis): string[] {
  const out: string[] = [];
  const top = d.items[0];
  if (d.remediation) out.push(describeRemediation(d.remediation));
  if (top) {
    out.push(escapeMrkdwn(top.item.fix));
    if (top.item.remediation.manual && !d.remediation) out.push(`Manual: ${escapeMrkdwn(top.item.remediation.manual)}`);
  }
  if (d.remediationNote) out.push(`_${escapeMrkdwn(d.remediationNote)}_`);
  return out;
}
