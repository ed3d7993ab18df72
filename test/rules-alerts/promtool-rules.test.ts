import { execFile } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/adapters/rules/load-rules.js';
import { CHECKLIST_ANNOTATION, exportRules } from '../../src/core/rules/export-rules.js';
import { allRules, renderProbe, ruleFileNames, RULES_DIR, TESTS_DIR } from './rule-files.js';

/**
 * The alert unit tests (test/rules-alerts/*.test.yaml) under the real `promtool test rules`
 * (Debian's 2.42 on these machines). promtool rejects serve-medic's extension keys, so each rule
 * file goes through `serve-medic rules export` (exportRules) into a temporary tree with the
 * repository's layout (tmp/rules/*.yaml, tmp/test/rules-alerts/*.test.yaml): the test files'
 * `../../rules/…` then points at the exported copy. The export adds a serve_medic_checklist
 * annotation for the Alertmanager round trip; the tests describe the rules as written (which is
 * also what `serve-medic rules test` loads), so that annotation is removed again here.
 * Skipped when promtool is missing, except on CI.
 */
const execFileAsync = promisify(execFile);

function findPromtool(): string | undefined {
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const promtool = findPromtool();
if (!promtool && process.env.CI) {
  throw new Error('promtool is required on CI to run the alert rule unit tests (apt-get install prometheus)');
}

async function run(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(promtool!, args, { cwd, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe.skipIf(!promtool)('alert rules under promtool', () => {
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'serve-medic-promtool-'));
    mkdirSync(join(root, 'rules'));
    mkdirSync(join(root, 'test', 'rules-alerts'), { recursive: true });
    for (const name of ruleFileNames()) {
      const loaded = await loadRules([join(RULES_DIR, name)]);
      if (loaded.errors.length > 0) throw new Error(loaded.errors.join('\n'));
      const doc = parse(exportRules(loaded.groups)) as { groups: { rules: { annotations?: Record<string, string> }[] }[] };
      for (const group of doc.groups) for (const rule of group.rules) delete rule.annotations?.[CHECKLIST_ANNOTATION];
      writeFileSync(join(root, 'rules', name), stringify(doc));
    }
    for (const name of readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.yaml'))) {
      copyFileSync(join(TESTS_DIR, name), join(root, 'test', 'rules-alerts', name));
    }
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('accepts every exported rule file', async () => {
    const files = ruleFileNames().map((n) => join('rules', n));
    const { code, output } = await run(['check', 'rules', ...files], root);
    expect(output, output).toContain('SUCCESS');
    expect(code, output).toBe(0);
  });

  it('parses every diagnose probe once its {{ $labels }} are rendered', async () => {
    // promtool has no "check expression": each probe becomes an alert of a scratch rule file.
    const rules = allRules().flatMap(({ rule }) =>
      (rule.diagnose ?? []).map((probe, i) => ({
        alert: `${rule.alert}Probe${i}`,
        expr: renderProbe(probe.expr, { application: 'shop', deployment: 'Ranker' }),
      })),
    );
    expect(rules.length).toBeGreaterThan(20);
    writeFileSync(join(root, 'probes.yaml'), stringify({ groups: [{ name: 'probes', rules }] }));
    const { code, output } = await run(['check', 'rules', 'probes.yaml'], root);
    expect(code, output).toBe(0);
  });

  it('passes every alert unit test', async () => {
    const tests = readdirSync(join(root, 'test', 'rules-alerts')).map((n) => join('test', 'rules-alerts', n));
    expect(tests.length).toBeGreaterThanOrEqual(6);
    const { code, output } = await run(['test', 'rules', ...tests], root);
    expect(output).not.toContain('FAILED');
    expect(code, output).toBe(0);
  });
});
