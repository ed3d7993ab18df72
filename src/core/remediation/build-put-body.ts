import type { AppConfig, ServeDeployBody, ServeInstanceDetails } from '../serve/serve-types.js';

/**
 * Rebuilds the complete PUT body from a GET: a PUT is the whole desired state, and any
 * declarative app missing from it is deleted. So every app with a `deployed_app_config`
 * (the config exactly as submitted) goes in, plus the top-level fields. Imperative apps have
 * no deployed_app_config and a PUT leaves them alone; an app being deleted is left out too.
 */
export interface BuildPutBodyOptions {
  /**
   * Ray returns the global logging_config nowhere except as per-app copies; pass the last
   * body serve-medic itself submitted to keep it exactly.
   */
  readonly loggingConfig?: Record<string, unknown> | null;
}

export function buildPutBody(details: ServeInstanceDetails, options: BuildPutBodyOptions = {}): ServeDeployBody {
  const applications: AppConfig[] = [];
  for (const app of Object.values(details.applications ?? {})) {
    if (!app.deployed_app_config) continue;
    if (app.source === 'imperative' || app.status === 'DELETING') continue;
    applications.push(structuredClone(app.deployed_app_config));
  }
  const body: ServeDeployBody = { applications };
  if (details.proxy_location !== undefined) body.proxy_location = details.proxy_location;
  if (details.http_options !== undefined) body.http_options = structuredClone(details.http_options);
  if (details.grpc_options !== undefined) body.grpc_options = structuredClone(details.grpc_options);
  if (details.target_capacity !== undefined) body.target_capacity = details.target_capacity;
  if (options.loggingConfig !== undefined) body.logging_config = structuredClone(options.loggingConfig);
  return body;
}
