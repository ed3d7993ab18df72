import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { formatGoFloat, formatPyRepr } from '../../src/sim/py-float.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { readSamples, series, total } from './helpers/scrape.js';
import { captureSimulator, put, captureConfig } from './helpers/sim.js';

describe('numbers print as Ray (prometheus_client floatToGoString)', () => {
  it.each([
    [1, '1.0'],
    [0, '0.0'],
    [600000, '600000.0'],
    [1382096896, '1.382096896e+09'],
    [25276510208, '2.5276510208e+10'],
    [2.3365020751953125e-5, '2.3365020751953125e-05'],
    [0.00015493233998616535, '0.00015493233998616535'],
    [12.8, '12.8'],
    [Infinity, '+Inf'],
  ])('%d → %s', (value, text) => expect(formatGoFloat(value)).toBe(text));

  it('uses Python repr for 1e16 and small negatives', () => {
    expect(formatPyRepr(1e16)).toBe('1e+16');
    expect(formatPyRepr(-0.5)).toBe('-0.5');
  });
});

describe('/metrics', () => {
  const loaded = () => {
    const sim = captureSimulator();
    sim.step(10_000);
    sim.setLoad({ path: '/slow', rps: 6 });
    sim.setLoad({ path: '/fast', rps: 20 });
    sim.step(60_000);
    return sim;
  };

  it('negotiates text 0.0.4 and OpenMetrics 1.0 like Ray', () => {
    const sim = loaded();
    const text = sim.handle('GET', '/metrics');
    expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body).toContain('# TYPE ray_serve_num_http_requests_total counter');
    expect(text.body).not.toContain('# EOF');
    const om = sim.handle('GET', '/metrics', { accept: 'application/openmetrics-text; version=1.0.0' });
    expect(om.headers['content-type']).toMatch(/^application\/openmetrics-text; version=1\.0\.0; charset=utf-8/);
    expect(om.body).toContain('# TYPE ray_serve_num_http_requests counter\n');
    expect(om.body).toMatch(/\nray_serve_num_http_requests_total\{/);
    expect(om.body.endsWith('# EOF\n')).toBe(true);
  });

  it('carries Ray global and otel_scope labels, sorted, and Ray bucket bounds', () => {
    const body = loaded().metrics();
    const line = body.split('\n').find((l) => l.startsWith('ray_serve_replica_processing_queries{'))!;
    expect(line).toMatch(
      /^ray_serve_replica_processing_queries\{Component="core_worker",NodeAddress="127\.0\.0\.1",SessionName="session_2026-11-26_04-30-00_\d{6}_\d+",Version="2\.58\.0",WorkerId="[0-9a-f]{56}",application="app_\w+",deployment="\w+",otel_scope_name="ray\._private\.telemetry\.open_telemetry_metric_recorder",otel_scope_schema_url="",otel_scope_version="",replica="[a-z0-9]{8}"\} \d+\.\d+$/,
    );
    const les = series(readSamples(body), 'ray_serve_http_request_latency_ms_bucket', { application: 'app_slow' }).map((s) => s.labels.le);
    expect(les).toEqual(['1.0', '2.0', '5.0', '10.0', '20.0', '50.0', '100.0', '200.0', '300.0', '400.0', '500.0', '1000.0', '2000.0', '5000.0', '10000.0', '60000.0', '120000.0', '300000.0', '600000.0', '+Inf']);
    const startup = series(readSamples(body), 'ray_serve_replica_startup_latency_ms_bucket').map((s) => s.labels.le);
    expect(startup.slice(0, 4)).toEqual(['5.0', '20.0', '50.0', '100.0']);
  });

  it('emits the Serve and node metrics rules use', () => {
    const sim = loaded();
    const names = new Set(readSamples(sim.metrics()).map((s) => s.name.replace(/_(bucket|count|sum)$/, '')));
    for (const name of [
      'ray_serve_num_http_requests_total',
      'ray_serve_http_request_latency_ms',
      'ray_serve_num_router_requests_total',
      'ray_serve_deployment_queued_queries',
      'ray_serve_num_ongoing_requests_at_replicas',
      'ray_serve_request_router_fulfillment_time_ms',
      'ray_serve_deployment_request_counter_total',
      'ray_serve_deployment_processing_latency_ms',
      'ray_serve_replica_processing_queries',
      'ray_serve_replica_utilization_percent',
      'ray_serve_deployment_replica_starts_total',
      'ray_serve_deployment_replica_healthy',
      'ray_serve_autoscaling_target_replicas',
      'ray_serve_autoscaling_desired_replicas',
      'ray_serve_autoscaling_total_requests',
      'ray_serve_autoscaling_target_ongoing_requests',
      'ray_serve_deployment_status',
      'ray_serve_application_status',
      'ray_serve_proxy_status',
      'ray_serve_replica_startup_latency_ms',
      'ray_serve_replica_initialization_latency_ms',
      'ray_serve_num_ongoing_http_requests',
      'ray_node_cpu_utilization',
      'ray_node_mem_used',
      'ray_node_mem_total',
      'ray_component_cpu_percentage',
      'ray_component_rss_mb',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('shows error counters only after the first error, with the captured 503 body', () => {
    const sim = captureSimulator();
    sim.step(10_000);
    sim.setLoad({ path: '/slow', rps: 8 });
    sim.step(30_000);
    expect(sim.metrics()).not.toContain('ray_serve_num_http_error_requests_total');
    const config = captureConfig();
    (config.applications[1]!.deployments as Record<string, unknown>[])[0]!.max_queued_requests = 2;
    put(sim, config);
    sim.step(40_000);
    const samples = readSamples(sim.metrics());
    expect(total(samples, 'ray_serve_num_http_error_requests_total', { error_code: '503', application: 'app_slow' })).toBeGreaterThan(0);
    expect(total(samples, 'ray_serve_num_deployment_http_error_requests_total', { error_code: '503', deployment: 'Sleeper' })).toBeGreaterThan(0);
    expect(sim.responses().filter((r) => r.status === 503).at(-1)?.body).toBe('Request dropped due to backpressure (num_queued_requests=2, max_queued_requests=2).');
  });

  it('moves in report-interval steps: a change shows only at the next report', () => {
    const sim = captureSimulator();
    sim.step(20_000);
    sim.setLoad({ path: '/fast', rps: 50 });
    const counts: number[] = [];
    for (let i = 0; i < 40; i++) {
      sim.step(500);
      counts.push(total(readSamples(sim.metrics()), 'ray_serve_num_http_requests_total'));
    }
    const changes = counts.filter((c, i) => i > 0 && c !== counts[i - 1]).length;
    expect(changes).toBeGreaterThanOrEqual(1);
    expect(changes).toBeLessThanOrEqual(3);
  });

  it('drops the gauges of a dead replica, keeps its counters, and gives the replacement a new WorkerId', () => {
    const sim = createSimulator({ seed: 4, scenario: 'oom-restarts', clock: new ManualClock(Date.UTC(2026, 0, 1)) });
    sim.step(5 * 60_000);
    const samples = readSamples(sim.metrics());
    const starts = series(samples, 'ray_serve_deployment_replica_starts_total', { deployment: 'Summarizer' });
    const gauges = series(samples, 'ray_serve_replica_processing_queries', { deployment: 'Summarizer' });
    expect(starts.length).toBeGreaterThan(gauges.length);
    expect(new Set(starts.map((s) => s.labels.WorkerId)).size).toBe(starts.length);
    const dead = JSON.parse(sim.handle('GET', '/api/serve/applications/').body).applications.text_ml.deployments.Summarizer.recent_dead_replicas as { replica_id: string; state: string }[];
    expect(dead.length).toBeGreaterThan(0);
    expect(dead[0]!.state).toBe('STOPPED');
    expect(gauges.map((g) => g.labels.replica)).not.toContain(dead[0]!.replica_id);
    expect(starts.map((g) => g.labels.replica)).toContain(dead[0]!.replica_id);
  });
});

/** promtool 2.42 parses text format 0.0.4 only; Ray's own output has these lint findings too. */
const ACCEPTED_LINT = [
  /label names should be written in 'snake_case' not 'camelCase'/, // WorkerId, NodeAddress, ...
  /metric names should not contain abbreviated units/, // _ms
  /^ray_node_cpu_count non-histogram and non-summary metrics should not have "_count" suffix$/,
  /^ray_node_mem_total non-counter metrics should not have "_total" suffix$/,
  /^ray_serve_(deployment|handle)_request_counter_total metric name should not include type 'counter'$/,
  // OpenMetrics read as text: a counter family `x` and its samples `x_total` look like two families.
  /_total no help text$/,
];
const promtool = spawnSync('promtool', ['--version']).status === 0;

describe.skipIf(!promtool && !process.env.CI)('promtool check metrics', () => {
  for (const scenario of ['healthy-baseline', 'backpressure-503', 'oom-restarts']) {
    for (const format of ['text', 'openmetrics'] as const) {
      it(`${scenario} (${format}) parses, with only the lint findings Ray's own output has`, () => {
        expect(promtool, 'promtool is required in CI').toBe(true);
        const sim = createSimulator({ seed: 2, scenario, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
        sim.step(4 * 60_000);
        const file = join(mkdtempSync(join(tmpdir(), 'sim-')), 'metrics.txt');
        writeFileSync(file, sim.metrics(format));
        const r = spawnSync('sh', ['-c', `promtool check metrics < ${file}`], { encoding: 'utf8' });
        const output = `${r.stdout}${r.stderr}`;
        expect(output).not.toContain('error while linting');
        expect([0, 3]).toContain(r.status);
        const findings = output.split('\n').filter((l) => l.trim() !== '');
        expect(findings.filter((l) => !ACCEPTED_LINT.some((re) => re.test(l)))).toEqual([]);
      });
    }
  }
});
