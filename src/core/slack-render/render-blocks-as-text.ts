import type { Block, SlackMessage, TextObject } from './blocks.js';

/**
 * Slack mrkdwn as plain terminal text: date tokens become their fallback, links "label (url)",
 * mentions "@U123", and Slack's escapes are undone. Bold/italic markers are kept: they read fine.
 */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `#${name ?? id}`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(t: TextObject): string {
  return t.type === 'mrkdwn' ? mrkdwnToText(t.text) : t.text;
}

function blockLines(b: Block): string[] {
  switch (b.type) {
    case 'header':
      return [b.text.text];
    case 'section': {
      const out: string[] = [];
      if (b.text) out.push(...textOf(b.text).split('\n'));
      // Fields print as "Label: value" one per line: the terminal equivalent of Slack's two columns.
      for (const f of b.fields ?? []) {
        const [label, ...rest] = textOf(f).split('\n');
        out.push(`${(label ?? '').replace(/^\*(.*)\*$/, '$1')}: ${rest.join(' ')}`);
      }
      return out;
    }
    case 'context':
      return [b.elements.map(textOf).join('  ')];
    case 'divider':
      return ['─'.repeat(24)];
    case 'actions':
      return [b.elements.map((e) => `[ ${e.text.text} ]`).join(' ')];
  }
}

/** A whole message as terminal lines, without indentation (the console sink adds the thread bar). */
export function renderBlocksAsText(message: SlackMessage): string[] {
  if (message.blocks.length === 0) return message.text.split('\n');
  return message.blocks.flatMap(blockLines);
}
