import { BASE_LOAD, EMBEDDER, baseLoad, configWith, restDeployment } from './base-config.js';
import type { Scenario } from './types.js';

export const replicasNotScaling: Scenario = {
  name: 'replicas-not-scaling',
  description: 'Embedder has max_replicas 1: load for 2–3 replicas, the replica count never moves.',
  checklistItem: 'Replicas not scaling',
  config: configWith('embeddings', 'Embedder', { autoscaling_config: { min_replicas: 1, max_replicas: 1, target_ongoing_requests: 2 } }),
  load: baseLoad({ embed: { ...BASE_LOAD.embed, rps: 55 } }),
  onsetMs: 3 * 60_000,
  windowMs: 60_000,
  signature: [
    {
      description: 'the autoscaler sees load for more than one replica',
      promql: 'ray_serve_autoscaling_total_requests / ray_serve_autoscaling_target_ongoing_requests > 1.5',
      signal: {
        kind: 'gauge-ratio',
        numerator: { metric: 'ray_serve_autoscaling_total_requests', labels: EMBEDDER },
        denominator: { metric: 'ray_serve_autoscaling_target_ongoing_requests', labels: EMBEDDER },
      },
      op: '>',
      value: 1.5,
    },
    {
      description: 'one healthy replica',
      promql: 'sum by (application, deployment) (ray_serve_deployment_replica_healthy) == 1',
      signal: { kind: 'gauge', select: { metric: 'ray_serve_deployment_replica_healthy', labels: EMBEDDER }, aggregate: 'sum' },
      op: '==',
      value: 1,
      symptom: false,
    },
    {
      description: 'max_replicas is 1',
      signal: { kind: 'rest', path: restDeployment('embeddings', 'Embedder', 'deployment_config', 'autoscaling_config', 'max_replicas') },
      op: '==',
      value: 1,
      symptom: false,
    },
  ],
};
