import { EMBEDDER, baseLoad, configWith } from './base-config.js';
import type { Scenario } from './types.js';

/** Bursts of 20 s every 3 minutes; the deployment scales to zero in between. */
const bursts = (elapsedMs: number): number => (elapsedMs % 180_000 < 20_000 ? 8 : 0);

export const coldStart: Scenario = {
  name: 'cold-start',
  description: 'Embedder scales to zero between bursts; each burst waits for a replica to load its model (~9 s).',
  checklistItem: 'Cold starts (min_replicas 0)',
  config: configWith('embeddings', 'Embedder', {
    autoscaling_config: { min_replicas: 0, max_replicas: 2, target_ongoing_requests: 2, downscale_delay_s: 60, downscale_to_zero_delay_s: 20 },
  }),
  load: baseLoad({ embed: { path: '/embed', method: 'POST', rps: bursts } }),
  timeline: [{ atMs: 0, description: 'Embedder loads an 8 s model in __init__', action: (s) => s.setBehaviour('embeddings', 'Embedder', { initMs: 8000 }) }],
  onsetMs: 5 * 60_000,
  windowMs: 5 * 60_000,
  signature: [
    {
      description: 'replicas start while requests wait (startup latency observed)',
      promql: 'increase(ray_serve_replica_startup_latency_ms_count[5m]) >= 1',
      signal: { kind: 'increase', select: { metric: 'ray_serve_replica_startup_latency_ms_count', labels: EMBEDDER } },
      op: '>=',
      value: 1,
    },
    {
      description: 'first requests of a burst take seconds end to end',
      promql: 'histogram_quantile(0.99, sum by (application, le) (rate(ray_serve_http_request_latency_ms_bucket[5m]))) > 5000',
      signal: { kind: 'quantile', select: { metric: 'ray_serve_http_request_latency_ms', labels: { application: 'embeddings' } }, q: 0.99 },
      op: '>',
      value: 5000,
    },
    {
      description: 'min_replicas is 0',
      signal: { kind: 'rest', path: ['applications', 'embeddings', 'deployments', 'Embedder', 'deployment_config', 'autoscaling_config', 'min_replicas'] },
      op: '==',
      value: 0,
      symptom: false,
    },
  ],
};
