import { describeError } from '../../errors.js';
import { evaluateAlertRule } from '../alerts/evaluate-alert-rule.js';
import type { RuleResult } from '../alerts/to-alert-vector.js';
import { toAlertVector } from '../alerts/to-alert-vector.js';
import type { Labels } from '../labels.js';
import { labelsKey, METRIC_NAME } from '../labels.js';
import type { Alert } from '../model/alert.js';
import type { AlertRule } from '../model/rule.js';
import { LocalQueryEngine } from '../query/local-query-engine.js';
import type { SampleStore } from '../store/sample-store.js';
import type { TestedAlert } from './compare-alerts.js';
import type { TestRule, TestRuleGroup } from './load-test-rules.js';

interface OutputSample {
  readonly labels: Labels;
  readonly value: number;
}

/**
 * The rule groups of one test group, evaluated as promtool 2.42's rule manager does
 * (rules.Group.Eval with every alerting rule marked restored): group by group, rule by rule,
 * each rule seeing what the rules before it wrote at the same time. Recording rules write their
 * series; alerting rules go through serve-medic's own alert lifecycle (evaluateAlertRule, as in
 * the service) and write ALERTS and ALERTS_FOR_STATE for their pending and firing alerts. A
 * series a rule wrote last time and not this time gets a staleness marker.
 */
export class TestRuleEvaluator {
  private readonly engine: LocalQueryEngine;
  /** Per rule (group index/rule index): the series it wrote at its last evaluation. */
  private readonly written = new Map<string, Map<string, Labels>>();
  private readonly alerts = new Map<string, readonly Alert[]>();

  constructor(
    private readonly store: SampleStore,
    private readonly groups: readonly TestRuleGroup[],
    private readonly externalLabels: Labels,
  ) {
    this.engine = new LocalQueryEngine(store);
  }

  /** Evaluates every rule at ts; returns promtool's lines for the rules that failed. */
  async evaluate(ts: number): Promise<string[]> {
    const errors: string[] = [];
    for (const [gi, group] of this.groups.entries()) {
      for (const [ri, rule] of group.rules.entries()) {
        const error = await this.evaluateRule(`${gi}/${ri}`, rule, ts);
        const name = rule.kind === 'record' ? rule.name : rule.rule.alert;
        if (error !== undefined) errors.push(`    rule: ${name}, time: ${formatGoDuration(ts)}, err: ${error}`);
      }
    }
    return errors;
  }

  /** The firing alerts of every alerting rule with this name (promtool collects across groups). */
  firingAlerts(alertname: string): TestedAlert[] {
    const out: TestedAlert[] = [];
    for (const [gi, group] of this.groups.entries()) {
      for (const [ri, rule] of group.rules.entries()) {
        if (rule.kind !== 'alert' || rule.rule.alert !== alertname) continue;
        for (const a of this.alerts.get(`${gi}/${ri}`) ?? []) {
          if (a.state === 'firing') out.push({ labels: a.labels, annotations: a.annotations });
        }
      }
    }
    return out;
  }

  /**
   * Prometheus's rule query function, which promtool's expression tests use too: a vector, or a
   * scalar as one sample without labels; anything else is an error.
   */
  async query(expr: string, ts: number): Promise<RuleResult> {
    try {
      return toAlertVector(await this.engine.instantQuery(expr, ts));
    } catch (err) {
      return { error: describeError(err) };
    }
  }

  /** One rule at ts (id: its group and rule index); the error, if it failed. */
  private async evaluateRule(id: string, rule: TestRule, ts: number): Promise<string | undefined> {
    if (rule.kind === 'record') {
      const result = await this.query(rule.expr, ts);
      if ('error' in result) return result.error;
      return this.write(id, result.vector.map((s) => ({ labels: withLabels(s.labels, { ...rule.labels, [METRIC_NAME]: rule.name }), value: s.value })), ts);
    }
    const out = evaluateAlertRule({
      rule: rule.rule,
      previous: this.alerts.get(id) ?? [],
      result: await this.query(rule.rule.expr, ts),
      timeMs: ts,
      externalLabels: this.externalLabels,
    });
    if (out.error !== undefined) return out.error;
    this.alerts.set(id, out.alerts);
    return this.write(id, out.alerts.filter((a) => a.state !== 'inactive').flatMap((a) => alertSeries(rule.rule, a)), ts);
  }

  /** Appends a rule's output at ts and marks stale what it wrote last time and not now. */
  private write(id: string, samples: readonly OutputSample[], ts: number): string | undefined {
    const now = new Map<string, Labels>();
    for (const s of samples) {
      const key = labelsKey(s.labels);
      if (now.has(key)) return 'vector contains metrics with the same labelset after applying rule labels';
      now.set(key, s.labels);
    }
    for (const s of samples) this.store.append(s.labels, ts, s.value);
    for (const [key, labels] of this.written.get(id) ?? []) {
      if (!now.has(key)) this.store.markStale(labels, ts);
    }
    this.written.set(id, now);
    return undefined;
  }
}

/**
 * ALERTS (value 1, with alertstate) and ALERTS_FOR_STATE (value: when the alert became active,
 * in whole seconds). Like Prometheus, both start from the rule's labels as written and put the
 * alert's labels over them: a rule label whose template renders empty is missing from the alert
 * but appears, unrendered, in these series.
 */
function alertSeries(rule: AlertRule, alert: Alert): OutputSample[] {
  const labels = withLabels(withLabels({}, rule.labels), alert.labels);
  return [
    { labels: withLabels(labels, { [METRIC_NAME]: 'ALERTS', alertstate: alert.state }), value: 1 },
    { labels: withLabels(labels, { [METRIC_NAME]: 'ALERTS_FOR_STATE' }), value: Math.floor(alert.activeAtMs / 1000) },
  ];
}

/**
 * Prometheus's labels.Builder: each override replaces the label of its name, and an empty value
 * removes it.
 */
function withLabels(base: Labels, overrides: Labels): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== '') out[k] = v;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Go's time.Duration.String() for whole milliseconds, as promtool prints evaluation times: 2m0s, 1h0m0s, 500ms. */
function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  return `${sign}${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${rest / 1000}s`;
}
