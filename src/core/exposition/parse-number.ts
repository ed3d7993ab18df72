import { CH_DOT, CH_MINUS, CH_PLUS, isDigit } from './char-classes.js';

/**
 * Number tokens of both exposition formats, read straight from the input between two offsets
 * so the common case allocates nothing. Every function returns undefined for a token that is
 * not valid; the caller knows where the token is and says what was expected.
 */

// Powers of ten that are exact doubles; a mantissa below 2^53 divided by one of them is
// correctly rounded (one IEEE division), the same double a full decimal conversion gives.
const EXACT_POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const MAX_FAST_DIGITS = 15;

const LOWER_I = 0x69;
const LOWER_N = 0x6e;
const LOWER_E = 0x65;

/**
 * A sample value as Prometheus reads it (Go's strconv.ParseFloat without hex and `_`, which
 * expfmt also refuses): decimal with optional sign, fraction and exponent; `Inf`/`Infinity`
 * with optional sign and `NaN`, in any letter case. Values beyond float64 are refused, as Go
 * refuses them with a range error, rather than silently becoming infinite.
 */
export function parseFloatToken(s: string, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let i = start;
  let c = s.charCodeAt(i);
  let negative = false;
  if (c === CH_PLUS || c === CH_MINUS) {
    negative = c === CH_MINUS;
    i++;
    if (i >= end) return undefined;
    c = s.charCodeAt(i);
  }
  const lower = c | 0x20;
  if (lower === LOWER_I) {
    if (!equalsIgnoreCase(s, i, end, 'inf') && !equalsIgnoreCase(s, i, end, 'infinity')) return undefined;
    return negative ? -Infinity : Infinity;
  }
  // Go accepts no sign on NaN.
  if (lower === LOWER_N) return i === start && equalsIgnoreCase(s, i, end, 'nan') ? NaN : undefined;
  return parseDecimal(s, start, i, end, negative);
}

/** A decimal number only (OpenMetrics `realnumber`: timestamps, `le`/`quantile` bounds). */
export function parseRealNumber(s: string, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let i = start;
  const c = s.charCodeAt(i);
  const negative = c === CH_MINUS;
  if (c === CH_PLUS || c === CH_MINUS) i++;
  return parseDecimal(s, start, i, end, negative);
}

/**
 * An integer that fits int64, as the text format's millisecond timestamps (Go's
 * strconv.ParseInt, base 10).
 */
export function parseInt64Token(s: string, start: number, end: number): number | undefined {
  let i = start;
  const c = s.charCodeAt(i);
  const negative = c === CH_MINUS;
  if (c === CH_PLUS || c === CH_MINUS) i++;
  if (i >= end) return undefined;
  let value = 0;
  for (let j = i; j < end; j++) {
    const d = s.charCodeAt(j);
    if (!isDigit(d)) return undefined;
    value = value * 10 + (d - 48);
  }
  if (end - i > MAX_FAST_DIGITS) {
    if (!fitsInt64(s.slice(i, end), negative)) return undefined;
    value = Number(s.slice(i, end));
  }
  return negative ? -value : value;
}

function fitsInt64(digits: string, negative: boolean): boolean {
  let first = 0;
  while (first < digits.length - 1 && digits.charCodeAt(first) === 48) first++;
  const significant = digits.slice(first);
  if (significant.length !== 19) return significant.length < 19;
  // Same length, so string order is numeric order.
  return significant <= (negative ? '9223372036854775808' : '9223372036854775807');
}

/** `digits [. digits] [e [sign] digits]` from `i` (after any sign) to `end`; `start` includes the sign. */
function parseDecimal(s: string, start: number, i: number, end: number, negative: boolean): number | undefined {
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let sawDot = false;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (sawDot) fractionDigits++;
    } else if (c === CH_DOT && !sawDot) {
      sawDot = true;
    } else {
      break;
    }
  }
  if (digits === 0) return undefined;
  if (i === end && digits <= MAX_FAST_DIGITS) {
    const value = fractionDigits === 0 ? mantissa : mantissa / EXACT_POW10[fractionDigits]!;
    return negative ? -value : value;
  }
  if (i < end) {
    if ((s.charCodeAt(i) | 0x20) !== LOWER_E) return undefined;
    i++;
    const sign = s.charCodeAt(i);
    if (sign === CH_PLUS || sign === CH_MINUS) i++;
    const exponentStart = i;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
    if (i === exponentStart || i !== end) return undefined;
  }
  // The grammar checked above is a subset of what Number() accepts, so this cannot be NaN.
  const value = Number(s.slice(start, end));
  return Number.isFinite(value) ? value : undefined;
}

function equalsIgnoreCase(s: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(start + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}
