import { splitThreshold } from '../chart/chart-query.js';
import { humanizeDuration } from '../duration.js';
import { humanizeNumber } from '../humanize-number.js';
import type { Labels } from '../labels.js';
import type { InstantSample } from '../query/types.js';
import type { ProposalTrigger } from './proposal.js';

/**
 * How a fix is verified: the signal that raised the alert, read at the change and again at the
 * end of the verification window. The alert rule's expression is split at its comparison
 * (`queue > 10` → the queue), the series of the alerting workload is kept, and the comparison
 * says which way is better. The whole expression is also evaluated at the end: if it returns
 * nothing for the workload, the alert's condition no longer holds.
 */
export interface VerificationSignal {
  /** "queue", "p99 latency (ms)", …: what the number is, for "queue 340 -> 12". */
  readonly name: string;
  /** The value expression (the rule's left-hand side). */
  readonly expr: string;
  /** The whole rule expression: non-empty for the workload means the condition still holds. */
  readonly conditionExpr: string;
  readonly better: 'lower' | 'higher' | 'unknown';
  readonly labels: Labels;
}

/** Known Ray Serve metrics by the name on-call engineers use for them. */
const SIGNAL_NAMES: readonly (readonly [RegExp, string])[] = [
  [/ray_serve_deployment_queued_queries/, 'queue'],
  [/ray_serve_autoscaling_total_requests/, 'replicas wanted'],
  [/histogram_quantile\(\s*0\.99[\s\S]*latency_ms/, 'p99 latency (ms)'],
  [/latency_ms/, 'latency (ms)'],
  [/error_code="503"/, '503 rate'],
  [/error/, 'error rate'],
  [/ray_serve_replica_processing_queries/, 'ongoing requests'],
  [/replica_healthy/, 'healthy replicas'],
];

export function verificationSignal(trigger: ProposalTrigger): VerificationSignal | undefined {
  if (!trigger.expr) return undefined;
  const split = splitThreshold(trigger.expr);
  const better = split.comparator === '>' || split.comparator === '>=' ? 'lower' : split.comparator === '<' || split.comparator === '<=' ? 'higher' : 'unknown';
  const name = SIGNAL_NAMES.find(([re]) => re.test(split.expr))?.[1] ?? `${trigger.alertName} value`;
  return { name, expr: split.expr, conditionExpr: trigger.expr.trim(), better, labels: trigger.labels };
}

const IDENTITY = ['application', 'deployment', 'route'];

/**
 * The sample of the alerting workload: the series that agrees with the alert on application,
 * deployment and route (labels a series lacks do not disqualify it). Undefined when none does.
 */
export function workloadValue(samples: readonly InstantSample[], labels: Labels): number | undefined {
  const keys = IDENTITY.filter((k) => labels[k] !== undefined);
  const match = samples.find((s) => keys.every((k) => s.labels[k] === undefined || s.labels[k] === labels[k]));
  return match?.value;
}

export interface Reading {
  readonly value?: number;
  readonly replicas?: number;
  /** Whether the alert's whole expression returned the workload then; undefined when unknown. */
  readonly conditionHolds?: boolean;
  readonly atMs: number;
}

export interface VerificationVerdict {
  readonly result: 'improved' | 'not_improved' | 'unknown';
  /** "queue 340 -> 12 in 4 min; replicas 2 -> 4; alert condition cleared" */
  readonly text: string;
}

/** A move of at least this share in the good direction counts as better. */
const MEANINGFUL = 0.2;

/**
 * Compares the reading at the change with the one at the end of the window. Improved when the
 * alert's condition held at the change and no longer does, or the value moved at least 20% the
 * right way; not improved when the condition still holds or the value did not move (or moved
 * the wrong way); unknown when there was nothing to compare.
 */
export function verificationVerdict(signal: VerificationSignal | undefined, before: Reading, after: Reading): VerificationVerdict {
  const parts: string[] = [];
  const took = humanizeDuration(Math.max(0, after.atMs - before.atMs));
  const cleared = before.conditionHolds !== false && after.conditionHolds === false;
  let moved: 'better' | 'worse' | 'same' | undefined;
  if (signal && (before.value !== undefined || after.value !== undefined)) {
    const b = before.value;
    // The series can vanish (a deployment deleted, gauges dropped): then it shows as gone.
    const a = after.value;
    parts.push(`${signal.name} ${b === undefined ? '?' : humanizeNumber(b)} -> ${a === undefined ? 'gone' : humanizeNumber(a)} in ${took}`);
    if (a !== undefined && b !== undefined && signal.better !== 'unknown') {
      const delta = signal.better === 'lower' ? b - a : a - b;
      const scale = Math.max(Math.abs(b), 1e-9);
      moved = delta / scale >= MEANINGFUL ? 'better' : -delta / scale >= MEANINGFUL ? 'worse' : 'same';
    }
  }
  if (before.replicas !== undefined && after.replicas !== undefined) parts.push(`replicas ${humanizeNumber(before.replicas)} -> ${humanizeNumber(after.replicas)}`);
  if (cleared) parts.push('alert condition cleared');
  else if (after.conditionHolds === true) parts.push('alert condition still holds');
  else if (before.conditionHolds === false && after.conditionHolds === false) parts.push('alert condition did not hold at the change either');
  if (parts.length === 0) parts.push(`nothing to compare after ${took} (no metric for the alert's workload)`);
  const text = parts.join('; ');
  if (cleared || (moved === 'better' && after.conditionHolds !== true)) return { result: 'improved', text };
  if (after.conditionHolds === true || moved === 'worse' || moved === 'same') return { result: 'not_improved', text };
  return { result: 'unknown', text };
}
