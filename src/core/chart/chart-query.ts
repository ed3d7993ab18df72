import type { Labels } from '../labels.js';
import type { Alert } from '../model/alert.js';
import type { AlertRule } from '../model/rule.js';
import type { RangeSeries } from '../query/types.js';

export interface ChartQuery {
  /** What to chart: the rule's expression without its final comparison. */
  readonly expr: string;
  /** The comparison's right-hand side when it is a number: drawn as a line. */
  readonly threshold?: number;
  /** …or when it is an expression (`>= on(app) (max_replicas + 1)`): drawn as a dashed series. */
  readonly thresholdExpr?: string;
  readonly comparator?: string;
}

const COMPARATORS = ['>=', '<=', '==', '!=', '>', '<'];
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Depth-0 positions of `text` (outside (), [], {} and quotes), with the character there; other
 * positions are blanked, so operators inside label matchers or function calls are not seen.
 */
function topLevelMask(text: string): string {
  let depth = 0;
  let quote: string | null = null;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') {
        out += '  ';
        i++;
        continue;
      }
      if (c === quote) quote = null;
      out += ' ';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
      out += ' ';
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
      out += ' ';
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      out += ' ';
    } else out += depth === 0 ? c : ' ';
  }
  return out;
}

/** Drops `bool` and vector-matching modifiers (`on(…)`, `ignoring(…)`, `group_left(…)`) from the front. */
function stripModifiers(rhs: string): string {
  let r = rhs.trim();
  for (;;) {
    const m = /^(?:bool\b|(?:on|ignoring|group_left|group_right)\s*\([^)]*\))\s*/.exec(r);
    if (!m) return r;
    r = r.slice(m[0].length);
  }
}

/**
 * Splits `lhs > 10` (or `lhs >= on(app) rhs`) at its top-level comparison into the series to
 * chart and the threshold. Gives up on set operations at the top level (`a > 1 and b > 2`):
 * then the whole expression is charted, with no threshold.
 */
export function splitThreshold(expr: string): ChartQuery {
  const text = expr.trim();
  const mask = topLevelMask(text);
  if (/\b(and|or|unless)\b/.test(mask)) return { expr: text };
  let at = -1;
  let op = '';
  for (let i = 0; i < mask.length && at === -1; i++) {
    const two = mask.slice(i, i + 2);
    const one = mask[i]!;
    // `=~` and `!~` only occur inside braces; a lone `=` or `!` is not a comparison.
    if (COMPARATORS.includes(two)) [at, op] = [i, two];
    else if ((one === '>' || one === '<') && mask[i + 1] !== '=') [at, op] = [i, one];
  }
  if (at <= 0) return { expr: text };
  const lhs = text.slice(0, at).trim();
  const rhs = stripModifiers(text.slice(at + op.length));
  if (lhs === '' || rhs === '') return { expr: text };
  if (NUMBER.test(rhs)) return { expr: lhs, threshold: Number(rhs), comparator: op };
  if (NUMBER.test(lhs)) return { expr: rhs, threshold: Number(lhs), comparator: op };
  return { expr: lhs, thresholdExpr: rhs, comparator: op };
}

/** The expression behind an alert: its rule's, or the one in an Alertmanager generator URL. */
export function chartQueryForAlert(alert: Alert, rules: readonly AlertRule[]): ChartQuery | null {
  const rule = rules.find((r) => r.alert === alert.name);
  let expr = rule?.expr;
  if (!expr && alert.generatorUrl) {
    try {
      expr = new URL(alert.generatorUrl).searchParams.get('g0.expr') ?? undefined;
    } catch {
      expr = undefined;
    }
  }
  if (!expr) return null;
  const q = splitThreshold(expr);
  const annotated = Number(alert.annotations.threshold);
  return q.threshold === undefined && alert.annotations.threshold !== undefined && Number.isFinite(annotated) ? { ...q, threshold: annotated } : q;
}

/** Labels that say which workload a series belongs to; per-process labels are ignored. */
const IDENTITY_LABELS = ['application', 'deployment', 'route', 'handle', 'replica', 'node_ip', 'instance'];

/**
 * Keeps the series that belong to the alert (agree on application/deployment/…), so a chart of
 * a `sum by (application, deployment)` expression shows the alerting workload, not every app.
 * Falls back to every series when none agree (an expression aggregated away those labels).
 */
export function selectAlertSeries(series: readonly RangeSeries[], alertLabels: Labels, max = 6): readonly RangeSeries[] {
  const keys = IDENTITY_LABELS.filter((k) => alertLabels[k] !== undefined);
  const matching = series.filter((s) => keys.every((k) => s.labels[k] === undefined || s.labels[k] === alertLabels[k]));
  return (matching.length > 0 ? matching : series).slice(0, max);
}

/** The legend for a series: application/deployment when known, else its distinguishing labels. */
export function seriesLegend(labels: Labels): string {
  const app = labels.application;
  const dep = labels.deployment;
  if (app || dep) return [app, dep].filter(Boolean).join('/');
  const rest = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}=${v}`);
  return rest.length > 0 ? rest.join(', ') : (labels.__name__ ?? 'value');
}
