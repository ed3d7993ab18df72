import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/core/exposition/parse-exposition.js';
import type { ExpositionSample, ParsedExposition } from '../../src/core/exposition/types.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/exposition/${name}`, import.meta.url), 'utf8');

/** A deliberately naive reference: every line that is neither blank nor a comment is one sample. */
function naiveSampleCount(text: string): number {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')).length;
}

function find(parsed: ParsedExposition, name: string, labels: Record<string, string>): ExpositionSample[] {
  return parsed.samples.filter(
    (s) => s.labels.__name__ === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

function only(parsed: ParsedExposition, name: string, labels: Record<string, string>): ExpositionSample {
  const found = find(parsed, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!;
}

function countByName(parsed: ParsedExposition): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of parsed.samples) counts.set(s.labels.__name__!, (counts.get(s.labels.__name__!) ?? 0) + 1);
  return counts;
}

const NODE = {
  Component: 'core_worker',
  NodeAddress: '10.0.12.34',
  SessionName: 'session_2026-01-01_00-00-00_123456_1',
  Version: '2.58.0',
};

describe('reference/ray/metrics_example.prom', () => {
  const text = fixture('metrics_example.prom');
  const parsed = parseExposition(text, 'text');

  it('yields one sample per non-comment line, 306 in all', () => {
    expect(parsed.samples).toHaveLength(naiveSampleCount(text));
    expect(parsed.samples).toHaveLength(306);
    expect(parsed.exemplars).toEqual([]);
  });

  it('reads counters with every label of the line', () => {
    const sample = only(parsed, 'ray_serve_num_http_requests_total', { application: 'text_ml', status_code: '200' });
    expect(sample).toStrictEqual({
      labels: {
        __name__: 'ray_serve_num_http_requests_total',
        ...NODE,
        WorkerId: '1241936d4dd3aad68fe7bfbdfe854b935926bc678fc72377e1516607',
        application: 'text_ml',
        method: 'POST',
        route: '/summarize',
        status_code: '200',
      },
      value: 18342,
    });
    expect(only(parsed, 'ray_serve_num_http_requests_total', { application: '', status_code: '404' }).value).toBe(3);
  });

  it('reads histogram buckets with le kept as written, ending in +Inf', () => {
    const buckets = find(parsed, 'ray_serve_http_request_latency_ms_bucket', { application: 'text_ml', status_code: '200' });
    expect(buckets.map((b) => b.labels.le)).toEqual([
      '1.0', '2.0', '5.0', '10.0', '20.0', '50.0', '100.0', '200.0', '300.0', '400.0', '500.0', '1000.0', '2000.0',
      '5000.0', '10000.0', '60000.0', '120000.0', '300000.0', '600000.0', '+Inf',
    ]);
    expect(buckets.map((b) => b.value).slice(6, 11)).toEqual([917, 6420, 12840, 16142, 17426]);
    expect(only(parsed, 'ray_serve_http_request_latency_ms_count', { application: 'text_ml', status_code: '200' }).value).toBe(18342);
  });

  it('reads per-replica gauges and exponent notation', () => {
    const utilization = only(parsed, 'ray_serve_replica_utilization_percent', { replica: 'q7dk2m4x' });
    expect(utilization.labels).toStrictEqual({
      __name__: 'ray_serve_replica_utilization_percent',
      ...NODE,
      WorkerId: '2a891f3daf8044f99ace4fefc716bc7d83a739ec5aa21278b11c3346',
      application: 'text_ml',
      deployment: 'Summarizer',
      replica: 'q7dk2m4x',
    });
    expect(utilization.value).toBe(41.7);
    expect(only(parsed, 'ray_serve_deployment_processing_latency_ms_sum', { replica: 'q7dk2m4x' }).value).toBe(3068200);
    expect(only(parsed, 'ray_serve_deployment_processing_latency_ms_count', { replica: 'q7dk2m4x' }).value).toBe(11881);
    expect(only(parsed, 'ray_serve_autoscaling_total_requests', { deployment: 'Summarizer' }).value).toBe(4);
    expect(only(parsed, 'ray_serve_controller_control_loop_duration_s', {}).value).toBe(0.0068);
  });

  it('keeps the HELP and TYPE of every family', () => {
    expect(parsed.metadata.get('ray_serve_num_http_requests_total')).toStrictEqual({
      name: 'ray_serve_num_http_requests_total',
      type: 'counter',
      help: 'The number of HTTP requests processed.',
    });
    expect(parsed.metadata.get('ray_serve_http_request_latency_ms')?.type).toBe('histogram');
    expect(parsed.metadata.size).toBe(29);
    for (const meta of parsed.metadata.values()) expect(meta.help, meta.name).toBeTruthy();
  });

  it('gives every Serve series the per-process labels', () => {
    for (const s of parsed.samples) {
      for (const label of ['Component', 'NodeAddress', 'SessionName', 'Version', 'WorkerId']) {
        expect(s.labels[label], `${s.labels.__name__} ${label}`).toBeDefined();
      }
    }
  });
});

describe('captures of a real Ray Serve 2.58', () => {
  const duringLoadText = fixture('metrics_during_load.prom');
  const afterFailedText = fixture('metrics_after_deploy_failed.prom');
  const openMetricsText = fixture('metrics_openmetrics.om.txt');
  const duringLoad = parseExposition(duringLoadText, 'text');
  const afterFailed = parseExposition(afterFailedText, 'text');
  const openMetrics = parseExposition(openMetricsText, 'openmetrics');

  it('parses every line of each capture', () => {
    expect(duringLoad.samples).toHaveLength(naiveSampleCount(duringLoadText));
    expect(afterFailed.samples).toHaveLength(naiveSampleCount(afterFailedText));
    expect(openMetrics.samples).toHaveLength(naiveSampleCount(openMetricsText));
    expect([duringLoad.samples.length, afterFailed.samples.length, openMetrics.samples.length]).toEqual([2021, 2082, 2029]);
  });

  it('agrees between formats on families that describe the node rather than the traffic', () => {
    const stable = (name: string) =>
      /^(python_|process_|ray_node_|target_info$|ray_serve_(application_status|deployment_status|proxy_status|controller_))/.test(name);
    const text = countByName(duringLoad);
    const failed = countByName(afterFailed);
    const om = countByName(openMetrics);
    const names = [...om.keys()].filter(stable);
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) {
      expect(text.get(name), name).toBe(om.get(name));
      expect(failed.get(name), name).toBe(om.get(name));
    }
  });

  it('agrees between formats on each family type (OpenMetrics names counters without _total)', () => {
    let compared = 0;
    for (const meta of openMetrics.metadata.values()) {
      const textName = meta.type === 'counter' ? `${meta.name}_total` : meta.name;
      const textMeta = afterFailed.metadata.get(textName) ?? duringLoad.metadata.get(textName);
      if (!textMeta) continue;
      compared++;
      expect(textMeta.type, meta.name).toBe(meta.type === 'unknown' ? 'untyped' : meta.type);
    }
    expect(compared).toBeGreaterThan(140);
  });

  it('shows the DEPLOY_FAILED application in both captures taken after it, not in the one during load', () => {
    const status = (parsed: ParsedExposition, app: string) => only(parsed, 'ray_serve_application_status', { application: app }).value;
    expect([status(duringLoad, 'app_fast'), status(duringLoad, 'app_slow')]).toEqual([6, 6]);
    expect([status(afterFailed, 'app_fast'), status(afterFailed, 'app_slow')]).toEqual([1, 6]);
    expect([status(openMetrics, 'app_fast'), status(openMetrics, 'app_slow')]).toEqual([1, 6]);
    const deployment = (parsed: ParsedExposition) => only(parsed, 'ray_serve_deployment_status', { deployment: 'Echo' }).value;
    expect([deployment(duringLoad), deployment(afterFailed), deployment(openMetrics)]).toEqual([6, 6, 6]);
  });

  it('has the same histogram buckets for each series in both formats', () => {
    const bucketsPerSeries = (parsed: ParsedExposition, name: string) => {
      const sizes = new Map<string, number>();
      for (const s of find(parsed, `${name}_bucket`, {})) {
        const { le: _le, ...rest } = s.labels;
        const key = JSON.stringify(rest);
        sizes.set(key, (sizes.get(key) ?? 0) + 1);
      }
      return [...new Set(sizes.values())];
    };
    expect(bucketsPerSeries(afterFailed, 'ray_serve_http_request_latency_ms')).toEqual([20]);
    expect(bucketsPerSeries(openMetrics, 'ray_serve_http_request_latency_ms')).toEqual([20]);
  });
});
