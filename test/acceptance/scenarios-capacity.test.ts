import { describe, it } from 'vitest';
import { checkScenario } from './check-scenario.js';
import { EXPECTATIONS } from './expectations.js';

const CAPACITY = ['traffic-spike', 'pinned-at-max', 'replicas-not-scaling', 'backpressure-503', 'request-timeouts', 'cold-start'];

describe('simulator scenarios: capacity, errors, cold starts', () => {
  for (const exp of EXPECTATIONS.filter((e) => CAPACITY.includes(e.scenario))) {
    it(`${exp.scenario}: ${exp.alert} fires in time and the diagnosis names ${exp.firstItem} first`, () => checkScenario(exp), 60_000);
  }
});
