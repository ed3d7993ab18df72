import { evaluateAlertRule } from '../../src/core/alerts/evaluate-alert-rule.js';
import { toAlertVector } from '../../src/core/alerts/to-alert-vector.js';
import type { Labels } from '../../src/core/labels.js';
import type { Checklist } from '../../src/core/model/checklist.js';
import type { Alert, AlertEvent } from '../../src/core/model/alert.js';
import type { RuleGroup } from '../../src/core/model/rule.js';
import { loadRules } from '../../src/adapters/rules/load-rules.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Diagnose } from '../../src/service/diagnosis/run-diagnosis.js';
import { createDiagnose } from '../../src/service/diagnosis/run-diagnosis.js';
import type { SimulatedCluster } from '../../src/service/diagnosis/simulated-cluster.js';
import { createSimulatedCluster } from '../../src/service/diagnosis/simulated-cluster.js';

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
  readonly startMs: number;
  readonly events: TimedEvent[];
  /** Alert states after the last evaluation, by rule. */
  readonly states: Map<string, readonly Alert[]>;
  readonly ruleErrors: string[];
}

function matches(labels: Labels, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

/**
 * Runs a scenario for up to `durationMs`, stopping early once an alert named `until.alert`
 * with labels including `until.labels` fires.
 */
export async function runScenario(
  scenario: string,
  groups: readonly RuleGroup[],
  durationMs: number,
  until?: { alert: string; labels: Labels },
): Promise<ScenarioRun> {
  const cluster = createSimulatedCluster({ scenario, seed: 1 });
  const startMs = cluster.clock.now();
  const run: ScenarioRun = { cluster, startMs, events: [], states: new Map(), ruleErrors: [] };
  const rules = groups.flatMap((g) => g.rules);
  while (cluster.clock.now() - startMs < durationMs) {
    cluster.advance(INTERVAL_MS, INTERVAL_MS);
    const t = cluster.clock.now();
    let done = false;
    for (const rule of rules) {
      const result = toAlertVector(await cluster.queryEngine.instantQuery(rule.expr, t));
      const out = evaluateAlertRule({ rule, previous: run.states.get(rule.alert) ?? [], result, timeMs: t });
      if (out.error) run.ruleErrors.push(`${rule.alert}: ${out.error}`);
      run.states.set(rule.alert, out.alerts);
      for (const e of out.events) {
        run.events.push({ kind: e.kind, alert: e.alert, atMs: e.atMs - startMs });
        if (until && e.kind === 'firing' && e.alert.name === until.alert && matches(e.alert.labels, until.labels)) done = true;
      }
    }
    if (done) break;
  }
  return run;
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
