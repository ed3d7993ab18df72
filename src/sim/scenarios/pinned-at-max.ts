import { EMBEDDER, BASE_LOAD, baseLoad, configWith, restDeployment } from './base-config.js';
import type { Scenario } from './types.js';

export const pinnedAtMax: Scenario = {
  name: 'pinned-at-max',
  description: 'Sustained load wants ~4 Embedder replicas but max_replicas is 2; the replicas keep up, barely.',
  checklistItem: 'Autoscaler pinned at max_replicas',
  config: configWith('embeddings', 'Embedder', { autoscaling_config: { min_replicas: 1, max_replicas: 2, target_ongoing_requests: 2 } }),
  load: baseLoad({ embed: { ...BASE_LOAD.embed, rps: 90 } }),
  onsetMs: 3 * 60_000,
  windowMs: 60_000,
  signature: [
    {
      description: 'total_requests / target_ongoing_requests above max_replicas',
      promql: 'ray_serve_autoscaling_total_requests / ray_serve_autoscaling_target_ongoing_requests > 2',
      signal: {
        kind: 'gauge-ratio',
        numerator: { metric: 'ray_serve_autoscaling_total_requests', labels: EMBEDDER },
        denominator: { metric: 'ray_serve_autoscaling_target_ongoing_requests', labels: EMBEDDER },
      },
      op: '>',
      value: 2,
    },
    {
      description: 'target replicas at max',
      promql: 'ray_serve_autoscaling_target_replicas == 2',
      signal: { kind: 'gauge', select: { metric: 'ray_serve_autoscaling_target_replicas', labels: EMBEDDER }, aggregate: 'max' },
      op: '==',
      value: 2,
    },
    {
      description: 'max_replicas is 2',
      signal: { kind: 'rest', path: restDeployment('embeddings', 'Embedder', 'deployment_config', 'autoscaling_config', 'max_replicas') },
      op: '==',
      value: 2,
      symptom: false,
    },
  ],
};
