import { SUMMARIZER, configWith, baseConfig, baseLoad, restDeployment } from './base-config.js';
import type { Scenario } from './types.js';

export const stuckUpdating: Scenario = {
  name: 'stuck-updating',
  description: 'A PUT asks 6 CPUs per Summarizer replica on an 8-CPU node: the new replica never schedules, the update never ends.',
  checklistItem: 'Deployment stuck updating',
  config: baseConfig(),
  load: baseLoad(),
  timeline: [
    {
      atMs: 60_000,
      description: 'PUT: Summarizer ray_actor_options.num_cpus 6',
      action: (s) => s.put(configWith('text_ml', 'Summarizer', { ray_actor_options: { num_cpus: 6 } })),
    },
  ],
  onsetMs: 150_000,
  windowMs: 60_000,
  signature: [
    {
      description: 'deployment UPDATING',
      promql: 'ray_serve_deployment_status == 3',
      signal: { kind: 'gauge', select: { metric: 'ray_serve_deployment_status', labels: SUMMARIZER }, aggregate: 'max' },
      op: '==',
      value: 3,
    },
    {
      description: 'application DEPLOYING',
      promql: 'ray_serve_application_status == 5',
      signal: { kind: 'gauge', select: { metric: 'ray_serve_application_status', labels: { application: 'text_ml' } }, aggregate: 'max' },
      op: '==',
      value: 5,
    },
    {
      description: 'status message says the replica cannot be scheduled',
      signal: { kind: 'rest', path: restDeployment('text_ml', 'Summarizer', 'message') },
      op: 'contains',
      value: 'taken more than 30s to be scheduled',
    },
  ],
};
