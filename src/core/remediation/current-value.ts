import { deploymentView, maxOngoingOf, maxReplicasOf, minReplicasOf, numReplicasOf } from '../diagnosis/deployment-view.js';
import type { RemediationAction } from '../model/checklist.js';
import type { ServeInstanceDetails } from '../serve/serve-types.js';

/** The config field each action changes. */
export const ACTION_FIELD: Readonly<Record<RemediationAction, string>> = {
  raise_max_replicas: 'autoscaling_config.max_replicas',
  raise_min_replicas: 'autoscaling_config.min_replicas',
  raise_num_replicas: 'num_replicas',
  set_max_ongoing_requests: 'max_ongoing_requests',
};

/**
 * The value a deployment runs with now for an action's field (the effective config, Ray's
 * defaults where it is silent), or undefined when the GET does not show the deployment (an app
 * DEPLOY_FAILED or rebuilding lists `deployments: {}` while its old replicas keep serving:
 * that is "unknown", never zero).
 */
export function effectiveValue(details: ServeInstanceDetails, application: string, deployment: string, action: RemediationAction): number | undefined {
  const app = details.applications?.[application];
  if (!app?.deployments?.[deployment]?.deployment_config) return undefined;
  const view = deploymentView(app, deployment);
  switch (action) {
    case 'raise_max_replicas':
      return maxReplicasOf(view);
    case 'raise_min_replicas':
      return minReplicasOf(view);
    case 'raise_num_replicas':
      return numReplicasOf(view);
    case 'set_max_ongoing_requests':
      return maxOngoingOf(view);
  }
}

/**
 * The value the app's submitted config (deployed_app_config) asks for, which a PUT changes at
 * once, before the controller applies it: how a restarted job sees that its PUT went through.
 * Undefined when the submitted config does not set the field.
 */
export function submittedValue(details: ServeInstanceDetails, application: string, deployment: string, action: RemediationAction): number | undefined {
  const override = details.applications?.[application]?.deployed_app_config?.deployments?.find((d) => d.name === deployment);
  if (!override) return undefined;
  const raw =
    action === 'raise_max_replicas'
      ? override.autoscaling_config?.max_replicas
      : action === 'raise_min_replicas'
        ? override.autoscaling_config?.min_replicas
        : action === 'raise_num_replicas'
          ? override.num_replicas
          : override.max_ongoing_requests;
  return typeof raw === 'number' ? raw : undefined;
}
