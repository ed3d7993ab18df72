import type { RemediationAction } from './checklist.js';

/**
 * A rule file (rules/*.yaml) after loading: Prometheus rule-file shape plus serve-medic's
 * `checklist`, `diagnose` and `remediation` keys. Durations are milliseconds.
 */
export interface DiagnoseProbe {
  /** Short name shown as evidence, e.g. "processing-latency-p99". */
  readonly name: string;
  /** PromQL; a non-empty result confirms `confirms`. May use {{ $labels.x }} of the alert. */
  readonly expr: string;
  /** The checklist item id this probe confirms when it returns a result. */
  readonly confirms: string;
  /** How to read the value, e.g. "p99 processing latency (ms)". */
  readonly description?: string;
}

export interface RemediationSpec {
  readonly action: RemediationAction;
  /** Hard upper bound for the new value. */
  readonly ceiling: number;
  /** Largest factor one change may apply, e.g. 2 (3 -> 6). */
  readonly max_step: number;
  readonly cooldown_ms: number;
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for_ms: number;
  readonly keep_firing_for_ms: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly checklist: readonly string[];
  readonly diagnose: readonly DiagnoseProbe[];
  readonly remediation?: RemediationSpec;
  /** Where it was defined, for messages: "rules/latency.yaml:12". */
  readonly source: string;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval_ms: number;
  readonly rules: readonly AlertRule[];
  readonly file: string;
}
