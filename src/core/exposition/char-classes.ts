/**
 * Character classes of the exposition grammars, as one lookup table so the scanners test a
 * character with a single array read instead of a chain of range comparisons.
 */

export const CH_TAB = 9;
export const CH_NEWLINE = 10;
export const CH_SPACE = 32;
export const CH_QUOTE = 34;
export const CH_HASH = 35;
export const CH_PLUS = 43;
export const CH_COMMA = 44;
export const CH_MINUS = 45;
export const CH_DOT = 46;
export const CH_EQUALS = 61;
export const CH_BACKSLASH = 92;
export const CH_OPEN_BRACE = 123;
export const CH_CLOSE_BRACE = 125;

/** `[a-zA-Z_:]`: may start a metric name. */
const METRIC_START = 1;
/** `[a-zA-Z0-9_:]`: may continue a metric name. */
const METRIC_CHAR = 2;
/** `[a-zA-Z_]`: may start a label name. */
const LABEL_START = 4;
/** `[a-zA-Z0-9_]`: may continue a label name. */
const LABEL_CHAR = 8;

const TABLE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  let bits = 0;
  const alpha = /[a-zA-Z_]/.test(ch);
  const digit = /[0-9]/.test(ch);
  if (alpha || ch === ':') bits |= METRIC_START | METRIC_CHAR;
  if (digit) bits |= METRIC_CHAR | LABEL_CHAR;
  if (alpha) bits |= LABEL_START | LABEL_CHAR;
  TABLE[c] = bits;
}

// Out-of-range codes (>= 128, or NaN past the end of the input) read as undefined, which `&`
// turns into 0: never part of a name.
export function isMetricNameStart(c: number): boolean {
  return ((TABLE[c] ?? 0) & METRIC_START) !== 0;
}

export function isMetricNameChar(c: number): boolean {
  return ((TABLE[c] ?? 0) & METRIC_CHAR) !== 0;
}

export function isLabelNameStart(c: number): boolean {
  return ((TABLE[c] ?? 0) & LABEL_START) !== 0;
}

export function isLabelNameChar(c: number): boolean {
  return ((TABLE[c] ?? 0) & LABEL_CHAR) !== 0;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB;
}

/** The first offset at or after `pos` (and before `end`) that is not a blank or a tab. */
export function skipBlanks(input: string, pos: number, end: number): number {
  while (pos < end && isBlank(input.charCodeAt(pos))) pos++;
  return pos;
}

/** Whether the whole string is a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export function isValidMetricName(name: string): boolean {
  if (name.length === 0 || !isMetricNameStart(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isMetricNameChar(name.charCodeAt(i))) return false;
  return true;
}

/** Whether the whole string is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export function isValidLabelName(name: string): boolean {
  if (name.length === 0 || !isLabelNameStart(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isLabelNameChar(name.charCodeAt(i))) return false;
  return true;
}
