import type { ReplicaSummary } from '../model/diagnosis.js';
import type { ApplicationDetails } from '../serve/serve-types.js';
import type { DiagnosisContext } from './diagnosis-input.js';
import type { DeploymentView } from './deployment-view.js';
import { deploymentsHidden, isAutoscaling, maxReplicasOf, minReplicasOf, numReplicasOf } from './deployment-view.js';

/**
 * Replicas now against min and max. The running count is the replicas in state RUNNING (not
 * STARTING, UPDATING or STOPPING). While the application is DEPLOY_FAILED or rebuilding, GET
 * shows `deployments: {}` although the previous replicas keep serving (serve-facts §1.6): that is
 * never read as zero replicas. The summary then says the status is hidden and, when the metrics
 * have it, counts the healthy replicas from ray_serve_deployment_replica_healthy instead.
 */
export function summarizeReplicas(app: ApplicationDetails, view: DeploymentView, context: DiagnosisContext): ReplicaSummary | undefined {
  const autoscaling = isAutoscaling(view);
  const bounds = autoscaling ? { min: minReplicasOf(view), max: maxReplicasOf(view) } : { fixed: numReplicasOf(view) };
  const d = view.details;
  if (!d) {
    const healthy = context.healthyReplicas?.[view.name];
    if (!deploymentsHidden(app) || healthy === undefined) return undefined;
    return {
      running: healthy,
      autoscaling,
      ...bounds,
      status: String(app.status),
      note: `replica status hidden: GET shows no deployments while ${app.name ?? 'the application'} is ${String(app.status)} (the previous replicas keep serving); ${healthy} healthy per the metrics`,
    };
  }
  const replicas = d.replicas ?? [];
  const running = replicas.filter((r) => r.state === 'RUNNING').length;
  const other = replicas.length - running;
  const notes: string[] = [];
  if (other > 0) {
    const states = [...new Set(replicas.filter((r) => r.state !== 'RUNNING').map((r) => String(r.state)))].join(', ');
    notes.push(`${other} more ${states}`);
  }
  if (d.message) notes.push(d.message.length > 200 ? `${d.message.slice(0, 199)}…` : d.message);
  return {
    running,
    ...(typeof d.target_num_replicas === 'number' ? { target: d.target_num_replicas } : {}),
    autoscaling,
    ...bounds,
    ...(d.status ? { status: String(d.status) } : {}),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}
