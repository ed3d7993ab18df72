import { ServeMedicError } from '../../errors.js';

/**
 * An exposition that cannot be parsed. `message` is the bare reason, lower case and without a
 * location, so callers render `${line}:${column}: ${message}` (with a file name in front when
 * they have one), the way compilers and `promtool` report problems.
 */
export class ExpositionError extends ServeMedicError {
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column, counted in Unicode code points so it matches what an editor shows. */
  readonly column: number;

  constructor(line: number, column: number, message: string) {
    super('EXPOSITION_INVALID', message, { details: { line, column } });
    this.name = 'ExpositionError';
    this.line = line;
    this.column = column;
  }
}

/**
 * The error for a problem at character `offset` of `input`. The parsers track only offsets while
 * they run; lines and columns are counted here, once, when something is wrong.
 */
export function expositionErrorAt(input: string, offset: number, message: string): ExpositionError {
  const at = Math.max(0, Math.min(offset, input.length));
  let line = 1;
  let lineStart = 0;
  for (let nl = input.indexOf('\n'); nl !== -1 && nl < at; nl = input.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  let column = 1;
  for (let i = lineStart; i < at; i++) {
    const c = input.charCodeAt(i);
    // The second half of a surrogate pair is the same code point as the first.
    const isTrailSurrogate = c >= 0xdc00 && c <= 0xdfff && i > lineStart && isLeadSurrogate(input.charCodeAt(i - 1));
    if (!isTrailSurrogate) column++;
  }
  return new ExpositionError(line, column, message);
}

function isLeadSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** A token for an error message: quoted, and cut short so one bad line cannot flood a log. */
export function quoteToken(token: string): string {
  const shown = token.length > 64 ? token.slice(0, 61) + '...' : token;
  return JSON.stringify(shown);
}

/** What is at `pos`, for messages: the character, or the end of the line. */
export function describeAt(input: string, pos: number, end: number): string {
  if (pos >= end) return 'end of line';
  const c = input.codePointAt(pos) ?? 0;
  if (c === 0x20) return "' '";
  if (c < 0x20 || c === 0x7f) return `character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(c)}'`;
}
