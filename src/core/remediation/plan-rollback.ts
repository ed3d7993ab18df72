import type { AppConfig, ServeDeployBody, ServeInstanceDetails } from '../serve/serve-types.js';
import { buildPutBody } from './build-put-body.js';
import type { RolloutExpectation } from './assess-rollout.js';

/**
 * The body that puts one application back to its last good config: the config every other
 * application runs now (someone may have changed them meanwhile; a rollback must not undo
 * that), with this application's entry taken from the body serve-medic rebuilt just before its
 * PUT. After a DEPLOY_FAILED, GET's deployed_app_config holds the failed config, so the last
 * good one must come from serve-medic's own record.
 */
export function rollbackBody(current: ServeInstanceDetails, lastGood: ServeDeployBody, application: string): ServeDeployBody {
  const body = buildPutBody(current, lastGood.logging_config !== undefined ? { loggingConfig: lastGood.logging_config } : {});
  const good = lastGood.applications.find((a) => a.name === application);
  if (!good) return body;
  const i = body.applications.findIndex((a) => a.name === application);
  if (i === -1) body.applications.push(structuredClone(good));
  else body.applications[i] = structuredClone(good);
  return body;
}

export interface ReregistrationPlan {
  /** The body with each autoscaling deployment's downscale_delay_s moved by one second. */
  readonly nudge: ServeDeployBody;
  readonly expectNudged: readonly RolloutExpectation[];
  /** Deployments re-registered by the nudge. */
  readonly deployments: readonly string[];
  /** Autoscaling defined only in code: no override to nudge without restarting the app. */
  readonly skipped: readonly string[];
}

const DEFAULT_DOWNSCALE_DELAY_S = 600;

/**
 * Ray 2.58 deregisters the autoscaling of every deployment a PUT leaves unchanged when it
 * restores an app from DEPLOY_FAILED ("Deregistering autoscaling state"; captured item 5), and
 * only a later PUT that changes the deployment's config registers it again. The harmless change
 * chosen: downscale_delay_s + 1 s inside the app's own autoscaling_config override (the dict is
 * sent whole, as Ray replaces it whole), then the exact last good config again. It touches no
 * replica (only metrics_interval_s and look_back_period_s reach the replicas) and the second PUT
 * leaves the config exactly as it was.
 */
export function planReregistration(current: ServeInstanceDetails, restored: ServeDeployBody, application: string): ReregistrationPlan | undefined {
  const nudge = structuredClone(restored);
  const app: AppConfig | undefined = nudge.applications.find((a) => a.name === application);
  if (!app) return undefined;
  const deployments: string[] = [];
  const expectNudged: RolloutExpectation[] = [];
  for (const d of app.deployments ?? []) {
    const as = d.autoscaling_config;
    if (!as || typeof as !== 'object') continue;
    const effective = current.applications?.[application]?.deployments?.[d.name]?.deployment_config?.autoscaling_config?.downscale_delay_s;
    const now = typeof as.downscale_delay_s === 'number' ? as.downscale_delay_s : typeof effective === 'number' ? effective : DEFAULT_DOWNSCALE_DELAY_S;
    d.autoscaling_config = { ...as, downscale_delay_s: now + 1 };
    deployments.push(d.name);
    expectNudged.push({ deployment: d.name, path: 'autoscaling_config.downscale_delay_s', value: now + 1 });
  }
  const overridden = new Set(deployments);
  const skipped = Object.entries(current.applications?.[application]?.deployments ?? {})
    .filter(([name, det]) => det.deployment_config?.autoscaling_config && !overridden.has(name))
    .map(([name]) => name);
  if (deployments.length === 0 && skipped.length === 0) return undefined;
  return { nudge, expectNudged, deployments, skipped };
}
