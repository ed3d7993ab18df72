import type {
  ApplicationDetails,
  AutoscalingConfig,
  DeploymentDetails,
  DeploymentOverride,
  EffectiveDeploymentConfig,
  ServeInstanceDetails,
} from '../serve/serve-types.js';

/**
 * One deployment as the REST GET shows it: its details (status, replicas, the effective config)
 * and the override the app's submitted config has for it. Ray's defaults fill what the GET
 * leaves out (serve-facts §1.2-1.3: max_ongoing_requests 5, target_ongoing_requests 2,
 * min_replicas 1, max_replicas 1, num_replicas 1).
 */
export interface DeploymentView {
  readonly name: string;
  readonly details?: DeploymentDetails;
  readonly effective?: EffectiveDeploymentConfig;
  readonly override?: DeploymentOverride;
}

export const RAY_DEFAULTS = {
  max_ongoing_requests: 5,
  target_ongoing_requests: 2,
  min_replicas: 1,
  max_replicas: 1,
  num_replicas: 1,
} as const;

/** Statuses in which GET lists `deployments: {}` although the previous replicas keep serving. */
const HIDING_STATUSES = new Set(['DEPLOY_FAILED', 'DEPLOYING', 'NOT_STARTED']);

export function appDetails(serve: ServeInstanceDetails | undefined, application: string): ApplicationDetails | undefined {
  return serve?.applications?.[application];
}

/** True when the app's deployments are hidden by its status rather than absent (serve-facts §1.6). */
export function deploymentsHidden(app: ApplicationDetails): boolean {
  return Object.keys(app.deployments ?? {}).length === 0 && HIDING_STATUSES.has(String(app.status ?? ''));
}

/** Every deployment the app shows, or names in its submitted config when the GET hides them. */
export function deploymentNames(app: ApplicationDetails): string[] {
  const shown = Object.keys(app.deployments ?? {});
  if (shown.length > 0) return shown.sort();
  return (app.deployed_app_config?.deployments ?? []).map((d) => d.name).sort();
}

export function deploymentView(app: ApplicationDetails, name: string): DeploymentView {
  const details = app.deployments?.[name];
  const override = app.deployed_app_config?.deployments?.find((d) => d.name === name);
  return {
    name,
    ...(details ? { details } : {}),
    ...(details?.deployment_config ? { effective: details.deployment_config } : {}),
    ...(override ? { override } : {}),
  };
}

/** The autoscaling config in force: the effective one, else the submitted override. */
export function autoscalingOf(view: DeploymentView): AutoscalingConfig | undefined {
  const a = view.effective ? view.effective.autoscaling_config : (view.override?.autoscaling_config ?? undefined);
  return a ?? undefined;
}

export function isAutoscaling(view: DeploymentView): boolean {
  if (view.effective) return autoscalingOf(view) !== undefined;
  return view.override?.autoscaling_config != null || view.override?.num_replicas === 'auto';
}

export function maxOngoingOf(view: DeploymentView): number {
  return num(view.effective?.max_ongoing_requests ?? view.override?.max_ongoing_requests) ?? RAY_DEFAULTS.max_ongoing_requests;
}

export function targetOngoingOf(view: DeploymentView): number {
  return num(autoscalingOf(view)?.target_ongoing_requests) ?? RAY_DEFAULTS.target_ongoing_requests;
}

export function minReplicasOf(view: DeploymentView): number {
  return num(autoscalingOf(view)?.min_replicas) ?? RAY_DEFAULTS.min_replicas;
}

export function maxReplicasOf(view: DeploymentView): number {
  return num(autoscalingOf(view)?.max_replicas) ?? RAY_DEFAULTS.max_replicas;
}

export function numReplicasOf(view: DeploymentView): number {
  return num(view.effective?.num_replicas ?? view.override?.num_replicas) ?? RAY_DEFAULTS.num_replicas;
}

/** ray_actor_options of the effective config, else of the override. */
export function actorOptionsOf(view: DeploymentView): Record<string, unknown> {
  return view.effective?.ray_actor_options ?? view.override?.ray_actor_options ?? {};
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
