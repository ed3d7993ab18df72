import type { Alert, AlertEvent } from '../model/alert.js';
import type { Diagnosis } from '../model/diagnosis.js';

/**
 * What the notify pipeline carries for one alert event. Stages add to it: dedup decides the
 * action and attaches what was sent before; route picks the channel.
 */
export type NotifyAction =
  /** First notification: claim the thread, post the parent, the diagnosis and the chart. */
  | 'open'
  /** Still firing after the repeat interval: a reminder in the thread. */
  | 'remind'
  /** Resolved: update the parent in place and say how long it lasted. */
  | 'resolve'
  /** Fired again soon after resolving: reopen the same thread instead of starting another. */
  | 'reopen';

/** What the pipeline knows about a thread already sent (kept in the thread store). */
export interface ThreadSnapshot {
  readonly channel: string;
  readonly ts?: string;
  readonly state: 'firing' | 'resolved';
  readonly openedAtMs: number;
  readonly lastNotifiedMs: number;
  readonly resolvedAtMs?: number;
  /** While a parent is being posted (no ts yet): until when its claim holds. */
  readonly leaseUntilMs?: number;
}

export interface Notification {
  /** Opaque key of the Slack thread: the alert fingerprint for our own alerts. */
  readonly threadKey: string;
  readonly event: AlertEvent;
  readonly action?: NotifyAction;
  /** The thread as stored before this notification; null when there is none. */
  readonly thread?: ThreadSnapshot | null;
  readonly channel?: string;
  /** Set by the silence stage when a silence muted the alert (for logs). */
  readonly mutedBy?: string;
}

/**
 * One stage of the pipeline, Alertmanager style: takes a notification and returns it (possibly
 * enriched) to go on, or null to stop here. Every stage has this signature so each can be
 * tested alone and composed in any order.
 */
export type NotifyStage = (n: Notification) => Promise<Notification | null>;

export async function runStages(stages: readonly NotifyStage[], n: Notification): Promise<Notification | null> {
  let current: Notification | null = n;
  for (const stage of stages) {
    current = await stage(current);
    if (current === null) return null;
  }
  return current;
}

/** What the notifier and `/serve-medic diagnose` ask of the diagnosis engine (injected). */
export interface DiagnoseTarget {
  readonly application: string;
  readonly deployment?: string;
  readonly alert?: Alert;
}
export type DiagnoseFn = (target: DiagnoseTarget) => Promise<Diagnosis>;
