import { ServeMedicError } from '../../errors.js';
import type { RemediationAction } from '../model/checklist.js';
import type { AutoscalingConfig, ServeDeployBody, ServeInstanceDetails } from '../serve/serve-types.js';
import { buildPutBody, type BuildPutBodyOptions } from './build-put-body.js';
import { validateDeployBody } from './validate-deploy-body.js';

/** One field of one deployment, to one new value: the only kind of change serve-medic makes. */
export interface ConfigChange {
  readonly application: string;
  readonly deployment: string;
  readonly action: RemediationAction;
  readonly to: number;
}

export interface FieldDiff {
  /** e.g. "applications[embeddings].deployments[Embedder].autoscaling_config.max_replicas" */
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface PlannedChange {
  readonly change: ConfigChange;
  readonly field: string;
  /** The effective value now (what the deployment runs with), for "3 -> 6". */
  readonly from: number;
  readonly body: ServeDeployBody;
  readonly diff: readonly FieldDiff[];
  /** Non-blocking advice (the 2-3x guidance, a whole-app restart). */
  readonly warnings: readonly string[];
  /** True when the change adds an autoscaling_config override the app did not have: Ray restarts the whole app once. */
  readonly restartsApp: boolean;
}

const AUTOSCALING_FIELD: Partial<Record<RemediationAction, 'min_replicas' | 'max_replicas'>> = {
  raise_min_replicas: 'min_replicas',
  raise_max_replicas: 'max_replicas',
};

// Keys of the effective autoscaling_config that must not be copied into an override: `policy`
// changes the app's code version (a full rolling restart) and `initial_replicas` resets the
// target on every config change (serve-facts §1.8).
const NOT_COPIED = new Set(['policy', 'initial_replicas']);

function refuse(message: string): never {
  throw new ServeMedicError('REMEDIATION_REFUSED', message);
}

export interface PlanChangeOptions extends BuildPutBodyOptions {
  /**
   * A rollback sets a field back to the value it had before serve-medic raised it, so it may
   * lower it. Fixes only ever raise a value.
   */
  readonly allowDecrease?: boolean;
}

/**
 * Plans a single-field change: rebuild the full body from the GET, change exactly one field of
 * one deployment, validate the result as Ray would. Pure: the same GET and change always give
 * the same body.
 */
export function planChange(details: ServeInstanceDetails, change: ConfigChange, options: PlanChangeOptions = {}): PlannedChange {
  const { application, deployment, action, to } = change;
  const appDetails = details.applications?.[application];
  if (!appDetails) refuse(`application ${application} does not exist`);
  if (appDetails.source === 'imperative' || !appDetails.deployed_app_config) {
    refuse(`application ${application} was deployed imperatively (serve.run); the REST API cannot change it without taking it over`);
  }
  if (appDetails.status === 'DEPLOY_FAILED' || appDetails.status === 'DELETING') {
    refuse(`application ${application} is ${appDetails.status}; fix or restore its config first`);
  }
  const effective = appDetails.deployments?.[deployment]?.deployment_config;
  if (!effective) {
    refuse(`deployment ${application}/${deployment} is not visible in the Serve API (status ${appDetails.status ?? 'unknown'}); no change while its config is unknown`);
  }
  if (!Number.isInteger(to) || to < 0) refuse(`new value ${to} is not a non-negative integer`);
  const autoscaling = effective.autoscaling_config !== undefined && effective.autoscaling_config !== null;

  const body = buildPutBody(details, options.loggingConfig !== undefined ? { loggingConfig: options.loggingConfig } : {});
  const app = body.applications.find((a) => a.name === application)!;
  app.deployments ??= [];
  let entry = app.deployments.find((d) => d.name === deployment);
  if (!entry) {
    entry = { name: deployment };
    app.deployments.push(entry);
  }
  const base = `applications[${application}].deployments[${deployment}]`;
  const diff: FieldDiff[] = [];
  const warnings: string[] = [];
  let field: string;
  let from: number;
  let restartsApp = false;

  const asField = AUTOSCALING_FIELD[action];
  if (asField) {
    // A deployment is never switched between fixed and autoscaling: that rebuilds the whole app.
    if (!autoscaling) refuse(`${application}/${deployment} has a fixed num_replicas; ${action} applies to autoscaling deployments (use raise_num_replicas)`);
    const current = effective.autoscaling_config!;
    from = Number(current[asField] ?? 1); // Ray's AutoscalingConfig defaults: min 1, max 1
    let override: AutoscalingConfig;
    if (entry.autoscaling_config) {
      override = { ...entry.autoscaling_config };
    } else {
      // Autoscaling defined only in code: an override replaces the whole object, so send it
      // complete, copied from the effective config.
      override = Object.fromEntries(Object.entries(current).filter(([k, v]) => !NOT_COPIED.has(k) && v !== null));
      restartsApp = true;
      warnings.push(
        `${application}/${deployment} has no autoscaling_config override yet; adding one changes the app's code version and Ray restarts every replica of ${application} once`,
      );
    }
    diff.push({ path: `${base}.autoscaling_config.${asField}`, from: entry.autoscaling_config?.[asField], to });
    override[asField] = to;
    entry.autoscaling_config = override;
    field = `autoscaling_config.${asField}`;
  } else if (action === 'raise_num_replicas') {
    if (autoscaling) refuse(`${application}/${deployment} autoscales; raise_num_replicas applies to fixed-size deployments (use raise_max_replicas or raise_min_replicas)`);
    from = Number(effective.num_replicas ?? 1);
    diff.push({ path: `${base}.num_replicas`, from: entry.num_replicas, to });
    entry.num_replicas = to;
    field = 'num_replicas';
  } else {
    from = Number(effective.max_ongoing_requests ?? 5);
    diff.push({ path: `${base}.max_ongoing_requests`, from: entry.max_ongoing_requests, to });
    entry.max_ongoing_requests = to;
    field = 'max_ongoing_requests';
    const target = effective.autoscaling_config?.target_ongoing_requests;
    if (typeof target === 'number' && target > 0 && (to < 2 * target || to > 3 * target)) {
      warnings.push(`max_ongoing_requests ${to} is ${(to / target).toFixed(2)}x target_ongoing_requests ${target}; the guide says 2-3x`);
    }
  }
  if (options.allowDecrease ? to === from : to <= from) {
    refuse(`${field} of ${application}/${deployment} is already ${from}; ${options.allowDecrease ? 'nothing to change' : `serve-medic only raises it (asked for ${to})`}`);
  }

  const problems = validateDeployBody(body, details);
  if (problems.length > 0) {
    throw new ServeMedicError('SERVE_CONFIG_INVALID', `the new config would fail on Ray: ${problems.join('; ')}`, { details: { problems } });
  }
  return { change, field, from, body, diff, warnings, restartsApp };
}

