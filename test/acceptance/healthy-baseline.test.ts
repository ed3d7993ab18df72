import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/sim/scenarios/index.js';
import { EXPECTATIONS } from './expectations.js';
import { diagnoseFor, loadShippedRules, runScenario } from './scenario-harness.js';

describe('healthy baseline', () => {
  it('fires nothing for 30 simulated minutes, and a diagnosis finds nothing wrong', async () => {
    const rules = await loadShippedRules();
    const run = await runScenario('healthy-baseline', rules.groups, 30 * 60_000);
    expect(run.ruleErrors).toEqual([]);
    expect(run.events.filter((e) => e.kind === 'firing').map((e) => `${e.atMs / 1000}s ${e.alert.name} ${JSON.stringify(e.alert.labels)}`)).toEqual([]);

    const diagnose = await diagnoseFor(run.cluster, rules);
    for (const application of ['embeddings', 'text_ml', 'app_slow']) {
      const d = await diagnose({ application });
      expect(d.items.map((i) => i.item.id), application).toEqual([]);
      expect(d.remediation).toBeUndefined();
      expect(d.configFindings.filter((f) => f.severity !== 'info')).toEqual([]);
    }
  }, 60_000);

  it('has an expectation for every other scenario of the simulator', () => {
    const names = SCENARIOS.map((s) => s.name).filter((n) => n !== 'healthy-baseline');
    expect(EXPECTATIONS.map((e) => e.scenario).sort()).toEqual(names.sort());
  });
});
