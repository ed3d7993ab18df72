import { EMBEDDER, baseConfig, baseLoad } from './base-config.js';
import type { Scenario } from './types.js';

export const highTailLatency: Scenario = {
  name: 'high-tail-latency',
  description: '3% of Embedder requests take 40× longer (GC pauses, long inputs): p99 is far above p50.',
  checklistItem: 'High tail latency (P99 >> P50)',
  config: baseConfig(),
  load: baseLoad(),
  timeline: [
    { atMs: 0, description: 'a heavy tail in Embedder', action: (s) => s.setBehaviour('embeddings', 'Embedder', { tailProbability: 0.03, tailMultiplier: 40 }) },
  ],
  onsetMs: 3 * 60_000,
  windowMs: 2 * 60_000,
  signature: [
    {
      description: 'p99 processing latency over 10× p50',
      promql:
        'histogram_quantile(0.99, sum by (le) (rate(ray_serve_deployment_processing_latency_ms_bucket{deployment="Embedder"}[2m]))) / histogram_quantile(0.5, sum by (le) (rate(ray_serve_deployment_processing_latency_ms_bucket{deployment="Embedder"}[2m]))) > 10',
      signal: { kind: 'quantile-ratio', select: { metric: 'ray_serve_deployment_processing_latency_ms', labels: EMBEDDER }, high: 0.99, low: 0.5 },
      op: '>',
      value: 10,
    },
  ],
};
