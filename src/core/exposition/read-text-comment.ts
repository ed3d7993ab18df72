import { CH_QUOTE, isBlank, isMetricNameChar, isMetricNameStart, skipBlanks } from './char-classes.js';
import { decodeEscapes } from './decode-escapes.js';
import { describeAt, expositionErrorAt } from './exposition-error.js';

/** A `# HELP` or `# TYPE` line of the text format, located but not yet applied. */
export interface TextMetadataLine {
  readonly keyword: 'HELP' | 'TYPE';
  readonly name: string;
  readonly nameStart: number;
  /** Offset of the help text or type word: the first non-blank after the name, before `end`. */
  readonly textStart: number;
}

/**
 * Reads a text-format comment line from its `#` to `end`. As in expfmt, anything that is not
 * `HELP`/`TYPE` followed by a name and some text is an ordinary comment (null), including a
 * HELP or TYPE with nothing after the name; blanks may surround `#` and the keyword.
 */
export function readTextComment(input: string, start: number, end: number): TextMetadataLine | null {
  let pos = skipBlanks(input, start + 1, end);
  const keywordStart = pos;
  while (pos < end && !isBlank(input.charCodeAt(pos))) pos++;
  if (pos >= end) return null;
  const keyword = input.slice(keywordStart, pos);
  if (keyword !== 'HELP' && keyword !== 'TYPE') return null;
  pos = skipBlanks(input, pos, end);
  if (pos >= end) return null;
  const nameStart = pos;
  let name: string;
  if (input.charCodeAt(pos) === CH_QUOTE) {
    const quoted = decodeEscapes(input, pos + 1, end, 'reject', true);
    name = quoted.value;
    pos = quoted.stop + 1;
    if (name === '') throw expositionErrorAt(input, nameStart, `empty metric name in ${keyword} line`);
  } else {
    if (!isMetricNameStart(input.charCodeAt(pos))) {
      throw expositionErrorAt(input, pos, `invalid metric name in ${keyword} line: unexpected ${describeAt(input, pos, end)}`);
    }
    while (pos < end && isMetricNameChar(input.charCodeAt(pos))) pos++;
    name = input.slice(nameStart, pos);
  }
  if (pos >= end) return null;
  if (!isBlank(input.charCodeAt(pos))) {
    throw expositionErrorAt(input, pos, `invalid metric name in ${keyword} line: unexpected ${describeAt(input, pos, end)}`);
  }
  pos = skipBlanks(input, pos, end);
  if (pos >= end) return null;
  return { keyword, name, nameStart, textStart: pos };
}
