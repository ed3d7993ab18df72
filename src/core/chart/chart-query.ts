import type { Labels } from '../labels.js';
import type { Alert } from '../model/alert.js';
import type { AlertRule } from '../model/rule.js';
import type { RangeSeries } from '../query/types.js';

export interface ChartQuery {
  /** What to chart: the rule's expression without its final threshold comparison. */
  readonly expr: string;
  readonly threshold?: number;
  readonly comparator?: string;
}

const TRAILING_COMPARISON = /^([\s\S]*?)\s*(>=|<=|==|!=|>|<)\s*(?:bool\s+)?([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/** Depth-0 text only (outside (), [] and {}), so "rate(x[5m]) > 1" splits but "max(x > 1)" does not. */
function topLevel(text: string): string {
  let depth = 0;
  let out = '';
  let quote: string | null = null;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/**
 * Splits `lhs > 10` into the series to chart and the threshold line. Gives up on anything more
 * complex at the top level (`a > 1 and b > 2`): then the whole expression is charted, no line.
 */
export function splitThreshold(expr: string): ChartQuery {
  const m = TRAILING_COMPARISON.exec(expr.trim());
  if (!m) return { expr: expr.trim() };
  const [, lhs, op, num] = m as unknown as [string, string, string, string];
  const top = topLevel(lhs);
  if (/\b(and|or|unless)\b|[<>=!]=|[<>]/.test(top) || topLevel(expr.trim()).length === top.length) return { expr: expr.trim() };
  return { expr: lhs.trim(), threshold: Number(num), comparator: op };
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
