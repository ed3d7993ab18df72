import { BASE_LOAD, baseLoad, configWith, restDeployment } from './base-config.js';
import type { Scenario } from './types.js';

export const backpressure503: Scenario = {
  name: 'backpressure-503',
  description: 'Sleeper has max_queued_requests 2 and twice the traffic it can serve: the proxy answers 503.',
  checklistItem: 'Requests rejected (HTTP 503)',
  config: configWith('app_slow', 'Sleeper', { max_queued_requests: 2 }),
  load: baseLoad({ slow: { ...BASE_LOAD.slow, rps: 8 } }),
  onsetMs: 2 * 60_000,
  windowMs: 60_000,
  signature: [
    {
      description: '503 responses',
      promql: 'sum by (application) (increase(ray_serve_num_http_error_requests_total{error_code="503"}[1m])) > 10',
      signal: { kind: 'increase', select: { metric: 'ray_serve_num_http_error_requests_total', labels: { application: 'app_slow', error_code: '503' } } },
      op: '>',
      value: 10,
    },
    {
      description: 'max_queued_requests is set',
      signal: { kind: 'rest', path: restDeployment('app_slow', 'Sleeper', 'deployment_config', 'max_queued_requests') },
      op: '==',
      value: 2,
      symptom: false,
    },
  ],
};

