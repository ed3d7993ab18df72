import { describeError } from '../../errors.js';
import type { Labels } from '../labels.js';
import { labelsKey } from '../labels.js';
import { formatDuration, goQuote } from '../promql/go-format.js';
import { parseMetricPrefix } from '../promql/parse-metric.js';
import { SampleStore } from '../store/sample-store.js';
import { compareAlerts } from './compare-alerts.js';
import { compareSamples } from './compare-samples.js';
import { TestRuleEvaluator } from './evaluate-test-rules.js';
import type { TestRuleGroup } from './load-test-rules.js';
import type { SeriesStep } from './parse-series-values.js';
import { parseSeriesValues, SeriesValuesError } from './parse-series-values.js';
import type { AlertRuleTest, PromqlExprTest, TestGroup } from './parse-rule-test-file.js';

export interface TestGroupContext {
  readonly evaluationIntervalMs: number;
  /** Rule groups in evaluation order. */
  readonly ruleGroups: readonly TestRuleGroup[];
}

interface LoadedSeries {
  readonly labels: Labels;
  readonly steps: readonly SeriesStep[];
  next: number;
}

/**
 * Runs one test group the way promtool 2.42 does and returns its failures, worded like
 * promtool's. Time starts at 0 and moves in evaluation_interval steps up to the largest
 * eval_time; at each step the input samples up to that time are loaded, every rule is
 * evaluated, and then the alert_rule_tests whose eval_time falls in [step, next step) are
 * checked against the firing alerts (so an eval_time between two steps sees the earlier one).
 * A rule that fails ends the group after that step. Expressions are evaluated afterwards, so
 * samples after the last step are never loaded, even when an eval_time falls between steps.
 */
export async function runTestGroup(group: TestGroup, context: TestGroupContext): Promise<string[]> {
  const loaded = loadInputSeries(group);
  if (!(loaded instanceof Map)) return loaded;
  const unnamed = group.alertRuleTests.find((t) => t.alertname === '');
  if (unnamed) {
    const where = group.name ? ` (in TestGroup ${group.name})` : '';
    return [`an item under alert_rule_test misses required attribute alertname at eval_time ${formatDuration(unnamed.evalTimeMs)}${where}`];
  }

  const errors: string[] = [];
  const store = new SampleStore({ retentionMs: Infinity, autoGcEveryMs: 0 });
  const rules = new TestRuleEvaluator(store, context.ruleGroups, group.externalLabels);
  const interval = context.evaluationIntervalMs;
  const maxEvalTime = Math.max(0, ...group.promqlExprTests.map((t) => t.evalTimeMs), ...group.alertRuleTests.map((t) => t.evalTimeMs));
  const alertTimes = [...new Set(group.alertRuleTests.map((t) => t.evalTimeMs))].sort((a, b) => a - b);
  let nextAlertTime = 0;
  for (let ts = 0; ts <= maxEvalTime; ts += interval) {
    loadUntil(store, loaded, group.intervalMs, ts);
    const ruleErrors = await rules.evaluate(ts);
    if (ruleErrors.length > 0) return [...errors, ...ruleErrors];
    for (; nextAlertTime < alertTimes.length && alertTimes[nextAlertTime]! < ts + interval; nextAlertTime++) {
      const time = alertTimes[nextAlertTime]!;
      for (const test of group.alertRuleTests) {
        if (test.evalTimeMs === time) errors.push(...checkAlerts(group, test, rules));
      }
    }
  }
  for (const test of group.promqlExprTests) errors.push(...(await checkExpr(test, rules)));
  return errors;
}

/** The input series by label set (a series listed twice keeps its last definition, as in promtool), or the failure. */
function loadInputSeries(group: TestGroup): Map<string, LoadedSeries> | string[] {
  const loaded = new Map<string, LoadedSeries>();
  for (const input of group.inputSeries) {
    try {
      const { labels, end } = parseMetricPrefix(input.series);
      if (input.series.slice(end).trim() !== '') throw new SeriesValuesError(`unexpected text after the series: ${input.series.slice(end)}`, end + 1);
      loaded.set(labelsKey(labels), { labels, steps: parseSeriesValues(input.values), next: 0 });
    } catch (err) {
      return [`    input series ${goQuote(input.series)} (line ${input.line}): ${describeError(err)}`];
    }
  }
  return loaded;
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

/** The alertname is added to every expected alert's labels, as promtool does (the test names it once). */
function checkAlerts(group: TestGroup, test: AlertRuleTest, rules: TestRuleEvaluator): string[] {
  const expected = test.expAlerts.map((a) => ({ labels: { ...a.expLabels, alertname: test.alertname }, annotations: a.expAnnotations }));
  const diff = compareAlerts(expected, rules.firingAlerts(test.alertname));
  if (!diff) return [];
  const name = group.name ? `    name: ${group.name},\n` : '';
  return [`${name}    alertname: ${test.alertname}, time: ${formatDuration(test.evalTimeMs)}, \n        exp:${diff.expected}, \n        got:${diff.got}`];
}

async function checkExpr(test: PromqlExprTest, rules: TestRuleEvaluator): Promise<string[]> {
  const head = `    expr: ${goQuote(test.expr)}, time: ${formatDuration(test.evalTimeMs)}`;
  const result = await rules.query(test.expr, test.evalTimeMs);
  if ('error' in result) return [`${head}, err: ${result.error}`];
  const mismatch = compareSamples(test.expSamples, result.vector);
  if (mismatch.kind === 'bad-labels') return [`${head}, err: labels ${goQuote(mismatch.labels)}: ${mismatch.message}`];
  if (mismatch.kind === 'differ') return [`${head},\n        exp: ${mismatch.expected}\n        got: ${mismatch.got}`];
  return [];
}
