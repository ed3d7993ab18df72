import type { AlertRule } from '../model/rule.js';
import type { RuleFileInput } from '../rules/parse-rule-file.js';
import { parseRuleFiles } from '../rules/parse-rule-file.js';
import type { RecordingRule } from './parse-recording-rules.js';
import { parseRecordingRules } from './parse-recording-rules.js';

export interface TestAlertingRule {
  readonly kind: 'alert';
  readonly rule: AlertRule;
}

export type TestRule = RecordingRule | TestAlertingRule;

export interface TestRuleGroup {
  readonly name: string;
  /** In file order: a rule sees what the rules before it recorded at the same evaluation. */
  readonly rules: readonly TestRule[];
}

/**
 * The rule groups of a test file's rule_files, in file order. Alerting rules are loaded by
 * serve-medic's own rule loader (parseRuleFiles), the one `rules check` and the service use, so
 * a test runs exactly the rules serve-medic would run and accepts its `checklist`, `diagnose`
 * and `remediation` keys (checklist ids are not resolved here; that is `rules check`'s job).
 * Its checks therefore apply: alert and group names are unique across the files, templates use
 * only what serve-medic renders. Plain Prometheus files load the same way, and so do exported
 * ones (`rules export`); but those carry the serve_medic_checklist annotation, which tests
 * written for the rules as authored do not list, here as under promtool (promtool cannot read
 * the authored files, so test/rules-alerts/promtool-rules.test.ts removes it from its export).
 * Recording rules, which that loader rejects, come from files of their own
 * (parse-recording-rules.ts). A file matched twice is loaded once, as promtool keys groups by
 * file and name.
 */
export function loadTestRules(inputs: readonly RuleFileInput[]): { groups: TestRuleGroup[]; problems: string[] } {
  const problems: string[] = [];
  const seen = new Set<string>();
  const parts: (TestRuleGroup[] | string)[] = [];
  const alertFiles: RuleFileInput[] = [];
  for (const input of inputs) {
    if (seen.has(input.fileName)) continue;
    seen.add(input.fileName);
    const recording = parseRecordingRules(input.text, input.fileName);
    if (recording) {
      problems.push(...recording.problems);
      parts.push(recording.groups);
    } else {
      alertFiles.push(input);
      parts.push(input.fileName);
    }
  }
  const loaded = parseRuleFiles(alertFiles);
  problems.push(...loaded.errors);
  if (problems.length > 0) return { groups: [], problems };

  const groups = parts.flatMap((part) =>
    typeof part !== 'string'
      ? part
      : loaded.groups.filter((g) => g.file === part).map((g) => ({ name: g.name, rules: g.rules.map((rule) => ({ kind: 'alert' as const, rule })) })),
  );
  return { groups, problems };
}
