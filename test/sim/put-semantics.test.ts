/* eslint-disable @typescript-eslint/no-explicit-any -- GET bodies are walked as untyped JSON, as a client would. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { withBehaviour } from '../../src/sim/app-catalog.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { readSamples, series } from './helpers/scrape.js';
import { captureConfig, captureSimulator, getApps, put } from './helpers/sim.js';

const echoOverride = (options: Record<string, unknown>) => {
  const config = captureConfig();
  (config.applications[0]!.deployments as Record<string, unknown>[])[0] = { name: 'Echo', ...options };
  return config;
};

function settled(): ReturnType<typeof captureSimulator> {
  const sim = captureSimulator();
  sim.step(10_000);
  return sim;
}

describe('PUT /api/serve/applications/ is the complete desired state', () => {
  it('deletes declarative apps the body leaves out (DELETING, then gone) and keeps imperative ones', () => {
    const sim = settled();
    sim.deployImperative({ name: 'imp', route_prefix: '/imp', import_path: 'harness_apps:echo_app' });
    sim.step(5_000);
    const config = captureConfig();
    config.applications.pop();
    expect(put(sim, config).status).toBe(200);
    let apps = getApps(sim).applications;
    expect(apps.app_slow.status).toBe('DELETING');
    expect(apps.imp.deployed_app_config).toBeNull();
    expect(apps.imp.source).toBe('imperative');
    sim.step(10_000);
    apps = getApps(sim).applications;
    expect(Object.keys(apps).sort()).toEqual(['app_fast', 'imp']);
    expect(apps.imp.status).toBe('RUNNING');
  });

  it('shows DEPLOYING on every app of the body, briefly, even when nothing changed', () => {
    const sim = settled();
    const before = getApps(sim).applications.app_slow.last_deployed_time_s;
    put(sim, captureConfig());
    const apps = getApps(sim).applications;
    expect([apps.app_fast.status, apps.app_slow.status]).toEqual(['DEPLOYING', 'DEPLOYING']);
    expect(apps.app_slow.last_deployed_time_s).toBeGreaterThan(before);
    sim.step(1_000);
    const later = getApps(sim).applications;
    expect([later.app_fast.status, later.app_slow.status]).toEqual(['RUNNING', 'RUNNING']);
  });

  const rejected: [string, unknown, string][] = [
    ['duplicate app names', { applications: [captureConfig().applications[0], { ...captureConfig().applications[1], name: 'app_fast' }] }, 'Found multiple configs for application "app_fast". Please remove all duplicates.'],
    ['duplicate route prefixes', { applications: [captureConfig().applications[0], { ...captureConfig().applications[1], route_prefix: '/fast' }] }, 'Found duplicate applications for route prefix "/fast"'],
    ['a missing import_path', { applications: [{ name: 'x', route_prefix: '/x' }] }, 'applications.0.import_path\n  Field required [type=missing'],
    ['num_replicas 0', echoOverride({ num_replicas: 0 }), 'Input should be greater than 0'],
    ['num_replicas as a bad string', echoOverride({ num_replicas: 'many' }), '`num_replicas` must be an int or "auto"'],
    ['an integer num_replicas next to autoscaling_config', echoOverride({ num_replicas: 2, autoscaling_config: { max_replicas: 3 } }), 'Manually setting num_replicas is not allowed when autoscaling_config is provided.'],
    ['host inside an app', { applications: [{ ...captureConfig().applications[0], host: '0.0.0.0' }] }, 'Please remove it and set host in the top level deploy config only.'],
    ['port inside an app', { applications: [{ ...captureConfig().applications[0], port: 8001 }] }, 'Please remove it and set port in the top level deploy config only.'],
    ['max_ongoing_requests 0', echoOverride({ max_ongoing_requests: 0 }), 'applications.0.deployments.0.max_ongoing_requests\n  Input should be greater than 0'],
  ];
  for (const [what, body, message] of rejected) {
    it(`rejects ${what} with 400 and pydantic's message, applying nothing`, () => {
      const sim = settled();
      const r = put(sim, body);
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/^text\/plain/);
      expect(r.body).toMatch(/^\d+ validation errors? for ServeDeploySchema/);
      expect(r.body).toContain(message);
      const apps = getApps(sim).applications;
      expect([apps.app_fast.status, apps.app_slow.status]).toEqual(['RUNNING', 'RUNNING']);
    });
  }

  it('answers a body that is not JSON with 500 and a traceback', () => {
    const r = put(settled(), '{"applications": [');
    expect(r.status).toBe(500);
    expect(r.body).toContain('json.decoder.JSONDecodeError: Expecting value');
  });

  for (const [what, body, message] of [
    ['an unknown deployment name', echoOverride({ name: 'Echoo', max_ongoing_requests: 5 }), "ValueError: Deployment 'Echoo' does not exist. Available: ['Echo']"],
    ['a route_prefix without a leading slash', { ...captureConfig(), applications: [{ ...captureConfig().applications[0], route_prefix: 'fast' }, captureConfig().applications[1]] }, "Invalid route_prefix 'fast', must start with a forward slash ('/')."],
  ] as [string, unknown, string][]) {
    it(`accepts ${what} with 200, then DEPLOY_FAILED with deployments {} while the old replicas keep serving`, () => {
      const sim = settled();
      sim.setLoad({ path: '/fast', rps: 20 });
      sim.step(20_000);
      const replicaBefore = getApps(sim).applications.app_fast.deployments.Echo.replicas[0].replica_id;
      expect(put(sim, body).status).toBe(200);
      sim.step(5_000);
      const okBefore = sim.state().http['200'] ?? 0;
      sim.step(30_000);
      const app = getApps(sim).applications.app_fast;
      expect(app.status).toBe('DEPLOY_FAILED');
      expect(app.message).toContain('Traceback (most recent call last):');
      expect(app.message).toContain(message);
      expect(app.deployments).toEqual({});
      expect(app.deployment_topology).toBeNull();
      expect(sim.state().apps.app_fast!.deployments.Echo!.replicas.map((r) => r.id)).toContain(replicaBefore);
      expect((sim.state().http['200'] ?? 0) - okBefore).toBeGreaterThan(400);
      const samples = readSamples(sim.metrics());
      expect(series(samples, 'ray_serve_application_status', { application: 'app_fast' })[0]?.value).toBe(1);
      expect(series(samples, 'ray_serve_deployment_status', { application: 'app_fast', deployment: 'Echo' })[0]?.value).toBe(6);
    });
  }

  it('replaces a whole autoscaling_config: missing keys take AutoscalingConfig defaults, not the code values', () => {
    const sim = createSimulator({
      seed: 5,
      clock: new ManualClock(Date.UTC(2026, 0, 1)),
      scenario: {
        name: 'code-autoscaling',
        description: 'autoscaling defined in code',
        checklistItem: 'none',
        catalog: {
          'tuned:app': {
            ingress: 'Tuned',
            deployments: [
              {
                name: 'Tuned',
                options: { autoscaling_config: { min_replicas: 2, max_replicas: 6, target_ongoing_requests: 3, upscale_delay_s: 5 } },
                behaviour: withBehaviour({}),
              },
            ],
          },
        },
        config: { applications: [{ name: 'tuned', route_prefix: '/t', import_path: 'tuned:app' }] },
        load: [],
        onsetMs: 0,
        windowMs: 0,
        signature: [],
      },
    });
    sim.step(10_000);
    const code = getApps(sim).applications.tuned.deployments.Tuned.deployment_config.autoscaling_config;
    expect(code).toMatchObject({ min_replicas: 2, max_replicas: 6, target_ongoing_requests: 3, upscale_delay_s: 5 });
    put(sim, { applications: [{ name: 'tuned', route_prefix: '/t', import_path: 'tuned:app', deployments: [{ name: 'Tuned', autoscaling_config: { max_replicas: 4 } }] }] });
    sim.step(10_000);
    const after = getApps(sim).applications.tuned.deployments.Tuned.deployment_config.autoscaling_config;
    expect(after).toMatchObject({ min_replicas: 1, max_replicas: 4, target_ongoing_requests: 2, upscale_delay_s: 30, downscale_delay_s: 600 });
    expect(after.policy).toEqual({ policy_function: 'ray.serve.autoscaling_policy:default_autoscaling_policy', policy_kwargs: {} });
  });

  it('keeps options a later PUT omits (sticky overrides)', () => {
    const sim = settled();
    const withQueue = captureConfig();
    (withQueue.applications[1]!.deployments as Record<string, unknown>[])[0]!.max_queued_requests = 2;
    put(sim, withQueue);
    sim.step(5_000);
    put(sim, captureConfig());
    sim.step(5_000);
    expect(getApps(sim).applications.app_slow.deployments.Sleeper.deployment_config.max_queued_requests).toBe(2);
  });

  it('applies min/max_replicas and num_replicas without restarting replicas', () => {
    const sim = settled();
    const ids = () => getApps(sim).applications.app_fast.deployments.Echo.replicas.map((r: any) => r.replica_id);
    const sleeperIds = () => getApps(sim).applications.app_slow.deployments.Sleeper.replicas.map((r: any) => r.replica_id);
    const [echo] = ids();
    const [sleeper] = sleeperIds();
    const config = echoOverride({ max_ongoing_requests: 5, autoscaling_config: { min_replicas: 2, max_replicas: 3, target_ongoing_requests: 2 } });
    (config.applications[1]!.deployments as Record<string, unknown>[])[0]!.num_replicas = 2;
    put(sim, config);
    sim.step(10_000);
    expect(ids()).toHaveLength(2);
    expect(ids()).toContain(echo);
    expect(sleeperIds()).toHaveLength(2);
    expect(sleeperIds()).toContain(sleeper);
    const d = getApps(sim).applications.app_slow.deployments.Sleeper;
    expect([d.status, d.status_trigger]).toEqual(['HEALTHY', 'UPSCALE_COMPLETED']);
  });

  it('reconfigures replicas in place for max_ongoing_requests (UPDATING, same ids)', () => {
    const sim = settled();
    const [before] = getApps(sim).applications.app_fast.deployments.Echo.replicas;
    put(sim, echoOverride({ max_ongoing_requests: 9, autoscaling_config: { min_replicas: 1, max_replicas: 3, target_ongoing_requests: 2 } }));
    sim.step(150);
    const during = getApps(sim).applications.app_fast.deployments.Echo;
    expect(during.replicas[0].state).toBe('UPDATING');
    expect(during.status).toBe('UPDATING');
    sim.step(2_000);
    const after = getApps(sim).applications.app_fast.deployments.Echo;
    expect(after.replicas.map((r: any) => [r.replica_id, r.state])).toEqual([[before.replica_id, 'RUNNING']]);
    expect([after.status, after.status_trigger]).toEqual(['HEALTHY', 'CONFIG_UPDATE_COMPLETED']);
  });

  it('restarts replicas with new ids when ray_actor_options change', () => {
    const sim = settled();
    const [before] = getApps(sim).applications.app_slow.deployments.Sleeper.replicas;
    const config = captureConfig();
    (config.applications[1]!.deployments as Record<string, unknown>[])[0]!.ray_actor_options = { num_cpus: 0.5 };
    put(sim, config);
    sim.step(15_000);
    const after = getApps(sim).applications.app_slow.deployments.Sleeper;
    expect(after.replicas).toHaveLength(1);
    expect(after.replicas[0].replica_id).not.toBe(before.replica_id);
    expect(after.replicas[0].worker_id).not.toBe(before.worker_id);
    expect(after.recent_dead_replicas.map((r: any) => [r.replica_id, r.state])).toEqual([[before.replica_id, 'STOPPED']]);
    expect(after.required_resources).toEqual({ CPU: 0.5 });
  });

  it('deregisters autoscaling when a PUT restores an app from DEPLOY_FAILED, until a later changing PUT', () => {
    const sim = settled();
    sim.step(15_000);
    const autoscalingSeries = () => series(readSamples(sim.metrics()), 'ray_serve_autoscaling_total_requests', { deployment: 'Echo' }).length;
    expect(autoscalingSeries()).toBe(1);
    put(sim, echoOverride({ max_ongoing_requests: 5, autoscaling_config: { min_replicas: 5, max_replicas: 2, target_ongoing_requests: 2 } }));
    sim.step(5_000);
    put(sim, captureConfig());
    sim.step(40_000);
    expect(getApps(sim).applications.app_fast.status).toBe('RUNNING');
    expect(sim.state().apps.app_fast!.deployments.Echo!.autoscalingRegistered).toBe(false);
    expect(autoscalingSeries()).toBe(0);
    put(sim, captureConfig());
    sim.step(40_000);
    expect(autoscalingSeries()).toBe(0);
    put(sim, echoOverride({ max_ongoing_requests: 5, autoscaling_config: { min_replicas: 1, max_replicas: 4, target_ongoing_requests: 2 } }));
    sim.step(40_000);
    expect(autoscalingSeries()).toBe(1);
  });
});
