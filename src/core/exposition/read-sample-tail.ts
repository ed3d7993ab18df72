import { CH_HASH, CH_SPACE, isBlank, skipBlanks } from './char-classes.js';
import { describeAt, expositionErrorAt, quoteToken } from './exposition-error.js';
import { parseFloatToken, parseInt64Token, parseRealNumber } from './parse-number.js';

/** What follows the labels of a sample line; the line reader holds these fields itself. */
export interface SampleTail {
  value: number;
  valueStart: number;
  hasTimestamp: boolean;
  /** As written: milliseconds in the text format, seconds in OpenMetrics. */
  timestamp: number;
  timestampStart: number;
  /** Offset of the `#` of an OpenMetrics exemplar, or -1. */
  exemplarStart: number;
}

/**
 * Reads `value [timestamp]` from `pos` (the value's first character) to `end`, into `into`.
 * The text format separates tokens with any blanks and tolerates trailing ones (expfmt does
 * not; a scrape should not fail on them); OpenMetrics wants single spaces and may end the
 * line with ` # ` and an exemplar, which is only located here.
 */
export function readSampleTail(input: string, pos: number, end: number, lenient: boolean, into: SampleTail): void {
  into.hasTimestamp = false;
  into.exemplarStart = -1;
  let tokenEnd = pos;
  while (tokenEnd < end) {
    const c = input.charCodeAt(tokenEnd);
    if (c === CH_SPACE || (lenient && isBlank(c))) break;
    tokenEnd++;
  }
  const value = parseFloatToken(input, pos, tokenEnd);
  if (value === undefined) {
    const message = tokenEnd === pos ? 'missing sample value' : `invalid sample value ${quoteToken(input.slice(pos, tokenEnd))}`;
    throw expositionErrorAt(input, pos, message);
  }
  into.value = value;
  into.valueStart = pos;
  if (tokenEnd >= end) return;
  if (lenient) {
    pos = skipBlanks(input, tokenEnd, end);
    if (pos >= end) return;
  } else {
    pos = tokenEnd + 1;
    if (input.charCodeAt(pos) === CH_HASH) {
      into.exemplarStart = pos;
      return;
    }
  }
  tokenEnd = pos;
  while (tokenEnd < end && !isBlank(input.charCodeAt(tokenEnd))) tokenEnd++;
  const timestamp = lenient ? parseInt64Token(input, pos, tokenEnd) : parseRealNumber(input, pos, tokenEnd);
  if (timestamp === undefined) throw expositionErrorAt(input, pos, timestampMessage(input, pos, tokenEnd, lenient));
  into.hasTimestamp = true;
  into.timestamp = timestamp;
  into.timestampStart = pos;
  if (tokenEnd >= end) return;
  if (lenient) {
    pos = skipBlanks(input, tokenEnd, end);
    if (pos < end) throw expositionErrorAt(input, pos, `unexpected text after the timestamp: ${quoteToken(input.slice(pos, end))}`);
    return;
  }
  if (input.charCodeAt(tokenEnd) === CH_SPACE && input.charCodeAt(tokenEnd + 1) === CH_HASH) {
    into.exemplarStart = tokenEnd + 1;
    return;
  }
  throw expositionErrorAt(input, tokenEnd, `unexpected ${describeAt(input, tokenEnd, end)} after the timestamp`);
}

function timestampMessage(input: string, pos: number, tokenEnd: number, lenient: boolean): string {
  if (tokenEnd === pos) return 'expected a timestamp after the value (no trailing blanks)';
  const token = quoteToken(input.slice(pos, tokenEnd));
  return lenient ? `invalid timestamp ${token}: expected integer milliseconds` : `invalid timestamp ${token}: expected a number of seconds`;
}
