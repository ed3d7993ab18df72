import { humanizeDuration } from '../duration.js';
import { humanizeNumber } from '../humanize-number.js';
import type { Alert } from '../model/alert.js';
import { alertStyle, alertSummary, alertTarget, firingSince, type ThreadState } from './alert-style.js';
import type { SlackMessage } from './blocks.js';
import { code, context, escapeMrkdwn, fields, header, section, slackDate } from './blocks.js';

export interface ParentInput {
  readonly alert: Alert;
  readonly state: ThreadState;
  readonly cluster: string;
  readonly nowMs: number;
  /** Opaque thread key, shown small for support ("which thread is this?"). */
  readonly threadKey: string;
  /** When it resolved (state resolved). */
  readonly resolvedAtMs?: number;
}

/**
 * The thread's parent: what is wrong (alert + summary), where (cluster, app, deployment), since
 * when, and how bad (value, severity). Updated in place on resolve, so it always tells the
 * current state at a glance.
 */
export function renderAlertParent(input: ParentInput): SlackMessage {
  const { alert, state } = input;
  const severity = alert.labels.severity;
  const style = alertStyle(state, severity);
  const target = alertTarget(alert);
  const summary = alertSummary(alert);
  const since = firingSince(alert);
  const where = target ? ` on ${target}` : '';

  const title = `${style.emoji} ${state === 'resolved' ? 'Resolved: ' : ''}${alert.name}`;
  const text = `${style.emoji} [${style.word.toUpperCase()}] ${alert.name}${where} (${input.cluster})${summary ? `: ${summary}` : ''}`;

  const app = alert.labels.application ?? alert.labels.app_name;
  const dep = alert.labels.deployment;
  const pairs: [string, string][] = [
    ['Where', [`${escapeMrkdwn(input.cluster)}`, app ? code(app) : '', dep ? code(dep) : ''].filter(Boolean).join(' › ')],
    ['Severity', severity ? escapeMrkdwn(severity) : '—'],
  ];
  if (state === 'firing') {
    pairs.push(['Firing since', `${slackDate(since)}\n(${humanizeDuration(Math.max(0, input.nowMs - since))})`]);
    // Alertmanager does not send the expression's value.
    if (!Number.isNaN(alert.value)) pairs.push(['Value', humanizeNumber(alert.value)]);
  } else {
    const end = input.resolvedAtMs ?? alert.resolvedAtMs ?? input.nowMs;
    pairs.push(['Lasted', humanizeDuration(Math.max(0, end - since))]);
    pairs.push(['Resolved at', slackDate(end)]);
  }

  const blocks = [header(title)];
  if (summary) blocks.push(section(escapeMrkdwn(summary)));
  blocks.push(fields(pairs));
  // An alert about no Serve application (e.g. from Alertmanager, matching no rule) is shown with
  // its labels and annotations, since no diagnosis will follow.
  if (!app) {
    const shown = Object.entries(alert.labels).filter(([k]) => k !== 'alertname' && k !== 'severity');
    if (shown.length > 0) blocks.push(section(`*Labels*\n${shown.map(([k, v]) => `${code(k)}: ${escapeMrkdwn(v)}`).join('\n')}`));
    const notes = Object.entries(alert.annotations).filter(([k]) => k !== 'summary');
    if (notes.length > 0) blocks.push(section(notes.map(([k, v]) => `*${escapeMrkdwn(k)}*: ${escapeMrkdwn(v)}`).join('\n')));
  }
  const links = alert.generatorUrl ? ` · <${alert.generatorUrl}|source>` : '';
  blocks.push(context(`${state === 'firing' ? 'Diagnosis and chart in the thread' : 'Closed'} · key ${code(input.threadKey.slice(0, 16))}${links}`));
  return { text, blocks, color: style.color };
}
