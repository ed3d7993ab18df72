/**
 * The subset of Block Kit serve-medic sends, typed here so the renderers stay free of the Slack
 * SDK. Limits from Slack's reference: header 150 chars, section text 3000, a field 2000 and at
 * most 10 fields, 50 blocks per message.
 */
export interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}
export interface Mrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
}
export type TextObject = PlainText | Mrkdwn;

export interface ButtonElement {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: PlainText;
  readonly value?: string;
  readonly style?: 'primary' | 'danger';
  readonly confirm?: {
    readonly title: PlainText;
    readonly text: TextObject;
    readonly confirm: PlainText;
    readonly deny: PlainText;
    readonly style?: 'primary' | 'danger';
  };
}

export type Block =
  | { readonly type: 'header'; readonly text: PlainText; readonly block_id?: string }
  | { readonly type: 'section'; readonly text?: TextObject; readonly fields?: readonly TextObject[]; readonly block_id?: string }
  | { readonly type: 'context'; readonly elements: readonly TextObject[]; readonly block_id?: string }
  | { readonly type: 'divider'; readonly block_id?: string }
  | { readonly type: 'actions'; readonly elements: readonly ButtonElement[]; readonly block_id?: string };

/**
 * A message as serve-medic renders it: `text` is the notification/fallback line (what a phone
 * lock screen shows); `color`, when set, puts the blocks in an attachment with that colour bar.
 */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Block[];
  readonly color?: string;
}

export const MAX_SECTION_TEXT = 3000;
export const MAX_FIELD_TEXT = 2000;
export const MAX_FIELDS = 10;
export const MAX_HEADER_TEXT = 150;
export const MAX_BLOCKS = 50;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks in the value. */
export function code(text: string): string {
  return '`' + escapeMrkdwn(text.replace(/`/g, "'")) + '`';
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, MAX_HEADER_TEXT), emoji: true } };
}

export function section(markdown: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(markdown, MAX_SECTION_TEXT) } };
}

/** Two-column fields: what a phone shows as short label/value pairs instead of a wide table. */
export function fields(pairs: readonly (readonly [string, string])[]): Block {
  return {
    type: 'section',
    fields: pairs.slice(0, MAX_FIELDS).map(([label, value]) => ({ type: 'mrkdwn' as const, text: truncate(`*${label}*\n${value}`, MAX_FIELD_TEXT) })),
  };
}

export function context(...parts: readonly string[]): Block {
  return { type: 'context', elements: parts.filter((p) => p !== '').map((p) => ({ type: 'mrkdwn' as const, text: truncate(p, MAX_FIELD_TEXT) })) };
}

export const divider: Block = { type: 'divider' };

/**
 * Slack's date token: shown in the reader's own time zone, with `fallback` where it cannot be
 * rendered (notifications, the console sink).
 */
export function slackDate(ms: number, fallback = isoMinute(ms)): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** Bullet list, capped so a long list never blows the section limit. */
export function bullets(lines: readonly string[], max = 8): string {
  const shown = lines.slice(0, max).map((l) => `• ${l}`);
  if (lines.length > max) shown.push(`_…and ${lines.length - max} more_`);
  return shown.join('\n');
}
