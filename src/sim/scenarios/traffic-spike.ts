import { BASE_LOAD, EMBEDDER, baseLoad, configWith } from './base-config.js';
import type { Scenario } from './types.js';

export const trafficSpike: Scenario = {
  name: 'traffic-spike',
  description: 'Traffic to /embed jumps 10× while Embedder is capped at max_replicas 2: the router queue grows.',
  checklistItem: 'High latency: queue building up',
  config: configWith('embeddings', 'Embedder', { autoscaling_config: { min_replicas: 1, max_replicas: 2, target_ongoing_requests: 2 } }),
  load: baseLoad(),
  timeline: [{ atMs: 60_000, description: '/embed goes from 15 to 160 requests/s', action: (s) => s.setLoad({ ...BASE_LOAD.embed, rps: 160 }) }],
  onsetMs: 4 * 60_000,
  windowMs: 2 * 60_000,
  signature: [
    {
      description: 'requests queue at the router',
      promql: 'sum by (application, deployment) (ray_serve_deployment_queued_queries) > 50',
      signal: { kind: 'gauge', select: { metric: 'ray_serve_deployment_queued_queries', labels: EMBEDDER }, aggregate: 'sum' },
      op: '>',
      value: 50,
    },
    {
      description: 'the autoscaler wants more than max_replicas (2)',
      promql: 'ray_serve_autoscaling_total_requests / ray_serve_autoscaling_target_ongoing_requests > 2',
      signal: {
        kind: 'gauge-ratio',
        numerator: { metric: 'ray_serve_autoscaling_total_requests', labels: EMBEDDER },
        denominator: { metric: 'ray_serve_autoscaling_target_ongoing_requests', labels: EMBEDDER },
      },
      op: '>',
      value: 2,
    },
  ],
};
