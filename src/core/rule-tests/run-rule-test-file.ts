import { dirname, isAbsolute, join } from 'node:path';
import { describeError } from '../../errors.js';
import type { RuleFileInput } from '../rules/parse-rule-file.js';
import { loadTestRules } from './load-test-rules.js';
import { parseRuleTestFile } from './parse-rule-test-file.js';
import { runTestGroup } from './run-test-group.js';

/** The file system as rule tests need it; the CLI passes the real one, tests a fake. */
export interface RuleTestFiles {
  readFile(path: string): Promise<string>;
  /** Paths matching a glob pattern (promtool globs rule_files); [] when none. */
  glob(pattern: string): Promise<string[]>;
}

export interface RuleTestFileResult {
  readonly path: string;
  readonly failures: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Runs one `promtool test rules` file: parses it strictly, loads its rule_files (relative to
 * the test file, globbed), orders rule groups by group_eval_order, and runs every test group.
 */
export async function runRuleTestFile(path: string, files: RuleTestFiles): Promise<RuleTestFileResult> {
  const warnings: string[] = [];
  let text: string;
  try {
    text = await files.readFile(path);
  } catch (err) {
    return { path, failures: [describeError(err)], warnings };
  }
  const { file, problems } = parseRuleTestFile(text, path);
  if (problems.length > 0) return { path, failures: problems, warnings };

  const seen = new Set<string>();
  for (const name of file.groupEvalOrder) {
    if (seen.has(name)) return { path, failures: [`group name repeated in evaluation order: ${name}`], warnings };
    seen.add(name);
  }
  const ruleFiles: RuleFileInput[] = [];
  for (const pattern of file.ruleFiles) {
    const resolved = pattern === '' || isAbsolute(pattern) ? pattern : join(dirname(path), pattern);
    const matches = await files.glob(resolved);
    if (matches.length === 0) warnings.push(`  WARNING: no file match pattern ${resolved}`);
    for (const match of matches) {
      try {
        ruleFiles.push({ text: await files.readFile(match), fileName: match });
      } catch (err) {
        return { path, failures: [describeError(err)], warnings };
      }
    }
  }
  const { groups, problems: ruleProblems } = loadTestRules(ruleFiles);
  if (ruleProblems.length > 0) return { path, failures: ruleProblems, warnings };
  const failures: string[] = [];
  const order = new Map(file.groupEvalOrder.map((name, i) => [name, i]));
  const ordered = [...groups].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));

  for (const group of file.tests) {
    if (!group.intervalSet && group.inputSeries.length > 0) {
      warnings.push(`  WARNING: test group at line ${group.line} sets no interval: as in promtool 2.42, every input sample is loaded at time 0`);
    }
    failures.push(...(await runTestGroup(group, { evaluationIntervalMs: file.evaluationIntervalMs, ruleGroups: ordered })));
  }
  return { path, failures, warnings };
}
