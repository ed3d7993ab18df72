import { CH_BACKSLASH, CH_QUOTE } from './char-classes.js';

const CH_LOWER_N = 0x6e;
import { expositionErrorAt } from './exposition-error.js';

/**
 * What to do with a backslash followed by anything but `\`, `"` or `n`: the text format refuses
 * it (expfmt does), OpenMetrics keeps both characters as written (its parser test suite expects
 * `\z` and `\foo` to parse).
 */
export type UnknownEscapes = 'reject' | 'keep';

export interface Decoded {
  readonly value: string;
  /** Offset of the closing quote (quoted strings) or `end` (HELP text). */
  readonly stop: number;
}

/**
 * Decodes escapes from `start`. With `quoted`, stops at the first unescaped `"` and fails if
 * there is none before `end`; otherwise decodes everything up to `end`. This is the slow path:
 * the label scanner only comes here when a backslash lies ahead.
 */
export function decodeEscapes(
  input: string,
  start: number,
  end: number,
  unknown: UnknownEscapes,
  quoted: boolean,
): Decoded {
  let out = '';
  let chunkStart = start;
  for (let i = start; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c === CH_QUOTE && quoted) return { value: out + input.slice(chunkStart, i), stop: i };
    if (c !== CH_BACKSLASH) continue;
    if (i + 1 >= end) throw expositionErrorAt(input, i, 'backslash at the end of the line (write \\\\ for a backslash)');
    out += input.slice(chunkStart, i);
    const next = input.charCodeAt(i + 1);
    if (next === CH_BACKSLASH) out += '\\';
    else if (next === CH_QUOTE) out += '"';
    else if (next === CH_LOWER_N) out += '\n';
    else if (unknown === 'keep') out += input.slice(i, i + 2);
    else throw expositionErrorAt(input, i, invalidEscapeMessage(input, i));
    i++;
    chunkStart = i + 1;
  }
  if (quoted) throw expositionErrorAt(input, end, 'missing closing \'"\' of a quoted string');
  return { value: out + input.slice(chunkStart, end), stop: end };
}

function invalidEscapeMessage(input: string, at: number): string {
  const c = input.codePointAt(at + 1) ?? 0;
  const shown = c > 0x20 && c < 0x7f ? String.fromCharCode(c) : `<U+${c.toString(16).toUpperCase().padStart(4, '0')}>`;
  return `invalid escape sequence \\${shown} (only \\\\, \\" and \\n are allowed)`;
}

/** The inverse, for building canonical series keys: escapes `\`, `"` and newline. */
export function escapeLabelValue(value: string): string {
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/[\\"\n]/g, (ch) => (ch === '\n' ? '\\n' : '\\' + ch));
}
