import { baseConfig, baseLoad } from './base-config.js';
import type { Scenario } from './types.js';

export const healthyBaseline: Scenario = {
  name: 'healthy-baseline',
  description: 'Three apps under steady, moderate traffic; everything stays RUNNING and HEALTHY.',
  checklistItem: 'none (control)',
  config: baseConfig(),
  load: baseLoad(),
  onsetMs: 5 * 60_000,
  windowMs: 2 * 60_000,
  signature: [
    {
      description: 'every application RUNNING',
      promql: 'min(ray_serve_application_status) == 6',
      signal: { kind: 'gauge', select: { metric: 'ray_serve_application_status' }, aggregate: 'min' },
      op: '==',
      value: 6,
    },
    {
      description: 'no HTTP errors',
      promql: 'sum(increase(ray_serve_num_http_error_requests_total[2m])) == 0',
      signal: { kind: 'increase', select: { metric: 'ray_serve_num_http_error_requests_total' } },
      op: '==',
      value: 0,
    },
  ],
};
