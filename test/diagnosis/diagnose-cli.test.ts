import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Diagnosis } from '../../src/core/model/diagnosis.js';
import type { SimServer } from '../../src/sim/http-server.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { runCli } from '../helpers/cli.js';

const REPO = new URL('../../', import.meta.url).pathname;

describe('serve-medic diagnose: usage', () => {
  it('exits 2 without a target, with two targets, or with an unknown option', async () => {
    expect((await runCli(['diagnose'], { cwd: REPO })).code).toBe(2);
    expect((await runCli(['diagnose', 'a', 'b'], { cwd: REPO })).code).toBe(2);
    const r = await runCli(['diagnose', 'a', '--frobnicate'], { cwd: REPO });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: serve-medic diagnose APP\[\/DEPLOYMENT\]/);
    expect((await runCli(['diagnose', 'a/b/c'], { cwd: REPO })).code).toBe(2);
    expect((await runCli(['diagnose', 'a', '--scenario', 'no-such-scenario'], { cwd: REPO })).code).toBe(2);
  });
});

describe('serve-medic diagnose --scenario (the built-in simulator)', () => {
  it('steps the scenario until its alert fires and prints the diagnosis as JSON', async () => {
    const r = await runCli(['diagnose', 'app_slow', '--scenario', 'backpressure-503', '--json'], { cwd: REPO });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ServeRequestsRejected503 fired/);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(d.alertName).toBe('ServeRequestsRejected503');
    expect(d.items[0]?.item.id).toBe('requests-rejected-503');
    expect(d.deployment).toBe('Sleeper');
    expect(d.remediation?.action).toBe('raise_num_replicas');
  }, 60_000);

  it('prints a readable diagnosis', async () => {
    const r = await runCli(['diagnose', 'text_ml/Summarizer', '--scenario', 'oom-restarts'], { cwd: REPO });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Diagnosis of text_ml\/Summarizer — cluster simulator \(oom-restarts\)/);
    expect(r.stdout).toMatch(/Likely cause: Memory leak in handler \[oom-memory-leak\]/);
    expect(r.stdout).toMatch(/\(Debugging OOM › Common Causes #4\)/);
    expect(r.stdout).toMatch(/Also check \(no metric or config shows these\):\n {2}- Sync FastAPI handlers/);
  }, 60_000);

  it('exits 1 for an application or deployment that does not exist, naming those that do', async () => {
    const app = await runCli(['diagnose', 'nope', '--scenario', 'healthy-baseline'], { cwd: REPO });
    expect(app.code).toBe(1);
    expect(app.stderr).toMatch(/application "nope" does not exist; applications: app_slow, embeddings, text_ml/);
    const dep = await runCli(['diagnose', 'text_ml/Nope', '--scenario', 'healthy-baseline'], { cwd: REPO });
    expect(dep.code).toBe(1);
    expect(dep.stderr).toMatch(/deployment "Nope" does not exist in text_ml; deployments: Summarizer, Translator/);
  });

  it('uses the simulator, and says so, when no cluster is configured', async () => {
    // An application the simulator does not have ends it right after the first REST read.
    const r = await runCli(['diagnose', 'nope'], { cwd: REPO, env: {} });
    expect(r.stderr).toMatch(/no cluster configured \(RAY_DASHBOARD_URL\): diagnosing the built-in simulator, scenario healthy-baseline/);
    expect(r.stderr).toMatch(/applications: app_slow, embeddings, text_ml/);
    expect(r.code).toBe(1);
  });
});

describe('serve-medic diagnose against a live cluster (the simulator over HTTP)', () => {
  let server: SimServer;
  beforeAll(async () => {
    const sim = createSimulator({ clock: new ManualClock(), scenario: 'traffic-spike' });
    sim.step(4 * 60_000);
    server = await sim.listen(0);
  });
  afterAll(async () => {
    await server.close();
  });

  it('reads the REST API and one scrape of METRICS_TARGETS', async () => {
    const env = { RAY_DASHBOARD_URL: server.url, METRICS_TARGETS: `${server.url}/metrics` };
    const r = await runCli(['diagnose', 'embeddings/Embedder', '--collect', '0s', '--json'], { cwd: REPO, env });
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(d.cluster).toBe('ray');
    expect(d.items[0]?.item.id).toBe('latency-queue-building-up');
    expect(d.replicas).toMatchObject({ autoscaling: true, max: 2 });
  });

  it('exits 1 for an application the cluster does not have', async () => {
    const r = await runCli(['diagnose', 'nope'], { cwd: REPO, env: { RAY_DASHBOARD_URL: server.url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/applications: app_slow, embeddings, text_ml/);
  });
});
