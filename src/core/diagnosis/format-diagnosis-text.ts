import { humanizeDuration } from '../duration.js';
import type { Diagnosis } from '../model/diagnosis.js';

/**
 * A diagnosis as plain text for a terminal (`serve-medic diagnose`): the likely cause with its
 * evidence, the other consistent items, configuration findings, replicas, the proposed fix with
 * its bounds, and what no signal can show. Slack gets its own rendering (slack-render).
 */
const MARK = { critical: '!!', warning: '! ', info: '- ' } as const;

function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDiagnosisText(d: Diagnosis): string {
  const out: string[] = [];
  const target = d.deployment ? `${d.application}/${d.deployment}` : d.application;
  out.push(`Diagnosis of ${target} — cluster ${d.cluster}, ${isoMinute(d.generatedAtMs)}${d.alertName ? `, alert ${d.alertName}` : ''}`);
  out.push('');

  const [top, ...others] = d.items;
  if (!top) out.push('No checklist item matched the signals.');
  else {
    out.push(`Likely cause: ${top.item.title} [${top.item.id}]`);
    out.push(`  (${top.item.section})`);
    for (const e of top.evidence) out.push(`  • ${e.name}: ${e.text}`);
    if (others.length > 0) {
      out.push('');
      out.push('Also consistent:');
      for (const o of others) {
        out.push(`  ${o.item.title} [${o.item.id}]`);
        for (const e of o.evidence.slice(0, 3)) out.push(`    • ${e.name}: ${e.text}`);
      }
    }
  }

  if (d.configFindings.length > 0) {
    out.push('');
    out.push('Configuration:');
    for (const f of d.configFindings) out.push(`  ${MARK[f.severity]} ${f.message}`);
  }

  if (d.replicas) {
    const r = d.replicas;
    const bounds = r.autoscaling ? `min ${r.min ?? '?'} / max ${r.max ?? '?'}` : `fixed at ${r.fixed ?? '?'}`;
    out.push('');
    out.push(`Replicas: ${r.running} running${r.target !== undefined ? ` (target ${r.target})` : ''}, ${bounds}${r.status ? `, ${r.status}` : ''}`);
    if (r.note) out.push(`  ${r.note}`);
  }

  out.push('');
  if (d.remediation) {
    const m = d.remediation;
    out.push(`Proposed fix: ${m.field} of ${m.application}/${m.deployment}: ${m.from} → ${m.to} (${m.action}; ceiling ${m.bounds.ceiling}, max step x${m.bounds.maxStep}, cooldown ${humanizeDuration(m.bounds.cooldownMs)})`);
    out.push(`  Expected: ${m.expectedEffect}`);
    out.push('  (applied only after an authorised approval in Slack)');
  } else {
    out.push('Proposed fix: none');
  }
  if (d.remediationNote) out.push(`  Note: ${d.remediationNote}`);
  if (top) {
    out.push(`What the guide says: ${top.item.fix}`);
    out.push(`By hand: ${top.item.remediation.manual}`);
  }

  if (d.toCheck.length > 0) {
    out.push('');
    out.push('Also check (no metric or config shows these):');
    for (const c of d.toCheck) out.push(`  - ${c.item.title} [${c.item.id}]: ${c.reason}`);
  }
  return out.join('\n') + '\n';
}
