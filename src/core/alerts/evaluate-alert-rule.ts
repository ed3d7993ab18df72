import type { Labels } from '../labels.js';
import { METRIC_NAME } from '../labels.js';
import type { Alert, AlertEvent } from '../model/alert.js';
import type { AlertRule } from '../model/rule.js';
import { alertTemplateName, expandTemplate } from '../templates/render-template.js';
import { alertFingerprint } from './alert-fingerprint.js';
import type { RuleResult } from './to-alert-vector.js';

/**
 * One evaluation of one alerting rule, with Prometheus's lifecycle (rules/alerting.go Eval):
 * a new label set is pending; it fires at the first evaluation where it has been active for
 * at least `for`; when the expression stops returning it, a pending alert is dropped silently
 * and a firing one resolves, unless `keep_firing_for` holds it; resolved alerts are kept
 * for 15 minutes, then forgotten. Pure: the previous states and the result in, the new states
 * and the firing/resolved events out.
 */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

export const DUPLICATE_LABELSET_ERROR = 'vector contains metrics with the same labelset after applying alert labels';

export interface EvaluateAlertRuleInput {
  readonly rule: AlertRule;
  /** The states stored after the previous evaluation of this rule. */
  readonly previous: readonly Alert[];
  readonly result: RuleResult;
  readonly timeMs: number;
  readonly externalLabels?: Labels;
}

export interface EvaluateAlertRuleOutput {
  /** The states to store: pending, firing and recently resolved alerts, by fingerprint. */
  readonly alerts: readonly Alert[];
  readonly events: readonly AlertEvent[];
  /** Set when the expression failed: `alerts` is then `previous`, unchanged. */
  readonly error?: string;
}

interface Sample {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number;
}

function expandSamples(input: EvaluateAlertRuleInput): Map<string, Sample> | string {
  const { rule, externalLabels } = input;
  const name = alertTemplateName(rule.alert);
  const out = new Map<string, Sample>();
  if ('error' in input.result) return input.result.error;
  for (const sample of input.result.vector) {
    // As in Prometheus, $labels are the series' labels, before the rule's labels are added.
    const data = { labels: sample.labels, value: sample.value, externalLabels };
    const labels: Record<string, string> = { ...sample.labels };
    delete labels[METRIC_NAME];
    for (const [k, v] of Object.entries(rule.labels)) {
      const value = expandTemplate(v, data, name);
      // Prometheus's label builder drops a label set to the empty string.
      if (value === '') delete labels[k];
      else labels[k] = value;
    }
    labels.alertname = rule.alert;
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(rule.annotations)) annotations[k] = expandTemplate(v, data, name);
    const fingerprint = alertFingerprint(labels);
    if (out.has(fingerprint)) return DUPLICATE_LABELSET_ERROR;
    out.set(fingerprint, { labels, annotations, value: sample.value });
  }
  return out;
}

function without<K extends keyof Alert>(alert: Alert, ...keys: K[]): Alert {
  const copy: Record<string, unknown> = { ...alert };
  for (const k of keys) delete copy[k];
  return copy as unknown as Alert;
}

export function evaluateAlertRule(input: EvaluateAlertRuleInput): EvaluateAlertRuleOutput {
  const { rule, previous, timeMs } = input;
  const current = expandSamples(input);
  // A failed query must not resolve every alert of the rule: keep the state, report the error.
  if (typeof current === 'string') return { alerts: previous, events: [], error: current };

  const active = new Map<string, Alert>(previous.map((a) => [a.fingerprint, a]));
  for (const [fp, s] of current) {
    const prev = active.get(fp);
    if (prev && prev.state !== 'inactive') {
      active.set(fp, { ...prev, value: s.value, annotations: s.annotations });
      continue;
    }
    active.set(fp, {
      fingerprint: fp,
      name: rule.alert,
      labels: s.labels,
      annotations: s.annotations,
      state: 'pending',
      activeAtMs: timeMs,
      value: s.value,
      source: 'rules',
    });
  }

  const alerts: Alert[] = [];
  const events: AlertEvent[] = [];
  for (const fp of [...active.keys()].sort()) {
    let alert = active.get(fp)!;
    if (!current.has(fp)) {
      let keepFiring = false;
      if (alert.state === 'firing' && rule.keep_firing_for_ms > 0) {
        const since = alert.keepFiringSinceMs ?? timeMs;
        alert = { ...alert, keepFiringSinceMs: since };
        keepFiring = timeMs - since < rule.keep_firing_for_ms;
      }
      if (alert.state === 'pending') continue;
      if (alert.resolvedAtMs !== undefined && timeMs - alert.resolvedAtMs > RESOLVED_RETENTION_MS) continue;
      if (alert.state !== 'inactive' && !keepFiring) {
        alert = { ...without(alert, 'keepFiringSinceMs'), state: 'inactive', resolvedAtMs: timeMs };
        events.push({ kind: 'resolved', alert, atMs: timeMs });
      }
      if (!keepFiring) {
        alerts.push(alert);
        continue;
      }
    } else if (alert.keepFiringSinceMs !== undefined) {
      alert = without(alert, 'keepFiringSinceMs');
    }
    if (alert.state === 'pending' && timeMs - alert.activeAtMs >= rule.for_ms) {
      alert = { ...alert, state: 'firing', firedAtMs: timeMs };
      events.push({ kind: 'firing', alert, atMs: timeMs });
    }
    // A reload that lengthened `for` sends a firing alert back to pending, as Prometheus does.
    // Prometheus then stops sending it and Alertmanager resolves it when it expires; serve-medic
    // says so at once, so the Slack thread does not stay "firing". An evaluation time before
    // activeAt (replicas whose clocks disagree, after a takeover) is not a reason to.
    if (alert.state === 'firing' && timeMs >= alert.activeAtMs && timeMs - alert.activeAtMs < rule.for_ms) {
      alert = { ...without(alert, 'firedAtMs', 'keepFiringSinceMs'), state: 'pending' };
      events.push({ kind: 'resolved', alert, atMs: timeMs });
    }
    alerts.push(alert);
  }
  return { alerts, events };
}
