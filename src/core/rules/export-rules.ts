import { stringify } from 'yaml';
import { formatDuration } from '../duration.js';
import type { RuleGroup } from '../model/rule.js';

/**
 * A plain Prometheus rule file from serve-medic's rules, so a team can evaluate them in
 * Prometheus (or Thanos, Mimir) and route the alerts back through Alertmanager. serve-medic's
 * `checklist`, `diagnose` and `remediation` keys are stripped: Prometheus rejects unknown keys.
 * The checklist ids travel in an annotation, which Prometheus accepts and Alertmanager passes
 * on, so an alert that comes back through the webhook still names its checklist items.
 */
export const CHECKLIST_ANNOTATION = 'serve_medic_checklist';

export function exportRules(groups: readonly RuleGroup[], options: { header?: string } = {}): string {
  const doc = {
    groups: groups.map((g) => ({
      name: g.name,
      // Always written: without it Prometheus would use its own global evaluation_interval.
      interval: formatDuration(g.interval_ms),
      rules: g.rules.map((r) => {
        const annotations: Record<string, string> = { ...r.annotations };
        if (r.checklist.length > 0) annotations[CHECKLIST_ANNOTATION] = r.checklist.join(',');
        return {
          alert: r.alert,
          expr: r.expr.replace(/\n+$/, ''),
          ...(r.for_ms > 0 ? { for: formatDuration(r.for_ms) } : {}),
          ...(r.keep_firing_for_ms > 0 ? { keep_firing_for: formatDuration(r.keep_firing_for_ms) } : {}),
          ...(Object.keys(r.labels).length > 0 ? { labels: { ...r.labels } } : {}),
          ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        };
      }),
    })),
  };
  const header = options.header
    ?.split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n');
  return (header ? header + '\n' : '') + stringify(doc, { lineWidth: 0 });
}
