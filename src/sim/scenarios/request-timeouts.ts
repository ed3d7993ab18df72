import { BASE_LOAD, baseConfig, baseLoad } from './base-config.js';
import type { Scenario } from './types.js';

const config = baseConfig();
config.http_options.request_timeout_s = 2;

export const requestTimeouts: Scenario = {
  name: 'request-timeouts',
  description: 'http_options.request_timeout_s is 2 and /slow gets 1.5× what Sleeper can serve: queued requests time out with 408.',
  checklistItem: 'Timeout errors (HTTP 408)',
  config,
  load: baseLoad({ slow: { ...BASE_LOAD.slow, rps: 6 } }),
  onsetMs: 3 * 60_000,
  windowMs: 60_000,
  signature: [
    {
      description: '408 responses',
      promql: 'sum by (application) (increase(ray_serve_num_http_requests_total{status_code="408"}[1m])) > 10',
      signal: { kind: 'increase', select: { metric: 'ray_serve_num_http_requests_total', labels: { application: 'app_slow', status_code: '408' } } },
      op: '>',
      value: 10,
    },
    {
      description: 'request_timeout_s is set',
      signal: { kind: 'rest', path: ['http_options', 'request_timeout_s'] },
      op: '==',
      value: 2,
      symptom: false,
    },
  ],
};
