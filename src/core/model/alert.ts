import type { Labels } from '../labels.js';

export type AlertState = 'pending' | 'firing' | 'inactive';

/**
 * One alert: a rule and one label set, with Prometheus's lifecycle. Its fingerprint keys the
 * Slack thread, the dedup record and the remediation job id.
 */
export interface Alert {
  readonly fingerprint: string;
  /** The alert name (rule `alert`, or Alertmanager's alertname). */
  readonly name: string;
  /** Includes `alertname` and the rule's own labels. */
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: AlertState;
  /** When the expression first returned this label set (pending since). */
  readonly activeAtMs: number;
  /** When it became firing; undefined while pending. */
  readonly firedAtMs?: number;
  /** When it resolved; undefined while active. */
  readonly resolvedAtMs?: number;
  /**
   * Rules only: when the expression stopped returning this firing alert while `keep_firing_for`
   * holds it firing; undefined otherwise (Prometheus's KeepFiringSince).
   */
  readonly keepFiringSinceMs?: number;
  /** The expression's value at the last evaluation. */
  readonly value: number;
  /** Where it came from: our own rule evaluation or an Alertmanager webhook. */
  readonly source: 'rules' | 'alertmanager';
  /** Alertmanager only: the group it arrived in and the link back to the generator. */
  readonly groupKey?: string;
  readonly generatorUrl?: string;
}

/** What the notify pipeline receives from the alert lifecycle. */
export interface AlertEvent {
  readonly kind: 'firing' | 'resolved';
  readonly alert: Alert;
  readonly atMs: number;
}
