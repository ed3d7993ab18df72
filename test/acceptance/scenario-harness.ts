import type { Labels } from '../../src/core/labels.js';
import type { Checklist } from '../../src/core/model/checklist.js';
import type { Alert, AlertEvent } from '../../src/core/model/alert.js';
import type { RuleGroup } from '../../src/core/model/rule.js';
import { loadRules } from '../../src/adapters/rules/load-rules.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Diagnose } from '../../src/service/diagnosis/run-diagnosis.js';
import { runAlertLoop } from '../../src/service/diagnosis/run-alert-loop.js';
import { createDiagnose } from '../../src/service/diagnosis/run-diagnosis.js';
import type { SimulatedCluster } from '../../src/service/diagnosis/simulated-cluster.js';
import { createSimulatedCluster } from '../../src/service/diagnosis/simulated-cluster.js';
import type { FlatSample } from '../../src/sim/scenarios/evaluate-signature.js';
import { evaluateSignature } from '../../src/sim/scenarios/evaluate-signature.js';
import { getScenario } from '../../src/sim/scenarios/index.js';

/**
 * Drives a simulator scenario the way the service would, on a ManualClock: every 15 s (the
 * scrape and evaluation interval) the simulator steps, its /metrics text is scraped into the
 * sample store, and every rule is evaluated with the alert lifecycle (evaluateAlertRule:
 * pending → firing → resolved). No real time passes.
 */
export const INTERVAL_MS = 15_000;
const REPO = new URL('../../', import.meta.url).pathname;

export interface LoadedRuleSet {
  readonly groups: readonly RuleGroup[];
  readonly checklist: Checklist;
}

let cached: Promise<LoadedRuleSet> | undefined;
export function loadShippedRules(): Promise<LoadedRuleSet> {
  cached ??= loadRules(['rules'], { cwd: REPO }).then((loaded) => {
    if (loaded.errors.length > 0 || !loaded.checklist) throw new Error(`rules/ does not load:\n${loaded.errors.join('\n')}`);
    return { groups: loaded.groups, checklist: loaded.checklist };
  });
  return cached;
}

export interface TimedEvent {
  readonly kind: AlertEvent['kind'];
  readonly alert: Alert;
  /** Milliseconds since the scenario started. */
  readonly atMs: number;
}

export interface ScenarioRun {
  readonly cluster: SimulatedCluster;
  readonly events: readonly TimedEvent[];
  readonly ruleErrors: readonly string[];
  /**
   * When the scenario's own signature (src/sim/scenarios, its symptom items) first held over
   * its window, in milliseconds since the start; undefined if not before the run stopped.
   */
  readonly signatureAtMs?: number;
}

function matches(labels: Labels, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

/**
 * Runs a scenario for up to `durationMs` with runAlertLoop (the service's evaluation loop
 * without Redis), stopping early once an alert named `until.alert` with labels including
 * `until.labels` fires.
 */
export async function runScenario(
  scenario: string,
  groups: readonly RuleGroup[],
  durationMs: number,
  until?: { alert: string; labels: Labels },
): Promise<ScenarioRun> {
  const cluster = createSimulatedCluster({ scenario, seed: 1 });
  const startMs = cluster.clock.now();
  const sig = getScenario(scenario);
  const scrapes = new Map<number, FlatSample[]>();
  let signatureAtMs: number | undefined;
  const watchSignature = (t: number): void => {
    scrapes.set(t, cluster.lastScrape().map((s) => ({ name: s.labels.__name__ ?? '', labels: s.labels, value: s.value })));
    scrapes.delete(t - sig.windowMs - INTERVAL_MS);
    const before = scrapes.get(t - sig.windowMs);
    if (signatureAtMs !== undefined || !before) return;
    const rest = JSON.parse(cluster.sim.handle('GET', '/api/serve/applications/').body) as unknown;
    const results = evaluateSignature(sig, before, scrapes.get(t)!, rest).filter((r) => r.item.symptom !== false);
    if (results.length > 0 && results.every((r) => r.holds)) signatureAtMs = t - startMs;
  };
  const result = await runAlertLoop(cluster, groups, {
    durationMs,
    intervalMs: INTERVAL_MS,
    onScrape: watchSignature,
    ...(until ? { stopWhen: (a: Alert) => a.name === until.alert && matches(a.labels, until.labels) } : {}),
  });
  return {
    cluster,
    events: result.events.map((e) => ({ kind: e.kind, alert: e.alert, atMs: e.atMs - startMs })),
    ruleErrors: result.errors,
    ...(signatureAtMs !== undefined ? { signatureAtMs } : {}),
  };
}

export function firstFiring(run: ScenarioRun, alert: string, labels: Labels): TimedEvent | undefined {
  return run.events.find((e) => e.kind === 'firing' && e.alert.name === alert && matches(e.alert.labels, labels));
}

/** The diagnose function of the service, wired to the simulated cluster and the default config. */
export async function diagnoseFor(cluster: SimulatedCluster, rules: LoadedRuleSet): Promise<Diagnose> {
  const config = await loadConfig({ env: {} });
  return createDiagnose({
    queryEngine: cluster.queryEngine,
    serveApi: cluster.serveApi,
    groups: rules.groups,
    checklist: rules.checklist,
    guardrails: config.remediation,
    cluster: 'simulator',
    clock: cluster.clock,
  });
}
