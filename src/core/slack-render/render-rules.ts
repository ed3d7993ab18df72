import { formatDuration } from '../duration.js';
import type { AlertRule } from '../model/rule.js';
import type { SlackMessage } from './blocks.js';
import { MAX_SECTION_TEXT, code, context, escapeMrkdwn, section } from './blocks.js';

/** `/serve-medic rules`: one short line per rule, packed into as few sections as fit. */
export function renderRules(rules: readonly AlertRule[]): SlackMessage {
  if (rules.length === 0) return { text: 'No alert rules are loaded', blocks: [section('No alert rules are loaded. Check `rules.paths` in the config.')] };
  const lines = rules.map((r) => {
    const sev = r.labels.severity ? ` · ${escapeMrkdwn(r.labels.severity)}` : '';
    const forText = r.for_ms > 0 ? ` · for ${formatDuration(r.for_ms)}` : '';
    const fix = r.remediation ? ` · fix: ${code(r.remediation.action)}` : '';
    return `• ${code(r.alert)}${sev}${forText}${fix}`;
  });
  const sections: string[] = [];
  let cur = `*${rules.length} alert rule${rules.length === 1 ? '' : 's'}*`;
  for (const line of lines) {
    if (cur.length + line.length + 1 > MAX_SECTION_TEXT) {
      sections.push(cur);
      cur = line;
    } else cur += `\n${line}`;
  }
  sections.push(cur);
  const files = [...new Set(rules.map((r) => r.source.replace(/:\d+$/, '')))];
  return {
    text: `${rules.length} alert rules loaded`,
    blocks: [...sections.slice(0, 45).map(section), context(`From ${files.slice(0, 5).map((f) => code(f)).join(', ')}${files.length > 5 ? ', …' : ''}`)],
  };
}
