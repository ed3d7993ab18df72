import type { Node } from 'yaml';
import { LineCounter, parseDocument } from 'yaml';
import type { Expr } from '../promql/ast.js';
import { parsePromql } from '../promql/parse-promql.js';
import { describeError } from '../../errors.js';
import { YamlReader } from './yaml-reader.js';

export interface RecordingRule {
  readonly kind: 'record';
  readonly name: string;
  readonly expr: Expr;
  readonly labels: Readonly<Record<string, string>>;
}

/** Alerting rules are carried along untouched until the alert state machine exists (issue #4). */
export interface AlertingRule {
  readonly kind: 'alert';
  readonly name: string;
  readonly expr: Expr;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];
/** serve-medic's own rule keys (see DESIGN.md); rule tests ignore them. */
const SERVE_MEDIC_KEYS = ['checklist', 'diagnose', 'remediation'];

/**
 * Just enough of a rule-file reader for rule unit tests: groups, their recording rules (which
 * promtool evaluates every evaluation_interval, so tests can query what they record) and the
 * names and expressions of alerting rules. The full rule loader with every check is `rules
 * check` (issue #4); when it lands, tests should load rules through it.
 */
export function parseRuleGroups(text: string, path: string): { groups: RuleGroup[]; problems: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: true, lineCounter: lines, version: '1.1' });
  const r = new YamlReader(path, lines);
  for (const e of doc.errors) r.problems.push(`${path}: ${e.message.split('\n')[0]}`);
  const top = r.map(doc.contents, ['groups'], 'a rule file');
  const groups = r.seq(top.get('groups'), 'groups').map((g) => readGroup(r, g));
  return { groups, problems: r.problems };
}

function readGroup(r: YamlReader, node: Node | null): RuleGroup {
  const g = r.map(node, ['name', 'interval', 'limit', 'rules'], 'a rule group');
  const name = r.string(g.get('name'), 'name');
  const rules: (RecordingRule | AlertingRule)[] = [];
  for (const ruleNode of r.seq(g.get('rules'), 'rules')) {
    const rule = r.map(ruleNode, [...RULE_KEYS, ...SERVE_MEDIC_KEYS], 'a rule');
    const record = r.string(rule.get('record'), 'record');
    const alert = r.string(rule.get('alert'), 'alert');
    const exprText = r.string(rule.get('expr'), 'expr');
    if ((record === '') === (alert === '')) {
      r.problem(ruleNode, 'a rule needs exactly one of record and alert');
      continue;
    }
    let expr: Expr;
    try {
      expr = parsePromql(exprText);
    } catch (err) {
      r.problem(rule.get('expr'), `group "${name}", rule "${record || alert}": ${describeError(err)}`);
      continue;
    }
    if (record) rules.push({ kind: 'record', name: record, expr, labels: r.stringMap(rule.get('labels'), 'labels') });
    else rules.push({ kind: 'alert', name: alert, expr });
  }
  return { name, rules };
}
