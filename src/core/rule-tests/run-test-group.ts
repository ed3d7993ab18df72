import { describeError } from '../../errors.js';
import type { Labels } from '../labels.js';
import { labelsKey } from '../labels.js';
import { evaluatePromql } from '../promql/evaluate-promql.js';
import { formatDuration, goQuote } from '../promql/go-format.js';
import { parseMetricPrefix } from '../promql/parse-metric.js';
import { SampleStore } from '../store/sample-store.js';
import { compareSamples } from './compare-samples.js';
import type { RuleGroup } from './parse-rule-groups.js';
import type { SeriesStep } from './parse-series-values.js';
import { parseSeriesValues, SeriesValuesError } from './parse-series-values.js';
import type { TestGroup } from './parse-rule-test-file.js';

export interface TestGroupContext {
  readonly evaluationIntervalMs: number;
  /** Rule groups in evaluation order. */
  readonly ruleGroups: readonly RuleGroup[];
}

interface LoadedSeries {
  readonly labels: Labels;
  readonly steps: readonly SeriesStep[];
  next: number;
}

/**
 * Runs one test group the way promtool 2.42 does and returns its failures, worded like
 * promtool's. Time starts at 0 and moves in evaluation_interval steps up to the largest
 * eval_time; at each step the input samples up to that time are loaded and the recording
 * rules evaluated (their results are queryable, and series they stop returning go stale).
 * Expressions are evaluated afterwards, so samples after the last step are never loaded,
 * even when an eval_time falls between steps, as in promtool.
 */
export function runTestGroup(group: TestGroup, context: TestGroupContext): string[] {
  const loaded = new Map<string, LoadedSeries>();
  for (const input of group.inputSeries) {
    try {
      const { labels, end } = parseMetricPrefix(input.series);
      if (input.series.slice(end).trim() !== '') throw new SeriesValuesError(`unexpected text after the series: ${input.series.slice(end)}`, end + 1);
      const steps = parseSeriesValues(input.values);
      // A series listed twice keeps only its last definition (promtool keys them by labels).
      loaded.set(labelsKey(labels), { labels, steps, next: 0 });
    } catch (err) {
      return [`    input series ${goQuote(input.series)} (line ${input.line}): ${describeError(err)}`];
    }
  }

  const errors: string[] = [];
  const store = new SampleStore({ retentionMs: Infinity, autoGcEveryMs: 0 });
  const maxEvalTime = Math.max(0, ...group.promqlExprTests.map((t) => t.evalTimeMs), ...group.alertRuleTests.map((t) => t.evalTimeMs));
  const previous = new Map<string, Map<string, Labels>>();
  for (let ts = 0; ts <= maxEvalTime; ts += context.evaluationIntervalMs) {
    loadUntil(store, loaded, group.intervalMs, ts);
    const ruleErrors = evaluateRules(store, context.ruleGroups, ts, previous);
    if (ruleErrors.length > 0) return [...errors, ...ruleErrors];
  }

  for (const alert of group.alertRuleTests) {
    errors.push(`${testName(group)}    alertname: ${alert.alertname}, time: ${formatDuration(alert.evalTimeMs)}, err: alert_rule_test not yet supported (issue #4)`);
  }
  const hasAlertingRules = context.ruleGroups.some((g) => g.rules.some((r) => r.kind === 'alert'));
  for (const test of group.promqlExprTests) {
    const head = `    expr: ${goQuote(test.expr)}, time: ${formatDuration(test.evalTimeMs)}`;
    if (hasAlertingRules && /\bALERTS(_FOR_STATE)?\b/.test(test.expr)) {
      errors.push(`${head}, err: the ALERTS series of alerting rules is not produced yet (issue #4)`);
      continue;
    }
    let got: { labels: Labels; value: number }[];
    try {
      const value = evaluatePromql(test.expr, store, test.evalTimeMs);
      if (value.type === 'vector') got = value.samples.map((s) => ({ labels: s.labels, value: s.value }));
      else if (value.type === 'scalar') got = [{ labels: {}, value: value.value }];
      else throw new Error('rule result is not a vector or scalar');
    } catch (err) {
      errors.push(`${head}, err: ${describeError(err)}`);
      continue;
    }
    const mismatch = compareSamples(test.expSamples, got);
    if (mismatch.kind === 'bad-labels') errors.push(`${head}, err: labels ${goQuote(mismatch.labels)}: ${mismatch.message}`);
    else if (mismatch.kind === 'differ') errors.push(`${head},\n        exp: ${mismatch.expected}\n        got: ${mismatch.got}`);
  }
  return errors;
}

function testName(group: TestGroup): string {
  return group.name ? `    name: ${group.name},\n` : '';
}

/** Appends every input step with time <= ts (step i is at i × interval). */
function loadUntil(store: SampleStore, loaded: Map<string, LoadedSeries>, intervalMs: number, ts: number): void {
  for (const series of loaded.values()) {
    for (; series.next < series.steps.length; series.next++) {
      const t = series.next * intervalMs;
      if (t > ts) break;
      const step = series.steps[series.next]!;
      if (step.kind === 'value') store.append(series.labels, t, step.value);
      else if (step.kind === 'stale') store.markStaleRef(store.ref(series.labels), t);
    }
  }
}

/**
 * Evaluates recording rules at ts, group by group, rule by rule, each seeing what the ones
 * before it recorded. Returns promtool-style errors; the test group stops on the first.
 */
function evaluateRules(store: SampleStore, groups: readonly RuleGroup[], ts: number, previous: Map<string, Map<string, Labels>>): string[] {
  const errors: string[] = [];
  groups.forEach((group, gi) => {
    group.rules.forEach((rule, ri) => {
      if (rule.kind !== 'record') return;
      const id = `${gi}/${ri}`;
      const returned = new Map<string, Labels>();
      try {
        const value = evaluatePromql(rule.expr, store, ts);
        const samples =
          value.type === 'vector' ? value.samples : value.type === 'scalar' ? [{ labels: {}, value: value.value }] : undefined;
        if (!samples) throw new Error('rule result is not a vector or scalar');
        for (const s of samples) {
          const labels: Record<string, string> = { ...s.labels, ...rule.labels, __name__: rule.name };
          const key = labelsKey(labels);
          if (returned.has(key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
          returned.set(key, labels);
          store.append(labels, ts, s.value);
        }
      } catch (err) {
        errors.push(`    rule: ${rule.name}, time: ${formatDuration(ts)}, err: ${describeError(err)}`);
        return;
      }
      for (const [key, labels] of previous.get(id) ?? []) {
        if (!returned.has(key)) store.markStale(labels, ts);
      }
      previous.set(id, returned);
    });
  });
  return errors;
}
