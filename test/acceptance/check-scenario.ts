import { expect } from 'vitest';
import { renderDiagnosis } from '../../src/core/slack-render/render-diagnosis.js';
import { getScenario } from '../../src/sim/scenarios/index.js';
import type { ScenarioExpectation } from './expectations.js';
import { diagnoseFor, firstFiring, INTERVAL_MS, loadShippedRules, runScenario } from './scenario-harness.js';

/**
 * One scenario end to end: its alert fires within `for` plus two evaluation intervals of the
 * signature appearing — measured: the first scrape at which the scenario's own signature
 * (its symptom items, over its window) holds; the alert may also fire before that — and at
 * the latest by the scenario's declared onset plus the same allowance. The diagnosis of that
 * alert, made at the moment it fires, names the scenario's checklist item first.
 */
export async function checkScenario(exp: ScenarioExpectation): Promise<void> {
  const rules = await loadShippedRules();
  const scenario = getScenario(exp.scenario);
  const rule = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === exp.alert);
  expect(rule, exp.alert).toBeDefined();
  const deadline = scenario.onsetMs + rule!.for_ms + 2 * INTERVAL_MS;

  const run = await runScenario(exp.scenario, rules.groups, deadline + INTERVAL_MS, { alert: exp.alert, labels: exp.labels });
  expect(run.ruleErrors).toEqual([]);
  const fired = firstFiring(run, exp.alert, exp.labels);
  expect(fired, `${exp.alert} ${JSON.stringify(exp.labels)} did not fire by ${deadline / 1000} s`).toBeDefined();
  expect(fired!.atMs).toBeLessThanOrEqual(deadline);
  if (run.signatureAtMs !== undefined) {
    expect(fired!.atMs - run.signatureAtMs, `signature at ${run.signatureAtMs / 1000} s, fired at ${fired!.atMs / 1000} s`).toBeLessThanOrEqual(rule!.for_ms + 2 * INTERVAL_MS);
  }

  const diagnose = await diagnoseFor(run.cluster, rules);
  const { labels } = fired!.alert;
  const diagnosis = await diagnose({
    application: labels.application!,
    ...(labels.deployment ? { deployment: labels.deployment } : {}),
    alert: { name: fired!.alert.name, value: fired!.alert.value, labels },
  });
  const ranked = diagnosis.items.map((i) => `${i.item.id} (${i.score})`);
  expect(diagnosis.items[0]?.item.id, `ranked: ${ranked.join(', ')}`).toBe(exp.firstItem);
  expect(diagnosis.items[0]!.evidence.length).toBeGreaterThan(0);
  expect(diagnosis.alertName).toBe(exp.alert);
  // What the Slack thread will show.
  expect(renderDiagnosis(diagnosis).text).toContain(diagnosis.items[0]!.item.title);
}
