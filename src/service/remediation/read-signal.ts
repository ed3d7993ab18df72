import type { QueryEngine, InstantSample, QueryValue } from '../../core/query/types.js';
import type { Proposal } from '../../core/remediation/proposal.js';
import type { Reading } from '../../core/remediation/verification.js';
import { verificationSignal, workloadValue } from '../../core/remediation/verification.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';

function vectorOf(v: QueryValue): readonly InstantSample[] {
  if (v.resultType === 'vector') return v.result;
  if (v.resultType === 'scalar') return [{ labels: {}, timestampMs: v.result.timestampMs, value: v.result.value }];
  return [];
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;


/**
 * Reads the alert's signal for the proposal's workload at `atMs`, the deployment's healthy
 * replicas, and whether the alert's condition still holds. A query that fails leaves its part
 * undefined (logged): verification reports what it could read rather than failing the fix.
 */
export async function readSignal(queryEngine: QueryEngine, p: Proposal, atMs: number, logger: Logger): Promise<Reading> {
  const labels = p.trigger?.labels ?? { application: p.application, deployment: p.deployment };
  const signal = p.trigger ? verificationSignal(p.trigger) : undefined;
  const query = async (expr: string): Promise<readonly InstantSample[] | undefined> => {
    try {
      return vectorOf(await queryEngine.instantQuery(expr, atMs));
    } catch (err) {
      logger.warn({ expr, err: describeError(err) }, 'verification query failed');
      return undefined;
    }
  };
  const replicasExpr = `sum by (application, deployment) (ray_serve_deployment_replica_healthy{application=${quote(p.application)}, deployment=${quote(p.deployment)}})`;
  const [value, condition, replicas] = await Promise.all([
    signal ? query(signal.expr) : Promise.resolve(undefined),
    signal ? query(signal.conditionExpr) : Promise.resolve(undefined),
    query(replicasExpr),
  ]);
  const v = value ? workloadValue(value, labels) : undefined;
  const r = replicas ? workloadValue(replicas, { application: p.application, deployment: p.deployment }) : undefined;
  return {
    atMs,
    ...(v !== undefined ? { value: v } : {}),
    ...(r !== undefined ? { replicas: r } : {}),
    ...(condition !== undefined ? { conditionHolds: workloadValue(condition, labels) !== undefined } : {}),
  };
}

/** Whether the deployment's autoscaling gauges are exported (they vanish when Ray deregisters it). */
export async function autoscalingMetricsPresent(queryEngine: QueryEngine, application: string, deployment: string, atMs: number): Promise<boolean | undefined> {
  try {
    const v = await queryEngine.instantQuery(`ray_serve_autoscaling_target_ongoing_requests{application=${quote(application)}, deployment=${quote(deployment)}}`, atMs);
    return vectorOf(v).length > 0;
  } catch {
    return undefined;
  }
}
