import { EMBEDDER, baseConfig, baseLoad } from './base-config.js';
import type { Scenario } from './types.js';

export const cpuContention: Scenario = {
  name: 'cpu-contention',
  description: 'A noisy neighbour saturates the node CPUs; CPU-bound handlers slow down ~1.8×.',
  checklistItem: 'High latency: CPU contention',
  config: baseConfig(),
  load: baseLoad(),
  timeline: [{ atMs: 60_000, description: 'other processes take 14 cores', action: (s) => s.setBackgroundCpu(14) }],
  onsetMs: 3 * 60_000,
  windowMs: 90_000,
  signature: [
    {
      description: 'node CPU saturated',
      promql: 'ray_node_cpu_utilization > 90',
      signal: { kind: 'gauge', select: { metric: 'ray_node_cpu_utilization' }, aggregate: 'max' },
      op: '>',
      value: 90,
    },
    {
      description: 'median processing latency up from ~85 ms',
      promql: 'histogram_quantile(0.5, sum by (le) (rate(ray_serve_deployment_processing_latency_ms_bucket{deployment="Embedder"}[90s]))) > 110',
      signal: { kind: 'quantile', select: { metric: 'ray_serve_deployment_processing_latency_ms', labels: EMBEDDER }, q: 0.5 },
      op: '>',
      value: 110,
    },
  ],
};
