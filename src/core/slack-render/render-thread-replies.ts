import { humanizeDuration } from '../duration.js';
import { humanizeNumber } from '../humanize-number.js';
import type { Alert } from '../model/alert.js';
import { alertTarget, firingSince } from './alert-style.js';
import type { SlackMessage } from './blocks.js';
import { code, context, escapeMrkdwn, section } from './blocks.js';

/** "Still firing" after the repeat interval, with the value now. */
export function renderReminder(alert: Alert, nowMs: number): SlackMessage {
  const lasted = humanizeDuration(Math.max(0, nowMs - firingSince(alert)));
  const text = `⏰ ${alert.name} is still firing after ${lasted} (value ${humanizeNumber(alert.value)})`;
  return { text, blocks: [section(`⏰ *Still firing* after ${lasted} — value now *${humanizeNumber(alert.value)}*`)] };
}

/** The short reply when the alert resolves: how long it lasted. */
export function renderResolvedReply(alert: Alert, resolvedAtMs: number): SlackMessage {
  const lasted = humanizeDuration(Math.max(0, resolvedAtMs - firingSince(alert)));
  const text = `✅ ${alert.name} resolved after ${lasted}`;
  return { text, blocks: [section(`✅ *Resolved* after ${lasted}.`)] };
}

export function renderReopenedReply(alert: Alert, previousResolvedAtMs: number | undefined, nowMs: number): SlackMessage {
  const ago = previousResolvedAtMs === undefined ? '' : ` (${humanizeDuration(Math.max(0, nowMs - previousResolvedAtMs))} after it resolved)`;
  const target = alertTarget(alert);
  const text = `🔁 ${alert.name}${target ? ` on ${target}` : ''} is firing again${ago}`;
  return { text, blocks: [section(`🔁 *Firing again*${ago} — value *${humanizeNumber(alert.value)}*`)] };
}

/** When the diagnosis could not run: say so in the thread rather than leaving a gap. */
export function renderDiagnosisFailed(alert: Alert, reason: string): SlackMessage {
  const target = alertTarget(alert) || alert.name;
  return {
    text: `Diagnosis for ${target} failed: ${reason}`,
    blocks: [
      section(`⚠️ *Could not diagnose* ${code(target)}: ${escapeMrkdwn(reason)}`),
      context(`Try again with \`/serve-medic diagnose ${escapeMrkdwn(target)}\``),
    ],
  };
}
