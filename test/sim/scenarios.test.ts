import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { evaluateSignature } from '../../src/sim/scenarios/evaluate-signature.js';
import type { FlatSample } from '../../src/sim/scenarios/evaluate-signature.js';
import { SCENARIOS, getScenario } from '../../src/sim/scenarios/index.js';
import { WARMUP_MS } from '../../src/sim/scenarios/types.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { readSamples } from './helpers/scrape.js';
import { APPS_PATH } from './helpers/sim.js';

const start = Date.UTC(2026, 0, 1);

describe('scenarios', () => {
  it('each has a kebab-case name, a one-line description, a checklist item and a signature', () => {
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
    for (const s of SCENARIOS) {
      expect(s.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(s.description).not.toContain('\n');
      expect(s.signature.length).toBeGreaterThan(0);
      expect(s.onsetMs).toBeLessThanOrEqual(5 * 60_000);
    }
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: the signature shows in the exposition within ${scenario.onsetMs / 1000} s`, () => {
      const sim = createSimulator({ seed: 11, scenario, clock: new ManualClock(start) });
      sim.step(scenario.onsetMs - scenario.windowMs);
      const before = readSamples(sim.metrics());
      sim.step(scenario.windowMs);
      const after = readSamples(sim.metrics('openmetrics'));
      const rest = JSON.parse(sim.handle('GET', APPS_PATH).body) as unknown;
      const results = evaluateSignature(scenario, before, after, rest);
      for (const r of results) expect({ item: r.item.description, actual: r.actual, holds: r.holds }).toMatchObject({ holds: true });
    });
  }

  it('the healthy baseline shows no symptom of any other scenario for 30 simulated minutes', () => {
    const sim = createSimulator({ seed: 11, scenario: 'healthy-baseline', clock: new ManualClock(start) });
    sim.step(WARMUP_MS + 60_000);
    const scrapes: { at: number; samples: FlatSample[]; rest: unknown }[] = [];
    for (let t = 0; t <= 30 * 60_000; t += 30_000) {
      scrapes.push({ at: t, samples: readSamples(sim.metrics()), rest: JSON.parse(sim.handle('GET', APPS_PATH).body) });
      sim.step(30_000);
    }
    const fired: string[] = [];
    for (const scenario of SCENARIOS.filter((s) => s.name !== 'healthy-baseline')) {
      const windowScrapes = Math.max(1, Math.round(scenario.windowMs / 30_000));
      for (let i = windowScrapes; i < scrapes.length; i++) {
        const results = evaluateSignature(scenario, scrapes[i - windowScrapes]!.samples, scrapes[i]!.samples, scrapes[i]!.rest);
        for (const r of results) if (r.holds && r.item.symptom !== false) fired.push(`${scenario.name}: ${r.item.description} (${String(r.actual)}) at ${scrapes[i]!.at / 1000}s`);
      }
    }
    expect(fired).toEqual([]);
    const state = sim.state();
    expect(Object.values(state.apps).map((a) => a.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(Object.keys(state.http)).toEqual(['200']);
  });

  it('is deterministic: the same seed and steps give the same exposition and REST bodies', () => {
    const run = (seed: number) => {
      const sim = createSimulator({ seed, scenario: getScenario('oom-restarts'), clock: new ManualClock(start) });
      const out: string[] = [];
      for (let i = 0; i < 6; i++) {
        sim.step(37_000);
        out.push(sim.metrics(), sim.metrics('openmetrics'), sim.handle('GET', APPS_PATH).body);
      }
      return out.join('\n');
    };
    const a = run(42);
    expect(run(42)).toBe(a);
    expect(run(43)).not.toBe(a);
  });

  it('does not depend on how the steps are chunked', () => {
    const run = (chunk: number) => {
      const sim = createSimulator({ seed: 9, scenario: getScenario('traffic-spike'), clock: new ManualClock(start) });
      for (let t = 0; t < 120_000; t += chunk) sim.step(chunk);
      return sim.metrics();
    };
    expect(run(250)).toBe(run(10_000));
  });
});
