import type { Labels } from '../labels.js';
import {
  CH_CLOSE_BRACE,
  CH_COMMA,
  CH_EQUALS,
  CH_OPEN_BRACE,
  CH_QUOTE,
  CH_SPACE,
  isLabelNameChar,
  isLabelNameStart,
} from './char-classes.js';
import { decodeEscapes } from './decode-escapes.js';
import type { ExpositionError } from './exposition-error.js';
import { describeAt, expositionErrorAt, quoteToken } from './exposition-error.js';
import { parseFloatToken, parseRealNumber } from './parse-number.js';
import { setLabel } from './set-label.js';

/** The OpenMetrics limit on an exemplar's label names and values together, in code points. */
export const MAX_EXEMPLAR_LABEL_CHARS = 128;

export interface ExemplarText {
  readonly labels: Labels;
  readonly value: number;
  readonly timestampSeconds?: number;
}

/**
 * Reads an OpenMetrics exemplar, ` # {labels} value [timestamp]`, from its `#` at `start` to
 * the end of the line. Exemplars are rare, so this favours plainness over speed.
 */
export function readExemplar(input: string, start: number, end: number): ExemplarText {
  const fail = (at: number, message: string): ExpositionError => expositionErrorAt(input, at, message);
  if (input.charCodeAt(start + 1) !== CH_SPACE || input.charCodeAt(start + 2) !== CH_OPEN_BRACE) {
    throw fail(start, "expected '# {' to start an exemplar");
  }
  const labels: Record<string, string> = {};
  let chars = 0;
  let pos = start + 3;
  if (input.charCodeAt(pos) !== CH_CLOSE_BRACE) {
    for (;;) {
      const nameStart = pos;
      if (!isLabelNameStart(input.charCodeAt(pos))) {
        throw fail(pos, `invalid exemplar label name: unexpected ${describeAt(input, pos, end)}`);
      }
      while (pos < end && isLabelNameChar(input.charCodeAt(pos))) pos++;
      const name = input.slice(nameStart, pos);
      if (Object.hasOwn(labels, name)) throw fail(nameStart, `duplicate exemplar label name ${quoteToken(name)}`);
      if (input.charCodeAt(pos) !== CH_EQUALS || input.charCodeAt(pos + 1) !== CH_QUOTE) {
        throw fail(pos, `expected '="' after exemplar label name ${quoteToken(name)}`);
      }
      const decoded = decodeEscapes(input, pos + 2, end, 'keep', true);
      setLabel(labels, name, decoded.value);
      chars += countCodePoints(name) + countCodePoints(decoded.value);
      pos = decoded.stop + 1;
      const c = input.charCodeAt(pos);
      if (c === CH_CLOSE_BRACE) break;
      if (c !== CH_COMMA) throw fail(pos, `expected ',' or '}' in exemplar labels, found ${describeAt(input, pos, end)}`);
      pos++;
    }
  }
  if (chars > MAX_EXEMPLAR_LABEL_CHARS) {
    throw fail(start + 2, `exemplar labels are ${chars} characters long; at most ${MAX_EXEMPLAR_LABEL_CHARS} are allowed`);
  }
  pos++;
  if (input.charCodeAt(pos) !== CH_SPACE) throw fail(pos, "expected ' ' and a value after the exemplar labels");
  pos++;
  let tokenEnd = tokenEndAt(input, pos, end);
  const value = parseFloatToken(input, pos, tokenEnd);
  if (value === undefined) throw fail(pos, `invalid exemplar value ${quoteToken(input.slice(pos, tokenEnd))}`);
  if (tokenEnd >= end) return { labels, value };
  pos = tokenEnd + 1;
  tokenEnd = tokenEndAt(input, pos, end);
  const timestampSeconds = parseRealNumber(input, pos, tokenEnd);
  if (timestampSeconds === undefined) {
    throw fail(pos, `invalid exemplar timestamp ${quoteToken(input.slice(pos, tokenEnd))}: expected a number of seconds`);
  }
  if (tokenEnd < end) throw fail(tokenEnd, 'unexpected text after the exemplar timestamp');
  return { labels, value, timestampSeconds };
}

function tokenEndAt(input: string, pos: number, end: number): number {
  while (pos < end && input.charCodeAt(pos) !== CH_SPACE) pos++;
  return pos;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A low surrogate after a high one completes a code point already counted.
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800)) n++;
  }
  return n;
}
