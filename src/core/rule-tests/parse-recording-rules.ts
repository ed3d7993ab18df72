import type { Node } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { describeError } from '../../errors.js';
import { parsePromql } from '../promql/parse-promql.js';
import { YamlReader } from './yaml-reader.js';

export interface RecordingRule {
  readonly kind: 'record';
  readonly name: string;
  /** Checked at load; evaluated by text (the query engine caches the parse). */
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface RecordingRuleGroup {
  readonly name: string;
  readonly rules: readonly RecordingRule[];
}

const GROUP_KEYS = ['name', 'interval', 'limit', 'rules'];
const RULE_KEYS = ['record', 'expr', 'labels'];

/**
 * Reads a rule file of recording rules, which rule tests may use as helpers (promtool
 * evaluates them every evaluation_interval, so tests can query what they record, and alerting
 * rules can build on them). serve-medic itself never runs recording rules, and its rule loader
 * rejects them; so a file holding any recording rule is read here, strictly, and every other
 * rule file goes through that loader (load-test-rules.ts). Returns undefined when the file
 * holds no recording rule. An alerting rule next to recording rules is a problem: it would
 * escape the loader's checks.
 */
export function parseRecordingRules(text: string, path: string): { groups: RecordingRuleGroup[]; problems: string[] } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: true, lineCounter: lines, version: '1.1' });
  if (doc.errors.length > 0 || !holdsRecordingRule(doc.contents)) return undefined;
  const r = new YamlReader(path, lines);
  const top = r.map(doc.contents, ['groups'], 'a rule file');
  const groups = r.seq(top.get('groups'), 'groups').map((g) => readGroup(r, g));
  return { groups, problems: r.problems };
}

function holdsRecordingRule(contents: unknown): boolean {
  const groups = isMap(contents) ? contents.get('groups', true) : undefined;
  if (!isSeq(groups)) return false;
  return groups.items.some((g) => {
    const rules = isMap(g) ? g.get('rules', true) : undefined;
    return isSeq(rules) && rules.items.some((rule) => isMap(rule) && rule.has('record'));
  });
}

function readGroup(r: YamlReader, node: Node | null): RecordingRuleGroup {
  const g = r.map(node, GROUP_KEYS, 'a rule group');
  const name = r.string(g.get('name'), 'name');
  const rules: RecordingRule[] = [];
  for (const ruleNode of r.seq(g.get('rules'), 'rules')) {
    const alert = isMap(ruleNode) ? ruleNode.items.find((p) => isScalar(p.key) && p.key.value === 'alert') : undefined;
    if (alert) {
      r.problem(
        alert.key as Node,
        'an alerting rule in a file of recording rules: serve-medic loads alerting rules with its rule loader, which does not accept recording rules; move the alerting rules to a file of their own',
      );
      continue;
    }
    const rule = r.map(ruleNode, RULE_KEYS, 'a recording rule');
    const record = r.string(rule.get('record'), 'record');
    const expr = r.string(rule.get('expr'), 'expr');
    if (record === '') {
      r.problem(ruleNode, 'a recording rule needs a name (record)');
      continue;
    }
    try {
      parsePromql(expr);
    } catch (err) {
      r.problem(rule.get('expr'), `group "${name}", rule "${record}": ${describeError(err)}`);
      continue;
    }
    rules.push({ kind: 'record', name: record, expr, labels: r.stringMap(rule.get('labels'), 'labels') });
  }
  return { name, rules };
}
