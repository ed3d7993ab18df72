import type { PydanticErrorItem } from './pydantic-errors.js';
import { formatValidationError } from './pydantic-errors.js';

/**
 * What Ray checks when a PUT body is parsed (ServeDeploySchema, pydantic v2): failures here
 * are a 400 with the ValidationError text, and nothing is applied. Checks Ray defers to the
 * controller (autoscaling bounds, unknown deployment names, route_prefix format) are not
 * here: those PUTs return 200 and the app goes DEPLOY_FAILED (see effective-config.ts).
 */
export type JsonObject = Record<string, unknown>;

export interface HttpOptions {
  host: string;
  port: number;
  root_path: string;
  request_timeout_s: number | null;
  keep_alive_timeout_s: number;
  ssl_keyfile: string | null;
  ssl_certfile: string | null;
  ssl_keyfile_password: string | null;
  ssl_ca_certs: string | null;
}

export interface AppRequest {
  readonly name: string;
  readonly routePrefix: string | null;
  readonly importPath: string;
  readonly deployments: readonly JsonObject[];
  /** `model_dump(exclude_unset=True)` of the app: what GET shows as deployed_app_config. */
  readonly submitted: JsonObject;
}

export interface DeployRequest {
  readonly proxyLocation: string;
  readonly httpOptions: HttpOptions;
  readonly grpcOptions: JsonObject;
  readonly targetCapacity: number | null;
  readonly applications: readonly AppRequest[];
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  host: '0.0.0.0',
  port: 8000,
  root_path: '',
  request_timeout_s: null,
  keep_alive_timeout_s: 90,
  ssl_keyfile: null,
  ssl_certfile: null,
  ssl_keyfile_password: null,
  ssl_ca_certs: null,
};

/** Field order of ServeApplicationSchema / DeploymentSchema: model_dump follows it. */
const APP_FIELDS = ['name', 'route_prefix', 'import_path', 'runtime_env', 'deployments', 'args', 'logging_config', 'external_scaler_enabled'];
export const DEPLOYMENT_FIELDS = [
  'name',
  'num_replicas',
  'max_ongoing_requests',
  'max_queued_requests',
  'backpressure_config',
  'user_config',
  'autoscaling_config',
  'graceful_shutdown_wait_loop_s',
  'graceful_shutdown_timeout_s',
  'health_check_period_s',
  'health_check_timeout_s',
  'ray_actor_options',
  'placement_group_bundles',
  'placement_group_strategy',
  'max_replicas_per_node',
  'logging_config',
  'request_router_config',
  'rolling_update_percentage',
];

export type ParseResult = { ok: true; value: DeployRequest } | { ok: false; message: string };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function pick(source: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const f of fields) if (f in source) out[f] = source[f];
  return out;
}

function checkDeployment(d: unknown, loc: (string | number)[], errors: PydanticErrorItem[]): JsonObject | undefined {
  if (!isObject(d)) {
    errors.push({ loc, msg: 'Input should be a valid dictionary or instance of DeploymentSchema', type: 'model_type', input: d });
    return undefined;
  }
  const before = errors.length;
  if (typeof d.name !== 'string') {
    errors.push({ loc: [...loc, 'name'], msg: d.name === undefined ? 'Field required' : 'Input should be a valid string', type: d.name === undefined ? 'missing' : 'string_type', input: d.name === undefined ? d : d.name });
  }
  const n = d.num_replicas;
  if (n !== undefined && n !== null && n !== 'auto') {
    if (typeof n === 'string') {
      errors.push({ loc: [...loc, 'num_replicas'], msg: 'Value error, `num_replicas` must be an int or "auto".', type: 'value_error', input: n });
    } else if (!isInt(n) || n < 1) {
      errors.push({ loc: [...loc, 'num_replicas', 'constrained-int'], msg: isInt(n) ? 'Input should be greater than 0' : 'Input should be a valid integer', type: isInt(n) ? 'greater_than' : 'int_type', input: n });
      errors.push({ loc: [...loc, 'num_replicas', 'str'], msg: 'Input should be a valid string', type: 'string_type', input: n });
    }
  }
  const m = d.max_ongoing_requests;
  if (m !== undefined && (!isInt(m) || m <= 0)) {
    errors.push({ loc: [...loc, 'max_ongoing_requests'], msg: isInt(m) ? 'Input should be greater than 0' : 'Input should be a valid integer', type: isInt(m) ? 'greater_than' : 'int_type', input: m });
  }
  const q = d.max_queued_requests;
  if (q !== undefined && (!isInt(q) || (q !== -1 && q < 1))) {
    errors.push({ loc: [...loc, 'max_queued_requests'], msg: isInt(q) ? 'Value error, max_queued_requests must be -1 (no limit) or a positive integer.' : 'Input should be a valid integer', type: isInt(q) ? 'value_error' : 'int_type', input: q });
  }
  const a = d.autoscaling_config;
  if (a !== undefined && a !== null && !isObject(a)) {
    errors.push({ loc: [...loc, 'autoscaling_config'], msg: 'Input should be a valid dictionary', type: 'dict_type', input: a });
  }
  if (d.ray_actor_options !== undefined && d.ray_actor_options !== null && !isObject(d.ray_actor_options)) {
    errors.push({ loc: [...loc, 'ray_actor_options'], msg: 'Input should be a valid dictionary', type: 'dict_type', input: d.ray_actor_options });
  }
  if (errors.length === before && isInt(n) && isObject(a)) {
    errors.push({ loc, msg: 'Value error, Manually setting num_replicas is not allowed when autoscaling_config is provided.', type: 'value_error', input: d });
  }
  return errors.length === before ? pick(d, DEPLOYMENT_FIELDS) : undefined;
}

function importPathError(v: string): string | undefined {
  const bad = (why: string) => `Value error, Got invalid import path "${v}". ${why}`;
  if (v.includes(':')) {
    if (v.split(':').length > 2) return bad('An import path may have at most one colon.');
    if (v.startsWith(':') || v.endsWith(':')) return bad('An import path may not start or end with a colon.');
    return undefined;
  }
  if (!v.includes('.')) {
    return bad('An import path must contain at least on dot or colon separating the module (and potentially submodules) from the deployment graph. E.g.: "module.deployment_graph".');
  }
  if (v.startsWith('.') || v.endsWith('.')) return bad('An import path may not start or end with a dot.');
  return undefined;
}

function checkApp(app: unknown, i: number, errors: PydanticErrorItem[]): AppRequest | undefined {
  const loc = ['applications', i];
  if (!isObject(app)) {
    errors.push({ loc, msg: 'Input should be a valid dictionary or instance of ServeApplicationSchema', type: 'model_type', input: app });
    return undefined;
  }
  const before = errors.length;
  const name = app.name ?? 'default';
  if (typeof name !== 'string') errors.push({ loc: [...loc, 'name'], msg: 'Input should be a valid string', type: 'string_type', input: name });
  const routePrefix = app.route_prefix === undefined ? '/' : app.route_prefix;
  if (routePrefix !== null && typeof routePrefix !== 'string') {
    errors.push({ loc: [...loc, 'route_prefix'], msg: 'Input should be a valid string', type: 'string_type', input: routePrefix });
  }
  if (app.import_path === undefined) {
    errors.push({ loc: [...loc, 'import_path'], msg: 'Field required', type: 'missing', input: app });
  } else if (typeof app.import_path !== 'string') {
    errors.push({ loc: [...loc, 'import_path'], msg: 'Input should be a valid string', type: 'string_type', input: app.import_path });
  } else {
    const why = importPathError(app.import_path);
    if (why) errors.push({ loc: [...loc, 'import_path'], msg: why, type: 'value_error', input: app.import_path });
  }
  const rawDeployments = app.deployments ?? [];
  const deployments: JsonObject[] = [];
  if (!Array.isArray(rawDeployments)) {
    errors.push({ loc: [...loc, 'deployments'], msg: 'Input should be a valid list', type: 'list_type', input: rawDeployments });
  } else {
    rawDeployments.forEach((d, j) => {
      const ok = checkDeployment(d, [...loc, 'deployments', j], errors);
      if (ok) deployments.push(ok);
    });
  }
  if (errors.length > before) return undefined;
  const submitted = pick(app, APP_FIELDS);
  if ('deployments' in submitted) submitted.deployments = deployments;
  return { name: name as string, routePrefix: routePrefix as string | null, importPath: app.import_path as string, deployments, submitted };
}

/** Ray's ServeDeploySchema field validators on `applications`, run once the items are valid. */
function checkApplicationSet(apps: readonly AppRequest[], input: unknown): PydanticErrorItem | undefined {
  const err = (msg: string): PydanticErrorItem => ({ loc: ['applications'], msg: `Value error, ${msg}`, type: 'value_error', input });
  const names = apps.map((a) => a.name);
  const dupNames = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))].map((n) => `"${n}"`);
  if (dupNames.length > 0) {
    return err(`Found multiple configs for ${dupNames.length === 1 ? 'application' : 'applications'} ${dupNames.join(', ')}. Please remove all duplicates.`);
  }
  const routes = apps.map((a) => a.routePrefix).filter((r): r is string => !!r);
  const dupRoutes = [...new Set(routes.filter((r, i) => routes.indexOf(r) !== i))].map((r) => `"${r}"`);
  if (dupRoutes.length > 0) {
    return err(`Found duplicate applications for ${dupRoutes.length === 1 ? 'route prefix' : 'route prefixes'} ${dupRoutes.join(', ')}. Please ensure each application's route_prefix is unique.`);
  }
  if (apps.some((a) => a.name.length === 0)) return err('Application names must be nonempty.');
  return undefined;
}

/** The model-level "before" validator that rejects legacy per-app host/port. */
function nestedHostAndPort(apps: unknown[]): string | undefined {
  for (const app of apps) {
    if (!isObject(app)) continue;
    if ('host' in app) {
      return `Value error, Host "${String(app.host)}" is set in the config for application \`${String(app.name)}\`. Please remove it and set host in the top level deploy config only.`;
    }
    if ('port' in app) {
      return `Value error, Port ${String(app.port)} is set in the config for application \`${String(app.name)}\`. Please remove it and set port in the top level deploy config only.`;
    }
  }
  return undefined;
}

export function parseDeployRequest(body: unknown): ParseResult {
  const fail = (items: PydanticErrorItem[]): ParseResult => ({ ok: false, message: formatValidationError('ServeDeploySchema', items) });
  if (!isObject(body)) {
    return fail([{ loc: [], msg: 'Input should be a valid dictionary or instance of ServeDeploySchema', type: 'model_type', input: body }]);
  }
  const apps = body.applications;
  if (apps === undefined) return fail([{ loc: ['applications'], msg: 'Field required', type: 'missing', input: body }]);
  if (!Array.isArray(apps)) return fail([{ loc: ['applications'], msg: 'Input should be a valid list', type: 'list_type', input: apps }]);
  const hostPort = nestedHostAndPort(apps);
  if (hostPort) return fail([{ loc: [], msg: hostPort, type: 'value_error', input: body }]);

  const errors: PydanticErrorItem[] = [];
  const proxyLocation = body.proxy_location ?? 'EveryNode';
  if (!['Disabled', 'HeadOnly', 'EveryNode'].includes(proxyLocation as string)) {
    errors.push({ loc: ['proxy_location'], msg: "Input should be 'Disabled', 'HeadOnly' or 'EveryNode'", type: 'enum', input: proxyLocation });
  }
  const httpIn = body.http_options ?? {};
  if (!isObject(httpIn)) errors.push({ loc: ['http_options'], msg: 'Input should be a valid dictionary or instance of HTTPOptionsSchema', type: 'model_type', input: httpIn });
  const capacity = body.target_capacity ?? null;
  if (capacity !== null && (typeof capacity !== 'number' || capacity < 0 || capacity > 100)) {
    errors.push({ loc: ['target_capacity'], msg: 'Input should be less than or equal to 100', type: 'less_than_equal', input: capacity });
  }
  const parsed = apps.map((a, i) => checkApp(a, i, errors));
  if (errors.length > 0) return fail(errors);
  const applications = parsed as AppRequest[];
  const setError = checkApplicationSet(applications, apps);
  if (setError) return fail([setError]);

  const httpOptions = { ...DEFAULT_HTTP_OPTIONS, ...pick(httpIn as JsonObject, Object.keys(DEFAULT_HTTP_OPTIONS)) } as HttpOptions;
  const grpcIn = isObject(body.grpc_options) ? body.grpc_options : {};
  const grpcOptions = { port: 9000, grpc_servicer_functions: [], request_timeout_s: null, ...pick(grpcIn, ['port', 'grpc_servicer_functions', 'request_timeout_s']) };
  // The global logging_config is copied into every app that has none, and shows up there.
  const logging = isObject(body.logging_config) ? body.logging_config : undefined;
  const withLogging = applications.map((a) =>
    logging && !('logging_config' in a.submitted) ? { ...a, submitted: pick({ ...a.submitted, logging_config: { ...logging } }, APP_FIELDS) } : a,
  );
  return {
    ok: true,
    value: { proxyLocation: proxyLocation as string, httpOptions, grpcOptions, targetCapacity: capacity as number | null, applications: withLogging },
  };
}
