import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { getScenario } from '../../src/sim/scenarios/index.js';
import { configWith } from '../../src/sim/scenarios/base-config.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { readSamples, total } from './helpers/scrape.js';
import { APPS_PATH, put } from './helpers/sim.js';

const start = Date.UTC(2026, 0, 1);

/** A fix applied through PUT changes the metrics as it would on Ray, so remediation can be verified. */
describe('remediations move the metrics', () => {
  it('raising max_replicas drains the traffic-spike queue', () => {
    const sim = createSimulator({ seed: 21, scenario: getScenario('traffic-spike'), clock: new ManualClock(start) });
    sim.step(150_000);
    const queued = () => total(readSamples(sim.metrics()), 'ray_serve_deployment_queued_queries', { deployment: 'Embedder' });
    expect(queued()).toBeGreaterThan(50);
    const fix = configWith('embeddings', 'Embedder', { autoscaling_config: { min_replicas: 1, max_replicas: 4, target_ongoing_requests: 2 } });
    expect(put(sim, fix).status).toBe(200);
    sim.step(4 * 60_000);
    expect(queued()).toBeLessThan(5);
    const body = JSON.parse(sim.handle('GET', APPS_PATH).body);
    expect(body.applications.embeddings.deployments.Embedder.target_num_replicas).toBeGreaterThan(2);
  });

  it('raising num_replicas stops the 503s', () => {
    const sim = createSimulator({ seed: 22, scenario: getScenario('backpressure-503'), clock: new ManualClock(start) });
    const rejected = () => total(readSamples(sim.metrics()), 'ray_serve_num_http_error_requests_total', { error_code: '503' });
    sim.step(60_000);
    const first = rejected();
    sim.step(60_000);
    const perMinuteBefore = rejected() - first;
    expect(perMinuteBefore).toBeGreaterThan(100);
    put(sim, configWith('app_slow', 'Sleeper', { num_replicas: 4, max_queued_requests: 2 }));
    sim.step(60_000);
    const after = rejected();
    sim.step(60_000);
    expect(rejected() - after).toBeLessThan(perMinuteBefore / 20);
  });

  it('raising max_replicas lets a deployment that was not scaling scale', () => {
    const sim = createSimulator({ seed: 23, scenario: getScenario('replicas-not-scaling'), clock: new ManualClock(start) });
    sim.step(180_000);
    put(sim, configWith('embeddings', 'Embedder', { autoscaling_config: { min_replicas: 1, max_replicas: 4, target_ongoing_requests: 2 } }));
    sim.step(120_000);
    const healthy = total(readSamples(sim.metrics()), 'ray_serve_deployment_replica_healthy', { deployment: 'Embedder' });
    expect(healthy).toBeGreaterThanOrEqual(2);
  });
});
