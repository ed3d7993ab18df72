import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusQueryEngine } from '../../src/adapters/prometheus-api/prometheus-query-engine.js';
import { ScrapeManager } from '../../src/adapters/scraper/scrape-manager.js';
import { targetFromUrl } from '../../src/adapters/scraper/target-discovery.js';
import { systemClock } from '../../src/core/clock.js';
import { LocalQueryEngine } from '../../src/core/query/local-query-engine.js';
import type { QueryValue } from '../../src/core/query/types.js';
import { SampleStore } from '../../src/core/store/sample-store.js';
import { startHttpStub } from '../helpers/http-stub.js';
import { requireBinaryOrSkip, startPrometheus, type RunningBinary } from '../helpers/real-binaries.js';

/**
 * The two backends answer the same expression in the same shape: real Prometheus scraping an
 * exporter, and our scraper + store + evaluator scraping the same exporter.
 */
const available = requireBinaryOrSkip('prometheus');
const EXPOSITION = [
  '# TYPE ray_serve_deployment_queued_queries gauge',
  'ray_serve_deployment_queued_queries{application="emb",deployment="Embedder",handle="h1"} 7',
  'ray_serve_deployment_queued_queries{application="emb",deployment="Embedder",handle="h2"} 5',
  'ray_serve_deployment_queued_queries{application="txt",deployment="Summarizer",handle="h3"} 1',
  '# TYPE ray_serve_autoscaling_target_replicas gauge',
  'ray_serve_autoscaling_target_replicas{application="emb",deployment="Embedder"} 3',
  'ray_serve_autoscaling_target_replicas{application="txt",deployment="Summarizer"} 1',
  '',
].join('\n');

describe.skipIf(!available)('built-in engine vs Prometheus', () => {
  let prom: RunningBinary;
  let closeStub: () => Promise<void>;
  let local: LocalQueryEngine;
  let remote: PrometheusQueryEngine;

  beforeAll(async () => {
    const stub = await startHttpStub((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(EXPOSITION);
    });
    closeStub = stub.close;
    const host = new URL(stub.url).host;
    prom = await startPrometheus(
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ray\n    static_configs:\n      - targets: ['${host}']\n`,
    );
    remote = new PrometheusQueryEngine({ baseUrl: prom.url });
    const store = new SampleStore();
    const scraper = new ScrapeManager({ sink: store, clock: systemClock, timeoutMs: 2000, bodyLimitBytes: 1e6, maxConcurrent: 1 });
    scraper.setTargets([targetFromUrl(`${stub.url}/metrics`, 'ray')]);
    await scraper.scrapeAll();
    local = new LocalQueryEngine(store);
    for (let i = 0; i < 100; i++) {
      const up = await remote.instantQuery('up', Date.now());
      if (up.resultType === 'vector' && up.result.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 40_000);

  afterAll(async () => {
    await prom?.stop();
    await closeStub?.();
  });

  function normalise(v: QueryValue) {
    if (v.resultType === 'vector') {
      return { type: v.resultType, result: v.result.map((s) => ({ labels: s.labels, value: s.value })).sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels))) };
    }
    if (v.resultType === 'scalar') return { type: v.resultType, value: v.result.value };
    return { type: v.resultType };
  }

  it.each([
    'sum by (application, deployment) (ray_serve_deployment_queued_queries)',
    'sum by (application, deployment) (ray_serve_deployment_queued_queries) / on (application, deployment) ray_serve_autoscaling_target_replicas',
    'ray_serve_autoscaling_target_replicas > 1',
    'count(up)',
    'scalar(sum(ray_serve_autoscaling_target_replicas))',
    'absent(nonexistent_metric)',
  ])('%s', async (expr) => {
    const t = Date.now();
    const [a, b] = await Promise.all([local.instantQuery(expr, t), remote.instantQuery(expr, t)]);
    expect(normalise(a)).toEqual(normalise(b));
  });
});
