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

/**
 * The part of Ray's message a person needs: its tracebacks end with the exception, and a
 * pydantic error spreads it over a few lines and a link. "ValidationError: 1 validation error
 * for DeploymentConfig autoscaling_config Value error, max_replicas (2) must be … (5)!"
 */
export function rayMessageSummary(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('For further information'));
  let start = -1;
  for (let i = lines.length - 1; i >= 0 && start === -1; i--) if (/^[\w.]*(Error|Exception)\b.*:/.test(lines[i]!)) start = i;
  const tail = start === -1 ? lines.slice(-1) : lines.slice(start);
  const text = tail
    .join(' ')
    .replace(/^(?:[a-z_]+\.)+(?=[A-Z]\w*(Error|Exception))/, '')
    .replace(/\s*\[type=[^\]]*\]/g, '');
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
