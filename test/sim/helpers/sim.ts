/* eslint-disable @typescript-eslint/no-explicit-any -- GET bodies are walked as untyped JSON, as a client would. */
import { readFileSync } from 'node:fs';
import { ManualClock } from '../../../src/core/clock.js';
import { createSimulator } from '../../../src/sim/simulator.js';
import type { Simulator, SimulatorOptions } from '../../../src/sim/simulator.js';

export const APPS_PATH = '/api/serve/applications/';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/ray/${name}`, import.meta.url), 'utf8'));
}

/** The captured cluster: app_fast/Echo (autoscaling) and app_slow/Sleeper, as in serve_config.yaml. */
export function captureConfig(): { proxy_location: string; http_options: object; applications: Record<string, unknown>[] } {
  return {
    proxy_location: 'HeadOnly',
    http_options: { host: '127.0.0.1', port: 8000 },
    applications: [
      {
        name: 'app_fast',
        route_prefix: '/fast',
        import_path: 'harness_apps:echo_app',
        deployments: [{ name: 'Echo', max_ongoing_requests: 5, autoscaling_config: { min_replicas: 1, max_replicas: 3, target_ongoing_requests: 2 } }],
      },
      {
        name: 'app_slow',
        route_prefix: '/slow',
        import_path: 'harness_apps:sleeper_app',
        deployments: [{ name: 'Sleeper', num_replicas: 1, max_ongoing_requests: 2 }],
      },
    ],
  };
}

/** A simulator that starts from the captured config with no client traffic. */
export function captureSimulator(options: SimulatorOptions = {}): Simulator {
  return createSimulator({
    seed: 3,
    clock: new ManualClock(Date.UTC(2026, 10, 26, 4, 30)),
    scenario: {
      name: 'capture',
      description: 'the captured two-app cluster',
      checklistItem: 'none',
      config: captureConfig(),
      load: [],
      onsetMs: 0,
      windowMs: 0,
      signature: [],
    },
    ...options,
  });
}

export function getApps(sim: Simulator, headers: Record<string, string> = {}): Record<string, any> {
  const r = sim.handle('GET', APPS_PATH, headers);
  if (r.status !== 200) throw new Error(`GET ${r.status}: ${r.body}`);
  return JSON.parse(r.body) as Record<string, any>;
}

export function put(sim: Simulator, body: unknown, headers: Record<string, string> = {}) {
  return sim.handle('PUT', APPS_PATH, headers, typeof body === 'string' ? body : JSON.stringify(body));
}
