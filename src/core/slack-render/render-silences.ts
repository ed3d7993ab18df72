import { humanizeDuration } from '../duration.js';
import type { Silence } from '../silence/silence.js';
import { formatMatcher } from '../silence/silence.js';
import type { SlackMessage } from './blocks.js';
import { MAX_BLOCKS, code, context, escapeMrkdwn, section, slackDate } from './blocks.js';

function describe(s: Silence, nowMs: number): string {
  return [
    `🔕 ${code(s.id)} ${s.matchers.map((m) => code(formatMatcher(m))).join(' ')}`,
    `ends ${slackDate(s.endsAtMs)} (in ${humanizeDuration(Math.max(0, s.endsAtMs - nowMs))}) · by <@${s.createdBy}>`,
    s.reason ? `_${escapeMrkdwn(s.reason)}_` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function renderSilenceCreated(s: Silence, nowMs: number): SlackMessage {
  return {
    text: `Silence ${s.id} created for ${humanizeDuration(s.endsAtMs - s.startsAtMs)}`,
    blocks: [section(`*Silenced* for ${humanizeDuration(s.endsAtMs - s.startsAtMs)}\n${describe(s, nowMs)}`), context(`End it early: \`/serve-medic unsilence ${s.id}\``)],
  };
}

export function renderSilenceEnded(s: Silence, by: string): SlackMessage {
  return {
    text: `Silence ${s.id} ended`,
    blocks: [section(`🔔 Silence ${code(s.id)} ended by <@${by}>. Alerts it muted that still fire will be posted now.`)],
  };
}

export function renderSilenceNotFound(id: string): SlackMessage {
  return {
    text: `No active silence ${id}`,
    blocks: [section(`⚠️ No active silence with id ${code(id)}. See \`/serve-medic silences\` for the list.`)],
  };
}

export function renderSilences(silences: readonly Silence[], nowMs: number): SlackMessage {
  if (silences.length === 0) return { text: 'No active silences', blocks: [section('No active silences.')] };
  const sorted = [...silences].sort((a, b) => a.endsAtMs - b.endsAtMs);
  const blocks = sorted.slice(0, MAX_BLOCKS - 1).map((s) => section(describe(s, nowMs)));
  if (sorted.length > MAX_BLOCKS - 1) blocks.push(section(`_…and ${sorted.length - (MAX_BLOCKS - 1)} more_`));
  return { text: `${silences.length} active silence${silences.length === 1 ? '' : 's'}`, blocks };
}
