import type { ExpositionFormat } from '../../src/core/exposition/types.js';

/** A small deterministic PRNG (mulberry32), so every run parses the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LATENCY_BUCKETS = ['1.0', '2.0', '5.0', '10.0', '20.0', '50.0', '100.0', '200.0', '300.0', '400.0', '500.0',
  '1000.0', '2000.0', '5000.0', '10000.0', '60000.0', '120000.0', '300000.0', '600000.0', '+Inf'];

type Rng = () => number;

interface Replica {
  readonly labels: Record<string, string>;
  readonly route: string;
}

/** `{a="1",b="2"}` with names sorted by byte order, as Ray's exporter writes them. */
function render(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return names.length === 0 ? '' : `{${names.map((n) => `${n}="${labels[n]}"`).join(',')}}`;
}

function sampleValue(random: Rng): string {
  const r = random();
  if (r < 0.5) return `${Math.floor(random() * 100000)}.0`;
  if (r < 0.8) return (random() * 1000).toFixed(6);
  return `${(1 + random() * 8).toFixed(8)}e+0${Math.floor(random() * 9)}`;
}

function replicas(count: number, random: Rng): Replica[] {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return Array.from({ length: count }, (_, i) => {
    const app = `app_${Math.floor(i / 6)}`;
    const deployment = `Deployment${Math.floor(i / 3)}`;
    return {
      labels: {
        Component: 'core_worker',
        NodeAddress: `10.0.${(i >> 8) & 255}.${i & 255}`,
        SessionName: 'session_2026-01-01_00-00-00_123456_1',
        Version: '2.58.0',
        WorkerId: hex(56),
        application: app,
        deployment,
        replica: `${deployment}#${hex(8)}`,
      },
      route: `/${app}`,
    };
  });
}

/**
 * One exposition for `count` replicas: every family in turn, one block of series per replica.
 * The two formats differ only where they must: OpenMetrics names a counter family without
 * `_total` and ends with `# EOF`.
 */
function renderExposition(count: number, seed: number, format: ExpositionFormat): string {
  const random = prng(seed);
  const all = replicas(count, random);
  const lines: string[] = [];
  const family = (name: string, type: string, help: string) => {
    const familyName = format === 'openmetrics' && type === 'counter' ? name.replace(/_total$/, '') : name;
    lines.push(`# HELP ${familyName} ${help}`, `# TYPE ${familyName} ${type}`);
  };
  family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.');
  lines.push(`process_resident_memory_bytes ${sampleValue(random)}`);
  family('python_gc_objects_collected_total', 'counter', 'Objects collected during gc');
  for (const generation of ['0', '1', '2']) lines.push(`python_gc_objects_collected_total{generation="${generation}"} ${sampleValue(random)}`);
  family('ray_serve_num_http_requests_total', 'counter', 'The number of HTTP requests processed.');
  for (const r of all) {
    for (const status of ['200', '500']) {
      const labels = { ...r.labels, method: 'POST', route: r.route, status_code: status };
      lines.push(`ray_serve_num_http_requests_total${render(labels)} ${sampleValue(random)}`);
    }
  }
  family('ray_serve_deployment_processing_latency_ms', 'histogram', 'The latency for queries to be processed.');
  for (const r of all) {
    let cumulative = 0;
    for (const le of LATENCY_BUCKETS) {
      cumulative += Math.floor(random() * 50);
      lines.push(`ray_serve_deployment_processing_latency_ms_bucket${render({ ...r.labels, le })} ${cumulative}.0`);
    }
    lines.push(`ray_serve_deployment_processing_latency_ms_count${render(r.labels)} ${cumulative}.0`);
    lines.push(`ray_serve_deployment_processing_latency_ms_sum${render(r.labels)} ${sampleValue(random)}`);
  }
  family('ray_serve_replica_processing_queries', 'gauge', 'The current number of queries being processed.');
  for (const r of all) {
    const { application, deployment, replica } = r.labels;
    lines.push(`ray_serve_replica_processing_queries${render({ application: application!, deployment: deployment!, replica: replica! })} ${sampleValue(random)}`);
  }
  family('ray_serve_deployment_replica_healthy', 'gauge', 'Tracks whether this deployment replica is healthy.');
  for (const r of all) lines.push(`ray_serve_deployment_replica_healthy${render(r.labels)} 1.0`);
  if (format === 'openmetrics') lines.push('# EOF');
  return lines.join('\n') + '\n';
}

/**
 * A text exposition shaped like a Ray node's /metrics, at least `targetBytes` long: HELP/TYPE
 * blocks, labels sorted the way Ray sorts them (so `le` sits in the middle), the long
 * per-process labels every Serve series carries, histograms with Serve's latency buckets,
 * and a few short lines, as in reference/ray/metrics_example.prom; lines of ~40 to ~330 bytes.
 */
export function generateRayExposition(
  targetBytes: number = 5 * 1024 * 1024,
  seed = 42,
  format: ExpositionFormat = 'text',
): string {
  const perReplica = renderExposition(10, seed, format).length / 10;
  return renderExposition(Math.ceil(targetBytes / perReplica) + 1, seed, format);
}
