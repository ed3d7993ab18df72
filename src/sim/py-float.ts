/**
 * Numbers the way Ray's Python side prints them. prometheus_client formats sample values
 * and `le` bounds with `floatToGoString`: Python's repr (`1.0`, `0.00015`, `2.5e-05`), except
 * that positive numbers with more than six integer digits switch to Go's exponent form
 * (`1.382096896e+09`). JavaScript's shortest round-trip digits equal Python's, so only the
 * layout differs.
 */
export function formatPyRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', expText = '0'] = value.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  // Python's repr uses scientific notation when the exponent is < -4 or >= 16.
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intDigits = exp + 1;
  if (digits.length <= intDigits) return `${sign}${digits.padEnd(intDigits, '0')}.0`;
  return `${sign}${digits.slice(0, intDigits)}.${digits.slice(intDigits)}`;
}

/** prometheus_client's floatToGoString: what /metrics prints for values and `le`. */
export function formatGoFloat(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  const s = formatPyRepr(value);
  const dot = s.indexOf('.');
  if (value > 0 && dot > 6) {
    const mantissa = `${s[0]}.${s.slice(1, dot)}${s.slice(dot + 1)}`.replace(/\.?0+$/, '');
    return `${mantissa}e+${String(dot - 1).padStart(2, '0')}`;
  }
  return s;
}

/** Python's repr of a JSON value, as pydantic shows `input_value` in its messages. */
export function formatPyValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatPyRepr(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(formatPyValue).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${formatPyValue(v)}`).join(', ')}}`;
}

function pyString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** pydantic-core shortens a long input_value repr to its first 25 and last 24 characters. */
export function truncatePyValue(repr: string): string {
  return repr.length > 50 ? `${repr.slice(0, 25)}...${repr.slice(-24)}` : repr;
}

/** Python's json.dumps with its default separators, for messages that embed JSON. */
export function formatPyJson(value: Readonly<Record<string, number>>): string {
  const parts = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${formatPyRepr(v)}`);
  return `{${parts.join(', ')}}`;
}
