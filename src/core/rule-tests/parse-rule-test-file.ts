import type { Node } from 'yaml';
import { LineCounter, parseDocument } from 'yaml';
import { YamlReader } from './yaml-reader.js';

export interface InputSeries {
  readonly series: string;
  readonly values: string;
  readonly line: number;
}

export interface ExpectedSample {
  readonly labels: string;
  readonly value: number;
}

export interface PromqlExprTest {
  readonly expr: string;
  readonly evalTimeMs: number;
  readonly expSamples: readonly ExpectedSample[];
  readonly line: number;
}

export interface ExpectedAlert {
  /** Without alertname, which the runner adds from the test's alertname, as promtool does. */
  readonly expLabels: Readonly<Record<string, string>>;
  /** Every annotation of the alert, as rendered: omitted means the alert has none. */
  readonly expAnnotations: Readonly<Record<string, string>>;
}

/** The firing alerts of every rule named `alertname` at eval_time; empty exp_alerts: none fire. */
export interface AlertRuleTest {
  readonly evalTimeMs: number;
  readonly alertname: string;
  readonly expAlerts: readonly ExpectedAlert[];
  readonly line: number;
}

export interface TestGroup {
  readonly name: string;
  /** Spacing of input samples; 0 when omitted (promtool 2.42 then puts every sample at time 0). */
  readonly intervalMs: number;
  readonly intervalSet: boolean;
  readonly inputSeries: readonly InputSeries[];
  readonly promqlExprTests: readonly PromqlExprTest[];
  readonly alertRuleTests: readonly AlertRuleTest[];
  /** $externalLabels in alert templates; never added to alert labels (Prometheus adds them when sending). */
  readonly externalLabels: Readonly<Record<string, string>>;
  /**
   * Read so the key is valid, and otherwise unused: in Prometheus it only reaches templates
   * ($externalURL), which serve-medic's template checks reject.
   */
  readonly externalUrl: string;
  readonly line: number;
}

/** A `promtool test rules` file. */
export interface RuleTestFile {
  readonly ruleFiles: readonly string[];
  /** Default 1m, as promtool. */
  readonly evaluationIntervalMs: number;
  readonly groupEvalOrder: readonly string[];
  readonly tests: readonly TestGroup[];
}

const FILE_KEYS = ['rule_files', 'evaluation_interval', 'group_eval_order', 'tests'];
const GROUP_KEYS = ['interval', 'input_series', 'alert_rule_test', 'promql_expr_test', 'external_labels', 'external_url', 'name'];

/**
 * Parses a rule unit-test file strictly (unknown keys are errors, as promtool's strict YAML
 * decoding makes them). Returns the file and every problem found, each with line:col.
 */
export function parseRuleTestFile(text: string, path: string): { file: RuleTestFile; problems: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: true, lineCounter: lines, version: '1.1' });
  const r = new YamlReader(path, lines);
  for (const e of doc.errors) r.problems.push(`${path}:${e.linePos?.[0].line ?? 0}:${e.linePos?.[0].col ?? 0}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  const top = r.map(doc.contents, FILE_KEYS, 'the test file');
  const interval = top.get('evaluation_interval');
  const file: RuleTestFile = {
    ruleFiles: r.seq(top.get('rule_files'), 'rule_files').map((n) => r.string(n, 'rule_files[]')),
    evaluationIntervalMs: interval ? r.duration(interval, 'evaluation_interval') || 60_000 : 60_000,
    groupEvalOrder: r.seq(top.get('group_eval_order'), 'group_eval_order').map((n) => r.string(n, 'group_eval_order[]')),
    tests: r.seq(top.get('tests'), 'tests').map((n) => readGroup(r, n)),
  };
  return { file, problems: r.problems };
}

function readGroup(r: YamlReader, node: Node | null): TestGroup {
  const g = r.map(node, GROUP_KEYS, 'a test group');
  return {
    name: r.string(g.get('name'), 'name'),
    intervalMs: r.duration(g.get('interval'), 'interval'),
    intervalSet: g.has('interval'),
    inputSeries: r.seq(g.get('input_series'), 'input_series').map((n) => {
      const s = r.map(n, ['series', 'values'], 'an input series');
      return { series: r.string(s.get('series'), 'series'), values: r.string(s.get('values'), 'values'), line: r.line(n) };
    }),
    promqlExprTests: r.seq(g.get('promql_expr_test'), 'promql_expr_test').map((n) => {
      const t = r.map(n, ['expr', 'eval_time', 'exp_samples'], 'a promql_expr_test');
      return {
        expr: r.string(t.get('expr'), 'expr'),
        evalTimeMs: r.duration(t.get('eval_time'), 'eval_time'),
        expSamples: r.seq(t.get('exp_samples'), 'exp_samples').map((s) => {
          const e = r.map(s, ['labels', 'value'], 'an expected sample');
          return { labels: r.string(e.get('labels'), 'labels'), value: r.number(e.get('value'), 'value') };
        }),
        line: r.line(n),
      };
    }),
    alertRuleTests: r.seq(g.get('alert_rule_test'), 'alert_rule_test').map((n) => {
      const t = r.map(n, ['eval_time', 'alertname', 'exp_alerts'], 'an alert_rule_test');
      return {
        evalTimeMs: r.duration(t.get('eval_time'), 'eval_time'),
        alertname: r.string(t.get('alertname'), 'alertname'),
        expAlerts: r.seq(t.get('exp_alerts'), 'exp_alerts').map((a) => {
          const e = r.map(a, ['exp_labels', 'exp_annotations'], 'an expected alert');
          return {
            expLabels: r.stringMap(e.get('exp_labels'), 'exp_labels'),
            expAnnotations: r.stringMap(e.get('exp_annotations'), 'exp_annotations'),
          };
        }),
        line: r.line(n),
      };
    }),
    externalLabels: r.stringMap(g.get('external_labels'), 'external_labels'),
    externalUrl: r.string(g.get('external_url'), 'external_url'),
    line: r.line(node),
  };
}
