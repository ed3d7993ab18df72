import type { Labels } from '../labels.js';
import { formatLabelSet } from '../promql/label-sets.js';
import { compareLabels, sortedNames } from '../store/compare-labels.js';

/** One alert as an alert_rule_test sees it: its labels (alertname included) and annotations. */
export interface TestedAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
}

/**
 * promtool 2.42's check of one alert_rule_test: both lists sorted by labels, then by
 * annotations, and compared exactly (reflect.DeepEqual): every label and every annotation, as
 * rendered, and nothing more. So a test lists all annotations of its rule (none when the rule
 * has none), and an expected label or annotation with an empty value never matches a label
 * (Prometheus drops empty labels) but does match an annotation that renders empty.
 * Returns undefined when they match, else both lists as promtool prints them.
 */
export function compareAlerts(expected: readonly TestedAlert[], got: readonly TestedAlert[]): { expected: string; got: string } | undefined {
  const exp = [...expected].sort(byLabelsThenAnnotations);
  const act = [...got].sort(byLabelsThenAnnotations);
  const same =
    exp.length === act.length &&
    exp.every((e, i) => sameLabels(e.labels, act[i]!.labels) && sameLabels(e.annotations, act[i]!.annotations));
  return same ? undefined : { expected: formatAlerts(exp), got: formatAlerts(act) };
}

function byLabelsThenAnnotations(a: TestedAlert, b: TestedAlert): number {
  return compareLabels(a.labels, b.labels) || compareLabels(a.annotations, b.annotations);
}

function sameLabels(a: Labels, b: Labels): boolean {
  const an = sortedNames(a);
  const bn = sortedNames(b);
  return an.length === bn.length && an.every((n, i) => n === bn[i] && a[n] === b[n]);
}

const LIST_INDENT = '            ';

/**
 * promtool's layout: `[]` when empty, else a numbered list with each alert's labels and
 * annotations on their own lines, indented to sit under "exp:" / "got:".
 */
function formatAlerts(alerts: readonly TestedAlert[]): string {
  if (alerts.length === 0) return '[]';
  const items = alerts.map(
    (a, i) => `${i}:\n${LIST_INDENT}  Labels:${formatLabelSet(a.labels)}\n${LIST_INDENT}  Annotations:${formatLabelSet(a.annotations)}`,
  );
  return `[\n${LIST_INDENT}${items.join(`,\n${LIST_INDENT}`)}\n${LIST_INDENT}]`;
}
