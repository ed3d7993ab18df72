import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeriesValues } from '../../src/core/rule-tests/parse-series-values.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'serve-medic-rules-test-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('input_series notation', () => {
  const values = (text: string): (number | string)[] =>
    parseSeriesValues(text).map((s) => (s.kind === 'value' ? s.value : s.kind === 'stale' ? 'stale' : '_'));

  it('expands a+bxN, a-bxN and axN to N+1 values', () => {
    expect(values('1+2x3')).toEqual([1, 3, 5, 7]);
    expect(values('10-2x2')).toEqual([10, 8, 6]);
    expect(values('-1+1x2')).toEqual([-1, 0, 1]);
    expect(values('5x2')).toEqual([5, 5, 5]);
    expect(values('5x0')).toEqual([5]);
    // Hex does not exist in series values: the x is a repetition.
    expect(values('0x2')).toEqual([0, 0, 0]);
  });

  it('reads blanks, stale markers and special numbers', () => {
    expect(values('_ _x2 stale 1e2 .5 +3 -Inf NaN')).toEqual(['_', '_', '_', 'stale', 100, 0.5, 3, -Infinity, NaN]);
  });

  it.each(['1+2', 'stalex2', 'Infx2', '1+Infx1', '1 + 2x3', 'abc'])('rejects %s', (text) => {
    expect(() => parseSeriesValues(text)).toThrow(/invalid series value/);
  });
});

describe('serve-medic rules test', () => {
  it('prints SUCCESS and exits 0 when every case passes', async () => {
    const path = file(
      'ok.test.yaml',
      `tests:
  - interval: 1m
    input_series:
      - series: 'up{job="a"}'
        values: '1 1 0'
    promql_expr_test:
      - expr: up == 0
        eval_time: 2m
        exp_samples:
          - labels: 'up{job="a"}'
            value: 0
`,
    );
    const r = await runCli(['rules', 'test', path]);
    expect(r.stdout).toBe(`Unit Testing:  ${path}\n  SUCCESS\n\n`);
    expect(r.code).toBe(0);
  });

  it('reports the expression, expected and got of a failing case like promtool, and exits 1', async () => {
    const path = file(
      'fail.test.yaml',
      `evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'requests_total{app="a"}'
        values: '0+60x10'
    promql_expr_test:
      - expr: rate(requests_total[5m])
        eval_time: 10m
        exp_samples:
          - labels: '{app="a"}'
            value: 2
      - expr: nope(
        eval_time: 1m
`,
    );
    const r = await runCli(['rules', 'test', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('  FAILED:');
    expect(r.stderr).toContain(
      '    expr: "rate(requests_total[5m])", time: 10m,\n        exp: {app="a"} 2E+00\n        got: {app="a"} 1E+00\n',
    );
    expect(r.stderr).toContain('    expr: "nope(", time: 1m, err: PROMQL_SYNTAX: parse error at column');
  });

  it('rejects unknown keys and quoted numbers with their line and column', async () => {
    const path = file(
      'strict.test.yaml',
      `tests:
  - interval: 1m
    input_series: []
    promql_expr_test:
      - expr: vector(1)
        eval_tim: 1m
        exp_samples:
          - labels: '{}'
            value: "1"
`,
    );
    const r = await runCli(['rules', 'test', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path}:6:9: field eval_tim not found`);
    expect(r.stderr).toContain(`${path}:9:20: value: cannot read "1" as a number`);
  });

  it('compares values exactly and never matches NaN, as promtool 2.42 does', async () => {
    const path = file(
      'nan.test.yaml',
      `tests:
  - interval: 1m
    input_series:
      - series: 'g'
        values: 'NaN'
    promql_expr_test:
      - expr: g
        eval_time: 0m
        exp_samples:
          - labels: g
            value: .nan
`,
    );
    const r = await runCli(['rules', 'test', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exp: {__name__="g"} NaN\n        got: {__name__="g"} NaN');
  });

  it('reports a bad input series', async () => {
    const path = file('badseries.test.yaml', "tests:\n  - interval: 1m\n    input_series:\n      - series: 'g'\n        values: '1 Infx2'\n");
    const r = await runCli(['rules', 'test', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('input series "g" (line 4): invalid series value "Infx2"');
  });

  it('warns when a rule file pattern matches nothing', async () => {
    const path = file('nomatch.test.yaml', 'rule_files: [missing/*.yaml]\ntests: []\n');
    const r = await runCli(['rules', 'test', path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('WARNING: no file match pattern');
  });

  it('exits 2 without files or with unknown options', async () => {
    expect((await runCli(['rules', 'test'])).code).toBe(2);
    const r = await runCli(['rules', 'test', '--frobnicate', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: serve-medic rules test FILE...');
  });

  it('fails a file that cannot be read', async () => {
    const r = await runCli(['rules', 'test', join(dir, 'does-not-exist.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAILED');
  });
});
