import type { Alert } from '../model/alert.js';

export type ThreadState = 'firing' | 'resolved';

/** Colour bar and emoji per state and severity; the same in Slack and in the console. */
export function alertStyle(state: ThreadState, severity: string | undefined): { color: string; emoji: string; word: string } {
  if (state === 'resolved') return { color: '#2EB67D', emoji: '✅', word: 'Resolved' };
  switch ((severity ?? '').toLowerCase()) {
    case 'critical':
    case 'page':
      return { color: '#E01E5A', emoji: '🔴', word: 'Firing' };
    case 'warning':
      return { color: '#ECB22E', emoji: '🟠', word: 'Firing' };
    case 'info':
      return { color: '#36C5F0', emoji: '🔵', word: 'Firing' };
    default:
      return { color: '#E01E5A', emoji: '🔴', word: 'Firing' };
  }
}

/** "checkout/Ingress", "checkout", or "" when the alert names neither. */
export function alertTarget(alert: Alert): string {
  const app = alert.labels.application ?? alert.labels.app_name ?? '';
  const dep = alert.labels.deployment ?? '';
  return app && dep ? `${app}/${dep}` : app || dep;
}

export function alertSummary(alert: Alert): string {
  return alert.annotations.summary ?? alert.annotations.description ?? alert.annotations.message ?? '';
}

/** When the incident started, for "since" and durations. */
export function firingSince(alert: Alert): number {
  return alert.firedAtMs ?? alert.activeAtMs;
}
