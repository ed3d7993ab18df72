import { SUMMARIZER, baseConfig, baseLoad } from './base-config.js';
import type { Scenario } from './types.js';

export const oomRestarts: Scenario = {
  name: 'oom-restarts',
  description: 'Summarizer leaks 15 MB per request; node memory climbs until Ray kills the biggest replica, which restarts.',
  checklistItem: 'Debugging OOM (memory leak in handler)',
  config: baseConfig(),
  load: baseLoad(),
  timeline: [{ atMs: 0, description: 'Summarizer keeps 15 MB per request', action: (s) => s.setBehaviour('text_ml', 'Summarizer', { leakMbPerRequest: 15 }) }],
  onsetMs: 5 * 60_000,
  windowMs: 4 * 60_000,
  signature: [
    {
      description: 'a replica died and failed its health check',
      promql: 'sum by (application, deployment) (increase(ray_serve_health_check_failures_total[4m])) >= 1',
      signal: { kind: 'increase', select: { metric: 'ray_serve_health_check_failures_total', labels: SUMMARIZER } },
      op: '>=',
      value: 1,
    },
    {
      description: 'a new replica started (replica_starts_total of a new replica id)',
      promql: 'sum by (application, deployment) (increase(ray_serve_deployment_replica_starts_total[4m])) >= 1',
      signal: { kind: 'increase', select: { metric: 'ray_serve_deployment_replica_starts_total', labels: SUMMARIZER } },
      op: '>=',
      value: 1,
    },
  ],
};
