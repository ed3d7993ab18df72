/** Ray Serve 2.58 constants the simulator reproduces (python/ray/serve/_private/constants.py). */

export const RAY_VERSION = '2.58.0';
export const RAY_COMMIT = 'cec0a091b12675bbf101cf8a350c8706107baee1';

/** The controller's control loop period (CONTROL_LOOP_INTERVAL_S). */
export const CONTROL_LOOP_MS = 100;
/** Ray core ships metrics to the node agent every metrics_report_interval_ms. */
export const METRICS_REPORT_INTERVAL_MS = 10_000;
/** OpenTelemetry path: a gauge not refreshed for 2 × max(report interval, 1 s) is dropped. */
export const GAUGE_TTL_MS = 2 * METRICS_REPORT_INTERVAL_MS;
/** Handles record queued+running every 0.5 s and push to the controller every 10 s. */
export const HANDLE_METRIC_RECORD_MS = 500;
export const HANDLE_METRIC_PUSH_MS = 10_000;
/** A replica slower than this to start gets a warning message on its deployment. */
export const SLOW_STARTUP_WARNING_MS = 30_000;
/** Rolling windows of replica gauges. */
export const MAX_LATENCY_WINDOW_MS = 60_000;
export const UTILIZATION_WINDOW_MS = 600_000;

/** DEFAULT_LATENCY_BUCKET_MS ("L"). */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 60000, 120000, 300000, 600000,
];
/** DEFAULT_REPLICA_STARTUP_SHUTDOWN_LATENCY_BUCKETS_MS ("S"). */
export const STARTUP_BUCKETS_MS: readonly number[] = [
  5, 20, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 20000, 30000, 60000, 120000, 240000,
];

export const DEFAULT_POLICY = {
  policy_function: 'ray.serve.autoscaling_policy:default_autoscaling_policy',
  policy_kwargs: {},
} as const;

export const DEFAULT_REQUEST_ROUTER_CONFIG = {
  request_router_class: 'ray.serve._private.request_router:PowerOfTwoChoicesRequestRouter',
  request_router_kwargs: {},
  request_routing_stats_period_s: 10.0,
  request_routing_stats_timeout_s: 30.0,
  initial_backoff_s: 0.025,
  backoff_multiplier: 2.0,
  max_backoff_s: 0.5,
} as const;

export type AppStatus = 'NOT_STARTED' | 'DEPLOYING' | 'DEPLOY_FAILED' | 'RUNNING' | 'UNHEALTHY' | 'DELETING';
export type DeploymentStatus = 'UPDATING' | 'HEALTHY' | 'UNHEALTHY' | 'DEPLOY_FAILED' | 'UPSCALING' | 'DOWNSCALING';
export type DeploymentStatusTrigger =
  | 'UNSPECIFIED'
  | 'CONFIG_UPDATE_STARTED'
  | 'CONFIG_UPDATE_COMPLETED'
  | 'UPSCALE_COMPLETED'
  | 'DOWNSCALE_COMPLETED'
  | 'AUTOSCALING'
  | 'REPLICA_STARTUP_FAILED'
  | 'HEALTH_CHECK_FAILED'
  | 'INTERNAL_ERROR'
  | 'DELETING';
export type ReplicaState = 'STARTING' | 'UPDATING' | 'RECOVERING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/** Numeric codes of ray_serve_application_status / ray_serve_deployment_status (to_numeric()). */
export const APP_STATUS_CODE: Readonly<Record<AppStatus, number>> = {
  DEPLOY_FAILED: 1,
  UNHEALTHY: 2,
  NOT_STARTED: 3,
  DELETING: 4,
  DEPLOYING: 5,
  RUNNING: 6,
};
export const DEPLOYMENT_STATUS_CODE: Readonly<Record<DeploymentStatus, number>> = {
  DEPLOY_FAILED: 1,
  UNHEALTHY: 2,
  UPDATING: 3,
  UPSCALING: 4,
  DOWNSCALING: 5,
  HEALTHY: 6,
};
export const PROXY_STATUS_HEALTHY = 2;
