/**
 * Go's number and string formatting where Prometheus output depends on it: count_values label
 * values (strconv.FormatFloat 'f', -1), promtool's sample values ('E', -1), quoted label values
 * (strconv.Quote) and durations (model.Duration.String).
 */

/** Shortest round-trip decimal digits and exponent: value = 0.d1d2... × 10^exp10. */
function shortestDigits(abs: number): { digits: string; exp10: number } {
  const [mantissa, exp] = abs.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  return { digits, exp10: Number(exp) + 1 };
}

/** strconv.FormatFloat(v, 'f', -1, 64). */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const abs = Math.abs(v);
  if (abs === 0) return sign + '0';
  const { digits, exp10 } = shortestDigits(abs);
  if (exp10 <= 0) return `${sign}0.${'0'.repeat(-exp10)}${digits}`;
  if (exp10 >= digits.length) return sign + digits + '0'.repeat(exp10 - digits.length);
  return `${sign}${digits.slice(0, exp10)}.${digits.slice(exp10)}`;
}

/** strconv.FormatFloat(v, 'E', -1, 64): 1E+00, 2.5E-01, -1.25E+10. */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const abs = Math.abs(v);
  if (abs === 0) return sign + '0E+00';
  const { digits, exp10 } = shortestDigits(abs);
  const e = exp10 - 1;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exponent = String(Math.abs(e)).padStart(2, '0');
  return `${sign}${mantissa}E${e < 0 ? '-' : '+'}${exponent}`;
}

/** strconv.Quote for the characters label values realistically hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code === 12) out += '\\f';
    else if (code === 11) out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Prometheus's model.Duration.String(): 1h30m, 90s → 1m30s, 0 → 0s; y and w only when exact. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let out = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const units: [string, number, boolean][] = [
    ['y', 365 * 24 * 3600 * 1000, true],
    ['w', 7 * 24 * 3600 * 1000, true],
    ['d', 24 * 3600 * 1000, false],
    ['h', 3600 * 1000, false],
    ['m', 60 * 1000, false],
    ['s', 1000, false],
    ['ms', 1, false],
  ];
  for (const [unit, size, exact] of units) {
    if (exact && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
