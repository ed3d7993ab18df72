import { SUMMARIZER, baseConfig, baseLoad } from './base-config.js';
import type { Scenario } from './types.js';

export const slowModel: Scenario = {
  name: 'slow-model',
  description: 'A new Summarizer model takes ~1.5 s per request: processing latency is high without a queue.',
  checklistItem: 'High latency: processing time high',
  config: baseConfig(),
  load: baseLoad(),
  timeline: [{ atMs: 60_000, description: 'Summarizer takes 1.5 s per request', action: (s) => s.setBehaviour('text_ml', 'Summarizer', { serviceMs: 1500 }) }],
  onsetMs: 4 * 60_000,
  windowMs: 2 * 60_000,
  signature: [
    {
      description: 'median processing latency above 1 s',
      promql: 'histogram_quantile(0.5, sum by (application, deployment, le) (rate(ray_serve_deployment_processing_latency_ms_bucket[2m]))) > 1000',
      signal: { kind: 'quantile', select: { metric: 'ray_serve_deployment_processing_latency_ms', labels: SUMMARIZER }, q: 0.5 },
      op: '>',
      value: 1000,
    },
    {
      description: 'no queue: replicas are slow, not saturated',
      promql: 'sum by (application, deployment) (ray_serve_deployment_queued_queries) < 5',
      signal: { kind: 'gauge', select: { metric: 'ray_serve_deployment_queued_queries', labels: SUMMARIZER }, aggregate: 'sum' },
      op: '<',
      value: 5,
      symptom: false,
    },
  ],
};
