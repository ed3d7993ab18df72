import type { DeploymentOverride, ServeDeployBody, ServeInstanceDetails } from '../serve/serve-types.js';

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * Ray's own rules for a PUT, checked before sending: Ray answers 200 to many invalid configs
 * (min_replicas > max_replicas, an unknown deployment) and only then fails the app
 * (DEPLOY_FAILED), so waiting for Ray to say no is too late. Returns every problem found.
 */
export function validateDeployBody(body: ServeDeployBody, details: ServeInstanceDetails): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const app of body.applications) {
    if (!app.name) problems.push('an application has no name');
    if (names.has(app.name)) problems.push(`duplicate application ${app.name}`);
    names.add(app.name);
    if (typeof app.route_prefix === 'string') {
      if (prefixes.has(app.route_prefix)) problems.push(`duplicate route_prefix ${app.route_prefix}`);
      prefixes.add(app.route_prefix);
    }
    if (!app.import_path) problems.push(`application ${app.name} has no import_path`);
    const known = details.applications?.[app.name]?.deployments;
    for (const d of app.deployments ?? []) {
      const where = `${app.name}/${d.name}`;
      // deployments: {} means the app is rebuilding or failed: its deployment names are unknown then.
      if (known && Object.keys(known).length > 0 && !(d.name in known)) {
        problems.push(`${where}: no such deployment (available: ${Object.keys(known).join(', ')})`);
      }
      problems.push(...validateDeployment(d, where));
    }
  }
  return problems;
}

function validateDeployment(d: DeploymentOverride, where: string): string[] {
  const problems: string[] = [];
  if (d.max_ongoing_requests !== undefined && !(isInt(d.max_ongoing_requests) && d.max_ongoing_requests >= 1)) {
    problems.push(`${where}: max_ongoing_requests must be an integer >= 1`);
  }
  if (d.num_replicas !== undefined && d.num_replicas !== null && d.num_replicas !== 'auto') {
    if (!(isInt(d.num_replicas) && d.num_replicas >= 1)) problems.push(`${where}: num_replicas must be an integer >= 1 or "auto"`);
    if (d.autoscaling_config) problems.push(`${where}: an integer num_replicas cannot be set next to autoscaling_config`);
  }
  const as = d.autoscaling_config;
  if (as) {
    const min = as.min_replicas ?? 1;
    const max = as.max_replicas ?? 1;
    if (!(isInt(min) && min >= 0)) problems.push(`${where}: autoscaling_config.min_replicas must be an integer >= 0`);
    if (!(isInt(max) && max >= 1)) problems.push(`${where}: autoscaling_config.max_replicas must be an integer >= 1`);
    if (min > max) problems.push(`${where}: autoscaling_config.min_replicas ${min} > max_replicas ${max}`);
    const initial = as.initial_replicas;
    if (initial !== undefined && initial !== null && (initial < min || initial > max)) {
      problems.push(`${where}: autoscaling_config.initial_replicas ${initial} is outside [${min}, ${max}]`);
    }
    if (as.target_ongoing_requests !== undefined && !(as.target_ongoing_requests > 0)) {
      problems.push(`${where}: autoscaling_config.target_ongoing_requests must be > 0`);
    }
  }
  return problems;
}
