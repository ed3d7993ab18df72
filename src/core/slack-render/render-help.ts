import { COMMAND_USAGE } from '../slack-commands/parse-command.js';
import type { SlackMessage } from './blocks.js';
import { bullets, code, context, escapeMrkdwn, section } from './blocks.js';

const COMMAND = '/serve-medic';

export function renderHelp(): SlackMessage {
  const lines = Object.values(COMMAND_USAGE).map((c) => `${code(`${COMMAND} ${c.usage}`)}\n    ${escapeMrkdwn(c.summary)}`);
  return {
    text: `${COMMAND}: diagnose, status, silence, unsilence, silences, rules, history, help`,
    blocks: [
      section(`*${COMMAND}* — Ray Serve on-call helper\n${lines.join('\n')}`),
      context(`Matchers: \`name=value\`, \`name!=value\`, \`name=~"regex"\`, \`name!~"regex"\` (regexes match the whole value). Durations: 30m, 2h, 1d.`),
    ],
  };
}

/** A mistake gets what was wrong, the usage, and an example — never silence. */
export function renderUsageError(problem: string, usage: string): SlackMessage {
  const entry = Object.values(COMMAND_USAGE).find((c) => c.usage === usage);
  const parts = [`⚠️ ${escapeMrkdwn(problem)}`];
  if (usage === 'help' || !entry) {
    parts.push(`Commands:\n${bullets(Object.values(COMMAND_USAGE).map((c) => code(`${COMMAND} ${c.usage}`)), 10)}`);
  } else {
    parts.push(`Usage: ${code(`${COMMAND} ${entry.usage}`)}`, `Example: ${code(`${COMMAND} ${entry.example}`)}`);
  }
  return { text: `${problem} — usage: ${COMMAND} ${usage}`, blocks: [section(parts.join('\n'))] };
}

/** An error while carrying out a valid command (Serve API down, Redis down, …). */
export function renderCommandFailed(what: string, reason: string, hint?: string): SlackMessage {
  return {
    text: `${what} failed: ${reason}`,
    blocks: [section(`⚠️ *${escapeMrkdwn(what)} failed*: ${escapeMrkdwn(reason)}${hint ? `\n${escapeMrkdwn(hint)}` : ''}`)],
  };
}
