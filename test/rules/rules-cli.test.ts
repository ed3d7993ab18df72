import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const execFileAsync = promisify(execFile);
const REPO = new URL('../../', import.meta.url).pathname;
const PROMTOOL = '/usr/bin/promtool';

function hasPromtool(): boolean {
  try {
    accessSync(PROMTOOL, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
if (!hasPromtool() && process.env.CI) throw new Error(`${PROMTOOL} is required on CI (apt-get install prometheus)`);

const CHECKLIST = `items:
  - id: latency-queue-building-up
    title: Queue building up
    section: High Latency Checklist, item 1
    check: queued queries rising
    fix: Add replicas
    signal: metrics
    remediation: { automatic: true, actions: [raise_max_replicas], manual: raise max_replicas }
  - id: latency-cold-start
    title: Cold start
    section: High Latency Checklist, item 3
    check: slow replica starts
    fix: Raise min_replicas
    signal: metrics
    remediation: { automatic: true, actions: [raise_min_replicas], manual: raise min_replicas }
`;

const LATENCY = `groups:
  - name: serve-latency
    interval: 30s
    rules:
      - alert: ServeHighLatency
        expr: |
          histogram_quantile(0.99, sum by (application, le) (rate(ray_serve_http_request_latency_ms_bucket[5m])))
            > 2000
        for: 1h30m
        keep_firing_for: 2m
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.application }}: p99 {{ $value | humanize }} ms"
          description: >-
            p99 of {{ $labels.application }} is {{ printf "%.1f" $value }} ms.
        checklist: [latency-queue-building-up, latency-cold-start]
        diagnose:
          - name: queued requests
            expr: sum by (application) (ray_serve_deployment_queued_queries{application="{{ $labels.application }}"}) > 10
            confirms: latency-queue-building-up
        remediation: { action: raise_max_replicas, ceiling: 20, max_step: 2, cooldown: 15m }
`;

const ERRORS = `groups:
  - name: serve-errors
    rules:
      - alert: ServeErrors
        expr: sum by (application) (rate(ray_serve_num_http_error_requests_total[5m])) > 0
`;

let dir: string;
const write = (name: string, text: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'serve-medic-rules-cli-'));
  write('rules/checklist.yaml', CHECKLIST);
  write('rules/latency.yaml', LATENCY);
  write('rules/errors.yml', ERRORS);
  write('rules/latency.test.yaml', 'rule_files: [latency.yaml]\ntests: []\n');
  write('rules/README.md', 'not a rule file');
  write('broken/checklist.yaml', CHECKLIST);
  write('broken/a.yaml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(\n        checklist: [latency-queue-buildingup]\n');
  write('broken/b.yaml', 'groups:\n  - name: g\n    interval: 45s\n    rules:\n      - alert: A\n        expr: up\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve-medic rules check', () => {
  it('says ok with the counts for valid rules, skipping the checklist, unit tests and non-YAML files', async () => {
    const r = await runCli(['rules', 'check', 'rules'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok: 2 groups, 2 alert rules in 2 files\n');
    expect(r.code).toBe(0);
  });

  it('checks the configured rules paths by default: the shipped rules/ directory', async () => {
    const r = await runCli(['rules', 'check'], { cwd: REPO });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ok: \d+ groups, \d+ alert rules in \d+ files\n$/);
    expect(r.code).toBe(0);
  });

  it('takes the default paths from the config file', async () => {
    write('serve-medic.yaml', 'rules:\n  paths: [rules/latency.yaml]\n');
    const r = await runCli(['rules', 'check', '--config', 'serve-medic.yaml'], { cwd: dir });
    expect(r.stdout).toBe('ok: 1 group, 1 alert rule in 1 file\n');
  });

  it('prints every problem of every file as file:line:col: message and exits 1', async () => {
    const r = await runCli(['rules', 'check', 'broken'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'broken/a.yaml:5:19: expr: parse error: unexpected end of input',
      'broken/a.yaml:6:21: checklist[0]: unknown checklist item "latency-queue-buildingup" (did you mean "latency-queue-building-up"?)',
      expect.stringMatching(/^broken\/b\.yaml:2:11: group name "g" is already used at broken\/a\.yaml:2; /),
      expect.stringMatching(/^broken\/b\.yaml:3:15: interval 45s cannot be scheduled evenly: /),
      expect.stringMatching(/^broken\/b\.yaml:5:16: alert "A" is already defined at broken\/a\.yaml:4; /),
    ]);
  });

  it('accepts PromQL only Prometheus evaluates when the config sends queries to Prometheus', async () => {
    write('prom-only/a.yaml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(x[5m] @ start()) > 0\n');
    const builtin = await runCli(['rules', 'check', 'prom-only'], { cwd: dir });
    expect(builtin.code).toBe(1);
    expect(builtin.stderr).toMatch(/^prom-only\/a\.yaml:5:20: expr: the @ modifier is not supported by the built-in evaluator; evaluate this expression in Prometheus instead\n$/);
    const prometheus = await runCli(['rules', 'check', 'prom-only'], { cwd: dir, env: { PROMETHEUS_URL: 'http://127.0.0.1:9090' } });
    expect(prometheus).toMatchObject({ code: 0, stdout: 'ok: 1 group, 1 alert rule in 1 file\n' });
  });

  it('reports a missing path as a problem (exit 1) and an unknown option as a usage error (exit 2)', async () => {
    const missing = await runCli(['rules', 'check', 'nowhere'], { cwd: dir });
    expect(missing).toMatchObject({ code: 1, stderr: 'nowhere: no such file or directory\n' });
    const usage = await runCli(['rules', 'check', '--frob'], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: serve-medic rules check');
  });
});

describe('serve-medic rules export', () => {
  it('writes a plain Prometheus rule file: extension keys stripped, checklist ids in an annotation', async () => {
    const r = await runCli(['rules', 'export', 'rules'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Exported by serve-medic rules export from rules\/errors\.yml, rules\/latency\.yaml\.\n/);
    expect(parse(r.stdout)).toEqual({
      groups: [
        {
          name: 'serve-errors',
          interval: '15s',
          rules: [{ alert: 'ServeErrors', expr: 'sum by (application) (rate(ray_serve_num_http_error_requests_total[5m])) > 0' }],
        },
        {
          name: 'serve-latency',
          interval: '30s',
          rules: [
            {
              alert: 'ServeHighLatency',
              expr: 'histogram_quantile(0.99, sum by (application, le) (rate(ray_serve_http_request_latency_ms_bucket[5m])))\n  > 2000',
              for: '1h30m',
              keep_firing_for: '2m',
              labels: { severity: 'warning' },
              annotations: {
                summary: '{{ $labels.application }}: p99 {{ $value | humanize }} ms',
                description: 'p99 of {{ $labels.application }} is {{ printf "%.1f" $value }} ms.',
                serve_medic_checklist: 'latency-queue-building-up,latency-cold-start',
              },
            },
          ],
        },
      ],
    });
  });

  it('writes to -o FILE, and writes nothing for invalid rules', async () => {
    const ok = await runCli(['rules', 'export', 'rules', '-o', 'out.yaml'], { cwd: dir });
    expect(ok).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(join(dir, 'out.yaml'), 'utf8')).toContain('alert: ServeHighLatency');
    const bad = await runCli(['rules', 'export', 'broken', '-o', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('broken/a.yaml:5:19: expr: parse error');
    expect(() => readFileSync(join(dir, 'bad.yaml'))).toThrow();
  });

  it.skipIf(!hasPromtool())('produces files that the real `promtool check rules` accepts: fixtures and the shipped rules', async () => {
    const fixture = await runCli(['rules', 'export', 'rules', '-o', 'fixture-export.yaml'], { cwd: dir });
    const shipped = await runCli(['rules', 'export', join(REPO, 'rules'), '-o', 'shipped-export.yaml'], { cwd: dir });
    expect([fixture.code, shipped.code, fixture.stderr, shipped.stderr]).toEqual([0, 0, '', '']);
    const { stdout } = await execFileAsync(PROMTOOL, ['check', 'rules', 'fixture-export.yaml', 'shipped-export.yaml'], { cwd: dir, timeout: 30_000 });
    expect(stdout).toContain('SUCCESS: 2 rules found');
    expect(stdout).not.toContain('FAILED');
  });
});
