import type { ServeInstanceDetails } from '../serve/serve-types.js';

/** A value the deployment's effective config must show once the change is in force. */
export interface RolloutExpectation {
  readonly deployment: string;
  /** Dotted path inside deployment_config: "autoscaling_config.max_replicas". */
  readonly path: string;
  readonly value: unknown;
}

export type RolloutState =
  | { readonly state: 'pending'; readonly status: string }
  | { readonly state: 'running' }
  | { readonly state: 'failed'; readonly status: 'DEPLOY_FAILED' | 'UNHEALTHY' | 'MISSING'; readonly message: string };

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Where an app is after a PUT. Ray answers 200 to configs it fails later, so the GET decides:
 * DEPLOY_FAILED or UNHEALTHY is a failure; RUNNING counts only once the effective config shows
 * the new values (right after a PUT the app may still report its previous RUNNING). While the
 * app is DEPLOY_FAILED or rebuilding, GET shows `deployments: {}` although the old replicas keep
 * serving: that is "pending", never "zero replicas".
 */
export function assessRollout(details: ServeInstanceDetails, application: string, expect: readonly RolloutExpectation[]): RolloutState {
  const app = details.applications?.[application];
  if (!app) return { state: 'failed', status: 'MISSING', message: `application ${application} is no longer in the Serve API` };
  const status = String(app.status ?? 'UNKNOWN');
  const applied = expect.every((e) => at(app.deployments?.[e.deployment]?.deployment_config, e.path) === e.value);
  if (status === 'DEPLOY_FAILED') return { state: 'failed', status, message: app.message ?? '' };
  // UNHEALTHY before the controller took the new config is the old state, not our doing.
  if (status === 'UNHEALTHY' && applied) return { state: 'failed', status, message: app.message ?? '' };
  if (status === 'RUNNING' && applied) return { state: 'running' };
  return { state: 'pending', status };
}

/** The last line of Ray's message (its tracebacks end with the exception), for a thread reply. */
export function rayMessageSummary(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}
