import { createHash } from 'node:crypto';
import { DEFAULT_POLICY, DEFAULT_REQUEST_ROUTER_CONFIG } from './constants.js';
import type { JsonObject } from './deploy-schema.js';
import { formatTraceback, formatValidationError, DEPLOYMENT_CONFIG_FRAMES } from './pydantic-errors.js';

/**
 * The effective deployment config (GET `deployment_config`): Serve's defaults, then the
 * code's @serve.deployment options, then config overrides. Mirrors DeploymentConfig and
 * AutoscalingConfig of Ray 2.58, including the validation Ray runs only in the controller.
 */
export interface AutoscalingConfig {
  min_replicas: number;
  initial_replicas: number | null;
  max_replicas: number;
  target_ongoing_requests: number;
  metrics_interval_s: number;
  look_back_period_s: number;
  smoothing_factor: number;
  upscale_smoothing_factor: number | null;
  downscale_smoothing_factor: number | null;
  upscaling_factor: number | null;
  downscaling_factor: number | null;
  downscale_delay_s: number;
  downscale_to_zero_delay_s: number | null;
  upscale_delay_s: number;
  aggregation_function: string;
  policy: JsonObject;
}

export interface DeploymentConfig {
  name: string;
  num_replicas?: number;
  max_ongoing_requests: number;
  max_queued_requests: number;
  backpressure_config: { status_code: number; retry_after_s: number | null };
  user_config: unknown;
  autoscaling_config?: AutoscalingConfig;
  graceful_shutdown_wait_loop_s: number;
  graceful_shutdown_timeout_s: number;
  health_check_period_s: number;
  health_check_timeout_s: number;
  ray_actor_options: JsonObject;
  request_router_config: JsonObject;
  rolling_update_percentage: number;
  max_replicas_per_node?: number;
}

/** A config the controller cannot apply: the app goes DEPLOY_FAILED with this message. */
export class DeployFailure extends Error {}

export function defaultAutoscalingConfig(): AutoscalingConfig {
  return {
    min_replicas: 1,
    initial_replicas: null,
    max_replicas: 1,
    target_ongoing_requests: 2.0,
    metrics_interval_s: 10.0,
    look_back_period_s: 30.0,
    smoothing_factor: 1.0,
    upscale_smoothing_factor: null,
    downscale_smoothing_factor: null,
    upscaling_factor: null,
    downscaling_factor: null,
    downscale_delay_s: 600.0,
    downscale_to_zero_delay_s: null,
    upscale_delay_s: 30.0,
    aggregation_function: 'mean',
    policy: { ...DEFAULT_POLICY, policy_kwargs: {} },
  };
}

export function defaultDeploymentConfig(name: string): DeploymentConfig {
  return {
    name,
    num_replicas: 1,
    max_ongoing_requests: 5,
    max_queued_requests: -1,
    backpressure_config: { status_code: 503, retry_after_s: null },
    user_config: null,
    graceful_shutdown_wait_loop_s: 2.0,
    graceful_shutdown_timeout_s: 20.0,
    health_check_period_s: 10.0,
    health_check_timeout_s: 30.0,
    ray_actor_options: { num_cpus: 1.0 },
    request_router_config: { ...DEFAULT_REQUEST_ROUTER_CONFIG, request_router_kwargs: {} },
    rolling_update_percentage: 0.2,
  };
}

function configError(field: string, msg: string, input: unknown): DeployFailure {
  const text = formatValidationError('DeploymentConfig', [{ loc: [field], msg, type: 'value_error', input }]);
  return new DeployFailure(formatTraceback(DEPLOYMENT_CONFIG_FRAMES, `pydantic_core._pydantic_core.ValidationError: ${text}`));
}

/**
 * AutoscalingConfig(**dict): the dict replaces the whole object; keys it leaves out take
 * AutoscalingConfig defaults, never the values the code or an earlier config had.
 */
export function buildAutoscalingConfig(input: JsonObject, base = defaultAutoscalingConfig()): AutoscalingConfig {
  const out: AutoscalingConfig = { ...base };
  for (const key of Object.keys(base) as (keyof AutoscalingConfig)[]) {
    if (key in input) (out as unknown as JsonObject)[key] = input[key];
  }
  const nonNeg = (k: 'min_replicas' | 'max_replicas') => {
    const v = out[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < (k === 'max_replicas' ? 1 : 0)) {
      throw configError('autoscaling_config', `Value error, ${k} must be ${k === 'max_replicas' ? 'a positive' : 'a non-negative'} integer`, input);
    }
  };
  nonNeg('min_replicas');
  nonNeg('max_replicas');
  if (out.max_replicas < out.min_replicas) {
    throw configError('autoscaling_config', `Value error, max_replicas (${out.max_replicas}) must be greater than or equal to min_replicas (${out.min_replicas})!`, input);
  }
  if (out.initial_replicas !== null) {
    if (out.initial_replicas < out.min_replicas) {
      throw configError('autoscaling_config', `Value error, min_replicas (${out.min_replicas}) must be less than or equal to initial_replicas (${out.initial_replicas})!`, input);
    }
    if (out.initial_replicas > out.max_replicas) {
      throw configError('autoscaling_config', `Value error, max_replicas (${out.max_replicas}) must be greater than or equal to initial_replicas (${out.initial_replicas})!`, input);
    }
  }
  if (!(out.target_ongoing_requests > 0)) {
    throw configError('autoscaling_config', 'Value error, target_ongoing_requests must be positive', input);
  }
  return out;
}

/** `original_options.update(options); DeploymentConfig(**original_options)`. */
export function applyOptions(base: DeploymentConfig, options: JsonObject): DeploymentConfig {
  const out: DeploymentConfig = { ...base };
  for (const [key, value] of Object.entries(options)) {
    switch (key) {
      case 'name':
        break;
      case 'num_replicas':
        if (value === 'auto') {
          const extra = options.autoscaling_config;
          out.autoscaling_config = buildAutoscalingConfig(
            typeof extra === 'object' && extra !== null ? (extra as JsonObject) : {},
            { ...defaultAutoscalingConfig(), max_replicas: 100 },
          );
          delete out.num_replicas;
        } else if (typeof value === 'number') {
          out.num_replicas = value;
          delete out.autoscaling_config;
        }
        break;
      case 'autoscaling_config':
        if (options.num_replicas === 'auto') break;
        if (value === null) {
          if (out.autoscaling_config) out.num_replicas = out.num_replicas ?? 1;
          delete out.autoscaling_config;
        } else {
          out.autoscaling_config = buildAutoscalingConfig(value as JsonObject);
          delete out.num_replicas;
        }
        break;
      case 'ray_actor_options':
        out.ray_actor_options = { ...(value as JsonObject) };
        if (!('num_cpus' in out.ray_actor_options)) out.ray_actor_options.num_cpus = 1.0;
        break;
      case 'request_router_config':
        out.request_router_config = { ...DEFAULT_REQUEST_ROUTER_CONFIG, ...(value as JsonObject) };
        break;
      default:
        if (key in base || key === 'max_replicas_per_node') (out as unknown as JsonObject)[key] = value;
    }
  }
  return out;
}

/** GET's `deployment_config`, keys in DeploymentSchema order (num_replicas or autoscaling_config). */
export function dumpDeploymentConfig(c: DeploymentConfig): JsonObject {
  const out: JsonObject = { name: c.name };
  if (c.num_replicas !== undefined && !c.autoscaling_config) out.num_replicas = c.num_replicas;
  out.max_ongoing_requests = c.max_ongoing_requests;
  out.max_queued_requests = c.max_queued_requests;
  out.backpressure_config = { ...c.backpressure_config };
  out.user_config = c.user_config;
  if (c.autoscaling_config) out.autoscaling_config = { ...c.autoscaling_config, policy: { ...c.autoscaling_config.policy } };
  out.graceful_shutdown_wait_loop_s = c.graceful_shutdown_wait_loop_s;
  out.graceful_shutdown_timeout_s = c.graceful_shutdown_timeout_s;
  out.health_check_period_s = c.health_check_period_s;
  out.health_check_timeout_s = c.health_check_timeout_s;
  out.ray_actor_options = { ...c.ray_actor_options };
  if (c.max_replicas_per_node !== undefined) out.max_replicas_per_node = c.max_replicas_per_node;
  out.request_router_config = { ...c.request_router_config };
  out.rolling_update_percentage = c.rolling_update_percentage;
  return out;
}

const digest = (v: unknown): string => createHash('sha1').update(JSON.stringify(v)).digest('hex').slice(0, 12);

/** Changes that restart replicas (DeploymentVersion.requires_actor_restart). */
export function restartKey(c: DeploymentConfig): string {
  return digest([c.ray_actor_options, c.max_replicas_per_node ?? null]);
}

/** Changes applied in place with reconfigure(): replicas go UPDATING briefly. */
export function reconfigureKey(c: DeploymentConfig): string {
  const a = c.autoscaling_config;
  return digest([
    c.max_ongoing_requests,
    c.user_config,
    c.graceful_shutdown_wait_loop_s,
    c.backpressure_config,
    c.request_router_config,
    a ? [a.metrics_interval_s, a.look_back_period_s] : null,
  ]);
}

/**
 * get_app_code_version: what forces a rebuild and a rolling restart of the whole app. Note the
 * list of `autoscaling_config.policy` values of deployments whose override sets one: adding or
 * removing an autoscaling_config override changes it.
 */
export function appCodeVersion(app: JsonObject): string {
  const deployments = Array.isArray(app.deployments) ? (app.deployments as JsonObject[]) : [];
  return digest([
    app.import_path,
    app.runtime_env ?? {},
    app.args ?? {},
    deployments.filter((d) => d.autoscaling_config).map((d) => (d.autoscaling_config as JsonObject).policy ?? null),
    deployments.map((d) => d.request_router_config ?? null),
  ]);
}

export function requiredCpus(c: DeploymentConfig): number {
  const n = c.ray_actor_options.num_cpus;
  return typeof n === 'number' ? n : 1;
}
