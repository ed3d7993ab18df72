/**
 * The Serve REST API shapes serve-medic reads and writes (Ray 2.58; older versions omit some
 * fields). Ray serializes GET with exclude_unset, so every field may be absent; unknown fields
 * are kept, never rejected.
 */

export type AppStatus = 'NOT_STARTED' | 'DEPLOYING' | 'DEPLOY_FAILED' | 'RUNNING' | 'UNHEALTHY' | 'DELETING';
export type DeploymentStatus = 'UPDATING' | 'HEALTHY' | 'UNHEALTHY' | 'DEPLOY_FAILED' | 'UPSCALING' | 'DOWNSCALING';
export type ReplicaState = 'STARTING' | 'UPDATING' | 'RECOVERING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'PENDING_MIGRATION';

export interface AutoscalingConfig {
  min_replicas?: number;
  initial_replicas?: number | null;
  max_replicas?: number;
  target_ongoing_requests?: number;
  upscale_delay_s?: number;
  downscale_delay_s?: number;
  downscale_to_zero_delay_s?: number | null;
  [key: string]: unknown;
}

/** One deployment entry of an app config, as submitted (overrides only). */
export interface DeploymentOverride {
  name: string;
  num_replicas?: number | 'auto' | null;
  max_ongoing_requests?: number;
  max_queued_requests?: number;
  autoscaling_config?: AutoscalingConfig | null;
  ray_actor_options?: Record<string, unknown>;
  user_config?: unknown;
  [key: string]: unknown;
}

export interface AppConfig {
  name: string;
  route_prefix?: string | null;
  import_path: string;
  runtime_env?: Record<string, unknown>;
  args?: Record<string, unknown>;
  deployments?: DeploymentOverride[];
  [key: string]: unknown;
}

/** The PUT body: the complete desired state of every declarative app. */
export interface ServeDeployBody {
  proxy_location?: string | null;
  http_options?: Record<string, unknown>;
  grpc_options?: Record<string, unknown>;
  logging_config?: Record<string, unknown> | null;
  target_capacity?: number | null;
  applications: AppConfig[];
  [key: string]: unknown;
}

export interface ReplicaDetails {
  replica_id?: string;
  state?: ReplicaState | string;
  node_id?: string;
  node_ip?: string;
  actor_name?: string;
  pid?: number;
  start_time_s?: number;
  [key: string]: unknown;
}

/** The effective config of a deployment (code + config file + defaults). */
export interface EffectiveDeploymentConfig {
  name?: string;
  num_replicas?: number;
  max_ongoing_requests?: number;
  max_queued_requests?: number;
  autoscaling_config?: AutoscalingConfig;
  ray_actor_options?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface DeploymentDetails {
  name?: string;
  status?: DeploymentStatus | string;
  status_trigger?: string;
  message?: string;
  deployment_config?: EffectiveDeploymentConfig;
  target_num_replicas?: number;
  required_resources?: Record<string, number>;
  replicas?: ReplicaDetails[];
  recent_dead_replicas?: ReplicaDetails[];
  [key: string]: unknown;
}

export interface ApplicationDetails {
  name?: string;
  route_prefix?: string | null;
  status?: AppStatus | string;
  message?: string;
  last_deployed_time_s?: number;
  deployed_app_config?: AppConfig | null;
  source?: 'imperative' | 'declarative' | 'unknown' | string;
  deployments?: Record<string, DeploymentDetails>;
  [key: string]: unknown;
}

export interface ServeInstanceDetails {
  proxy_location?: string | null;
  http_options?: Record<string, unknown>;
  grpc_options?: Record<string, unknown>;
  target_capacity?: number | null;
  applications?: Record<string, ApplicationDetails>;
  controller_info?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface RayVersion {
  version?: string;
  ray_version?: string;
  ray_commit?: string;
  session_name?: string;
  [key: string]: unknown;
}
