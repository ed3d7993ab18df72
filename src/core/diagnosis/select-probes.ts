import type { AlertRule, DiagnoseProbe, RuleGroup } from '../model/rule.js';

/**
 * Which probes a diagnosis runs.
 *
 * For an alert of rule R:
 *  1. every probe of R;
 *  2. every probe of each rule that shares a checklist item with R (another view of the same cause);
 *  3. every probe of each rule in R's group (the same symptom family: latency, errors, capacity,
 *     memory, lifecycle, cold start), so a cause R's author did not foresee can still show.
 * Without an alert (`serve-medic diagnose`, the Slack slash command): every probe of every rule,
 * the whole checklist once.
 *
 * A probe that appears in several rules (the same expression confirming the same item) runs once.
 */
export interface SelectedProbe {
  readonly rule: AlertRule;
  readonly probe: DiagnoseProbe;
}

export interface ProbeSelection {
  readonly probes: readonly SelectedProbe[];
  /** The rules the probes came from, the triggering one first. */
  readonly rules: readonly AlertRule[];
  readonly triggering?: AlertRule;
}

export function findRule(groups: readonly RuleGroup[], alertName: string): { rule: AlertRule; group: RuleGroup } | undefined {
  for (const group of groups) {
    const rule = group.rules.find((r) => r.alert === alertName);
    if (rule) return { rule, group };
  }
  return undefined;
}

export function selectProbes(groups: readonly RuleGroup[], alertName?: string): ProbeSelection {
  const found = alertName === undefined ? undefined : findRule(groups, alertName);
  const all = groups.flatMap((g) => g.rules);
  let rules: AlertRule[];
  if (!found) {
    rules = all;
  } else {
    const own = new Set(found.rule.checklist);
    const related = all.filter((r) => r !== found.rule && (r.checklist.some((id) => own.has(id)) || found.group.rules.includes(r)));
    rules = [found.rule, ...related];
  }
  const seen = new Set<string>();
  const probes: SelectedProbe[] = [];
  for (const rule of rules) {
    for (const probe of rule.diagnose) {
      const key = `${probe.confirms}\u0000${probe.expr}`;
      if (seen.has(key)) continue;
      seen.add(key);
      probes.push({ rule, probe });
    }
  }
  return { probes, rules, ...(found ? { triggering: found.rule } : {}) };
}
