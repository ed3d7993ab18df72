import type { InstantSample } from '../query/types.js';
import type { DiagnosisContext } from './diagnosis-input.js';

/**
 * The few facts a diagnosis reads besides the rules' probes, each a PromQL query rendered
 * with the application: healthy replicas (for apps whose GET hides its deployments),
 * autoscaling metrics (to tell whether autoscaling is registered, and the load to size a fix),
 * and the cluster's GPUs (for "model not using GPU").
 */
export const CONTEXT_QUERIES = {
  healthyReplicas: 'sum by (application, deployment) (ray_serve_deployment_replica_healthy{application="{{ $labels.application }}"})',
  autoscalingTarget: 'max by (application, deployment) (ray_serve_autoscaling_target_ongoing_requests{application="{{ $labels.application }}"})',
  autoscalingLoad: 'max by (application, deployment) (ray_serve_autoscaling_total_requests{application="{{ $labels.application }}"})',
  gpuCount: 'count(ray_node_gpus_utilization)',
  serveSeries: 'count by (application) (ray_serve_deployment_status{application="{{ $labels.application }}"})',
} as const;

export type ContextQueryName = keyof typeof CONTEXT_QUERIES;

/** Query results by name; undefined for a query that failed. */
export type ContextResults = Partial<Record<ContextQueryName, readonly InstantSample[] | undefined>>;

function byDeployment(samples: readonly InstantSample[] | undefined): Record<string, number> | undefined {
  if (!samples) return undefined;
  const out: Record<string, number> = {};
  for (const s of samples) if (s.labels.deployment) out[s.labels.deployment] = s.value;
  return out;
}

export function contextFromResults(results: ContextResults): DiagnosisContext {
  const healthyReplicas = byDeployment(results.healthyReplicas);
  const autoscalingTarget = byDeployment(results.autoscalingTarget);
  const autoscalingLoad = byDeployment(results.autoscalingLoad);
  const gpu = results.gpuCount?.[0]?.value;
  const metricsSeen =
    (results.serveSeries?.length ?? 0) > 0 || Object.keys(healthyReplicas ?? {}).length > 0 || Object.keys(autoscalingTarget ?? {}).length > 0;
  return {
    ...(healthyReplicas ? { healthyReplicas } : {}),
    ...(autoscalingTarget ? { autoscalingTarget } : {}),
    ...(autoscalingLoad ? { autoscalingLoad } : {}),
    ...(gpu !== undefined ? { gpuCount: gpu } : {}),
    metricsSeen,
  };
}
