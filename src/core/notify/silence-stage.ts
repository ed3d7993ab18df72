import type { Silence } from '../silence/silence.js';
import { findSilence } from '../silence/silence.js';
import type { NotifyStage } from './notification.js';

export interface SilenceStageDeps {
  /** Silences active at `nowMs` (the store may return a superset; the stage checks times). */
  readonly activeSilences: (nowMs: number) => Promise<readonly Silence[]>;
  readonly onMuted?: (threadKey: string, silence: Silence) => void;
}

/**
 * Mutes firing notifications that an active silence matches. Resolutions pass: a thread that
 * was posted before the silence still gets closed, and one never posted is dropped by dedup.
 */
export function createSilenceStage(deps: SilenceStageDeps): NotifyStage {
  return async (n) => {
    if (n.event.kind !== 'firing') return n;
    const silence = findSilence(await deps.activeSilences(n.event.atMs), n.event.alert.labels, n.event.atMs);
    if (!silence) return n;
    deps.onMuted?.(n.threadKey, silence);
    return null;
  };
}
