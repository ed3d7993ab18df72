import { describe, it } from 'vitest';
import { checkScenario } from './check-scenario.js';
import { EXPECTATIONS } from './expectations.js';

const LATENCY = ['slow-model', 'high-tail-latency', 'cpu-contention', 'oom-restarts', 'stuck-updating'];

describe('simulator scenarios: latency, memory, lifecycle', () => {
  for (const exp of EXPECTATIONS.filter((e) => LATENCY.includes(e.scenario))) {
    it(`${exp.scenario}: ${exp.alert} fires in time and the diagnosis names ${exp.firstItem} first`, () => checkScenario(exp), 60_000);
  }
});
