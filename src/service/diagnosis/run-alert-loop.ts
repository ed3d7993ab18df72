import { evaluateAlertRule } from '../../core/alerts/evaluate-alert-rule.js';
import { toAlertVector } from '../../core/alerts/to-alert-vector.js';
import type { Alert, AlertEvent } from '../../core/model/alert.js';
import type { RuleGroup } from '../../core/model/rule.js';
import type { SimulatedCluster } from './simulated-cluster.js';

/**
 * Drives a simulated cluster the way the service drives a real one, without Redis or timers:
 * every interval the simulator steps, /metrics is scraped into the store, and every rule is
 * evaluated with the alert lifecycle (pending → firing → resolved). Stops after `durationMs`,
 * or as soon as `stopWhen` accepts a firing alert.
 */
export interface AlertLoopOptions {
  readonly durationMs: number;
  /** Scrape and evaluation interval (rules.evaluation_interval; 15 s by default). */
  readonly intervalMs: number;
  readonly stopWhen?: (alert: Alert) => boolean;
  /** Called after each scrape, before the rules are evaluated. */
  readonly onScrape?: (timeMs: number) => void;
}

export interface AlertLoopResult {
  /** Firing and resolved events, in order. */
  readonly events: readonly AlertEvent[];
  /** The alert that stopped the loop, if any. */
  readonly stoppedBy?: Alert;
  /** Rule evaluation errors, "Alert: message". */
  readonly errors: readonly string[];
  /** Alert states after the last evaluation, by rule. */
  readonly states: ReadonlyMap<string, readonly Alert[]>;
}

export async function runAlertLoop(cluster: SimulatedCluster, groups: readonly RuleGroup[], options: AlertLoopOptions): Promise<AlertLoopResult> {
  const rules = groups.flatMap((g) => g.rules);
  const states = new Map<string, readonly Alert[]>();
  const events: AlertEvent[] = [];
  const errors: string[] = [];
  const end = cluster.clock.now() + options.durationMs;
  while (cluster.clock.now() < end) {
    cluster.advance(options.intervalMs, options.intervalMs);
    const t = cluster.clock.now();
    options.onScrape?.(t);
    let stoppedBy: Alert | undefined;
    for (const rule of rules) {
      const result = toAlertVector(await cluster.queryEngine.instantQuery(rule.expr, t));
      const out = evaluateAlertRule({ rule, previous: states.get(rule.alert) ?? [], result, timeMs: t });
      if (out.error) errors.push(`${rule.alert}: ${out.error}`);
      states.set(rule.alert, out.alerts);
      for (const e of out.events) {
        events.push(e);
        if (!stoppedBy && e.kind === 'firing' && options.stopWhen?.(e.alert)) stoppedBy = e.alert;
      }
    }
    if (stoppedBy) return { events, stoppedBy, errors, states };
  }
  return { events, errors, states };
}
