import { createHash } from 'node:crypto';
import type { Labels } from '../labels.js';
import type { Alert, AlertEvent } from '../model/alert.js';
import type { WebhookAlert, WebhookPayload } from './webhook-payload.js';
import { parseAmTime } from './webhook-payload.js';

/**
 * Turns an Alertmanager notification into serve-medic alerts. Alertmanager already grouped the
 * alerts; one Slack thread per group (keyed by groupKey) keeps that grouping, so the group
 * itself becomes one alert whose lifecycle drives the thread's parent, and each member alert is
 * kept for its own diagnosis, chart and proposal inside the thread. Pure.
 */
export function groupThreadKey(groupKey: string): string {
  return `am-${createHash('sha256').update(groupKey).digest('hex').slice(0, 16)}`;
}

/** Alertmanager does not send the expression's value; an annotation named `value` may carry it. */
function valueOf(annotations: Readonly<Record<string, string>>): number {
  const v = Number(annotations.value);
  return annotations.value !== undefined && Number.isFinite(v) ? v : NaN;
}

export function memberAlert(a: WebhookAlert, payload: WebhookPayload): Alert {
  const startsAt = parseAmTime(a.startsAt) ?? 0;
  const endsAt = parseAmTime(a.endsAt);
  return {
    fingerprint: a.fingerprint,
    name: a.labels.alertname ?? 'unnamed',
    labels: a.labels,
    annotations: a.annotations,
    state: a.status === 'firing' ? 'firing' : 'inactive',
    activeAtMs: startsAt,
    firedAtMs: startsAt,
    ...(a.status === 'resolved' && endsAt !== undefined ? { resolvedAtMs: endsAt } : {}),
    value: valueOf(a.annotations),
    source: 'alertmanager',
    groupKey: payload.groupKey,
    ...(a.generatorURL ? { generatorUrl: a.generatorURL } : {}),
  };
}

/** A short name for where an alert is: "llm/LLMServer", or its instance, or its alertname. */
export function memberTarget(labels: Labels): string {
  const app = labels.application;
  if (app) return labels.deployment ? `${app}/${labels.deployment}` : app;
  return labels.instance ?? labels.alertname ?? 'alert';
}

/** The group as one alert: common labels, and a summary that names its members when several. */
export function groupAlert(payload: WebhookPayload): Alert {
  const members = payload.alerts.map((a) => memberAlert(a, payload));
  const firing = members.filter((m) => m.state === 'firing');
  const single = members.length === 1 ? members[0] : undefined;
  const labels: Record<string, string> = { ...payload.commonLabels, ...payload.groupLabels };
  const name = labels.alertname ?? single?.name ?? 'Alertmanager group';
  labels.alertname = name;
  const annotations: Record<string, string> = { ...(single?.annotations ?? payload.commonAnnotations) };
  if (!single) {
    const listed = (firing.length > 0 ? firing : members).map((m) => memberTarget(m.labels));
    const shown = listed.slice(0, 5).join(', ') + (listed.length > 5 ? ` and ${listed.length - 5} more` : '');
    const total = members.length + payload.truncatedAlerts;
    annotations.summary = annotations.summary ?? `${firing.length} of ${total} alerts firing: ${shown}`;
  }
  const starts = members.map((m) => m.activeAtMs).filter((t) => t > 0);
  const ends = members.map((m) => m.resolvedAtMs).filter((t): t is number => t !== undefined);
  const activeAtMs = starts.length > 0 ? Math.min(...starts) : 0;
  const allResolved = payload.status === 'resolved';
  return {
    fingerprint: groupThreadKey(payload.groupKey),
    name,
    labels,
    annotations,
    state: allResolved ? 'inactive' : 'firing',
    activeAtMs,
    firedAtMs: activeAtMs,
    ...(allResolved ? { resolvedAtMs: ends.length > 0 ? Math.max(...ends) : activeAtMs } : {}),
    // A group has no single value; the summary counts its members.
    value: single ? single.value : NaN,
    source: 'alertmanager',
    groupKey: payload.groupKey,
    ...(single?.generatorUrl ? { generatorUrl: single.generatorUrl } : {}),
  };
}

/** The event for the group's thread: firing while any member fires, resolved when all have. */
export function groupEvent(payload: WebhookPayload, nowMs: number): AlertEvent {
  const alert = groupAlert(payload);
  return { kind: alert.state === 'firing' ? 'firing' : 'resolved', alert, atMs: nowMs };
}
