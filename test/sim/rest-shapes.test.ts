/* eslint-disable @typescript-eslint/no-explicit-any -- GET bodies are walked as untyped JSON, as a client would. */
import { describe, expect, it } from 'vitest';
import { APPS_PATH, captureSimulator, fixture, getApps, put } from './helpers/sim.js';

/**
 * The structure of a JSON value: key names in order, value kinds, recursively. Maps keyed by
 * ids (proxies) are reduced to their values; arrays to their first element.
 */
function shape(value: unknown, key = ''): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value !== 'object') return typeof value;
  const obj = value as Record<string, unknown>;
  if (key === 'proxies') return Object.values(obj).map((v) => shape(v));
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, shape(v, k)]));
}

const keyOrder = (value: unknown): string[] => Object.keys(value as object);

describe('GET /api/serve/applications/ has the shape Ray 2.58 answers', () => {
  it('matches the capture after the initial deploy, key for key and in order', () => {
    const sim = captureSimulator();
    sim.step(10_000);
    const body = getApps(sim);
    const captured = fixture('get_01_after_initial_deploy.json') as Record<string, any>;
    expect(shape(body)).toEqual(shape(captured));
    expect(keyOrder(body)).toEqual(keyOrder(captured));
    expect(keyOrder(body.applications.app_fast)).toEqual(keyOrder(captured.applications.app_fast));
    const echo = body.applications.app_fast.deployments.Echo;
    const capturedEcho = captured.applications.app_fast.deployments.Echo;
    expect(keyOrder(echo.deployment_config)).toEqual(keyOrder(capturedEcho.deployment_config));
    expect(echo.deployment_config).toEqual(capturedEcho.deployment_config);
    expect(body.applications.app_slow.deployments.Sleeper.deployment_config).toEqual(
      captured.applications.app_slow.deployments.Sleeper.deployment_config,
    );
    expect(body.applications.app_fast.deployed_app_config).toEqual(captured.applications.app_fast.deployed_app_config);
    expect(body).not.toHaveProperty('deploy_mode');
    expect(body.http_options).toEqual(captured.http_options);
    expect(body.grpc_options).toEqual(captured.grpc_options);
  });

  it('names replicas and actors in Ray formats', () => {
    const sim = captureSimulator();
    sim.step(10_000);
    const body = getApps(sim);
    const replica = body.applications.app_fast.deployments.Echo.replicas[0];
    expect(replica.replica_id).toMatch(/^[a-z0-9]{8}$/);
    expect(replica.actor_name).toBe(`SERVE_REPLICA::app_fast#Echo#${replica.replica_id}`);
    expect(replica.log_file_path).toBe(`/serve/replica_app_fast_Echo_${replica.replica_id}.log`);
    expect(replica.worker_id).toMatch(/^[0-9a-f]{56}$/);
    expect(replica.actor_id).toMatch(/^[0-9a-f]{24}01000000$/);
    expect(replica.state).toBe('RUNNING');
    expect(body.controller_info.actor_name).toBe('SERVE_CONTROLLER_ACTOR');
    expect(body.controller_info.log_file_path).toMatch(/^\/serve\/controller_\d+\.log$/);
    const [nodeId, proxy] = Object.entries(body.proxies)[0] as [string, any];
    expect(proxy.actor_name).toBe(`SERVE_PROXY_ACTOR-${nodeId}`);
    expect(proxy.status).toBe('HEALTHY');
  });

  it('matches the capture right after a PUT: every app in the body DEPLOYING', () => {
    const sim = captureSimulator();
    sim.step(10_000);
    expect(put(sim, fixture('put_02_min2.request.json')).status).toBe(200);
    const body = getApps(sim);
    const captured = fixture('get_03_immediately_after_min2.json');
    expect(shape(body)).toEqual(shape(captured));
    expect(body.applications.app_fast.status).toBe('DEPLOYING');
    expect(body.applications.app_slow.status).toBe('DEPLOYING');
  });

  it('matches the capture of an app being deleted because a PUT left it out', () => {
    const sim = captureSimulator();
    sim.step(10_000);
    const before = getApps(sim).applications.app_slow.last_deployed_time_s;
    put(sim, fixture('put_03_omit_app_slow.request.json'));
    const body = getApps(sim);
    expect(shape(body.applications.app_slow)).toEqual(shape((fixture('get_05_immediately_after_omit.json') as any).applications.app_slow));
    expect(body.applications.app_slow).toMatchObject({ status: 'DELETING', deployed_app_config: null, deployments: {}, deployment_topology: null });
    expect(body.applications.app_slow.last_deployed_time_s).toBe(before);
    sim.step(10_000);
    const settled = getApps(sim);
    expect(Object.keys(settled.applications)).toEqual(Object.keys((fixture('get_06_after_omit_settled.json') as any).applications));
  });

  it('answers a min_replicas > max_replicas PUT with 200, then DEPLOY_FAILED with the traceback Ray prints', () => {
    const sim = captureSimulator();
    sim.step(10_000);
    expect(put(sim, fixture('put_05_min_gt_max.request.json'))).toMatchObject({ status: 200, body: '' });
    sim.step(3_000);
    const body = getApps(sim);
    const captured = (fixture('get_08_after_min_gt_max.json') as any).applications.app_fast;
    expect(shape(body.applications.app_fast)).toEqual(shape(captured));
    expect(body.applications.app_fast.status).toBe('DEPLOY_FAILED');
    expect(body.applications.app_fast.message).toBe(captured.message);
    expect(body.applications.app_fast.deployments).toEqual({});
    expect(body.applications.app_fast.deployed_app_config).toEqual(captured.deployed_app_config);
    expect(body.applications.app_slow.status).toBe('RUNNING');
  });

  it('filters by api_type and rejects other values with 400 text/plain', () => {
    const sim = captureSimulator();
    sim.step(5_000);
    sim.deployImperative({ name: 'imp', route_prefix: '/imp', import_path: 'harness_apps:echo_app' });
    sim.step(5_000);
    expect(Object.keys(JSON.parse(sim.handle('GET', `${APPS_PATH}?api_type=imperative`).body).applications)).toEqual(['imp']);
    expect(Object.keys(JSON.parse(sim.handle('GET', `${APPS_PATH}?api_type=declarative`).body).applications)).toEqual(['app_fast', 'app_slow']);
    const bad = sim.handle('GET', `${APPS_PATH}?api_type=both`);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^text\/plain/);
    expect(bad.body).toContain("Invalid 'api_type' value: both");
  });

  it('answers the Serve-not-running body after DELETE, and the version route', () => {
    const sim = captureSimulator();
    sim.step(5_000);
    expect(sim.handle('DELETE', APPS_PATH)).toMatchObject({ status: 200, body: '' });
    expect(getApps(sim)).toEqual({ deploy_mode: 'MULTI_APP', controller_info: {}, proxies: {}, applications: {}, target_capacity: null });
    const version = JSON.parse(sim.handle('GET', '/api/ray/version').body);
    expect(version).toMatchObject({ ray_version: '2.58.0', session_name: sim.sessionName });
    expect(Object.keys(version)).toEqual(['version', 'ray_version', 'ray_commit', 'session_name']);
  });
});
