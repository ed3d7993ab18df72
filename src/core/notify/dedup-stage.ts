import type { AlertEvent } from '../model/alert.js';
import type { NotifyAction, NotifyStage, ThreadSnapshot } from './notification.js';

/**
 * Decides what (if anything) a notification should do given what was already sent — the
 * notification log's job in Alertmanager. Pure.
 */
export function decideAction(event: AlertEvent, thread: ThreadSnapshot | null, nowMs: number, repeatIntervalMs: number): NotifyAction | null {
  if (event.kind === 'resolved') return thread && thread.state === 'firing' ? 'resolve' : null;
  if (!thread) return 'open';
  // Claimed but never posted: someone is posting it now, or died trying (then take it over).
  if (thread.ts === undefined) return (thread.leaseUntilMs ?? 0) < nowMs ? 'open' : null;
  if (thread.state === 'resolved') {
    // Only a new firing (it went pending again after the resolution) reopens; a late or
    // re-sent firing event from before the resolution must not.
    const firedAt = event.alert.firedAtMs ?? event.alert.activeAtMs;
    return thread.resolvedAtMs !== undefined && firedAt > thread.resolvedAtMs ? 'reopen' : null;
  }
  return nowMs - thread.lastNotifiedMs >= repeatIntervalMs ? 'remind' : null;
}

export interface DedupStageDeps {
  readonly lookup: (threadKey: string) => Promise<ThreadSnapshot | null>;
  readonly repeatIntervalMs: number;
  readonly now: () => number;
}

export function createDedupStage(deps: DedupStageDeps): NotifyStage {
  return async (n) => {
    const thread = await deps.lookup(n.threadKey);
    const action = decideAction(n.event, thread, deps.now(), deps.repeatIntervalMs);
    return action === null ? null : { ...n, action, thread };
  };
}
