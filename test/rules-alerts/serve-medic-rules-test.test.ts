import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TESTS_DIR } from './rule-files.js';

/**
 * The same alert unit tests under serve-medic's own `rules test`, which loads the rule files as
 * written (extension keys included, and no serve_medic_checklist annotation: that one only
 * exists in exported files). Every test, alert_rule_test and promql_expr_test, must pass.
 */
describe('alert rule tests under serve-medic rules test', () => {
  it('passes every test file', async () => {
    const files = readdirSync(TESTS_DIR)
      .filter((f) => f.endsWith('.test.yaml'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(6);
    const r = await runCli(['rules', 'test', ...files.map((f) => join(TESTS_DIR, f))], { cwd: join(TESTS_DIR, '..', '..') });
    expect(r.stderr).toBe('');
    expect(r.stdout.match(/^ {2}SUCCESS$/gm)?.length, r.stdout).toBe(files.length);
    expect(r.code).toBe(0);
  }, 60_000);
});
