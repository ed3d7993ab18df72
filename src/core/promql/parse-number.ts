/**
 * A PromQL number literal as Prometheus 2.42 reads it: first as a Go integer with base prefix
 * (so 0x1F is 31 and 010 is 8, octal), then as a float (1e3, .5, Inf, NaN). Returns undefined
 * when Go would fail, including a float that overflows to infinity (1e400).
 */
export function parseNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^[+-]?inf$/.test(lower) || lower === '+infinity' || lower === '-infinity' || lower === 'infinity') {
    return lower.startsWith('-') ? -Infinity : Infinity;
  }
  if (/^[+-]?nan$/.test(lower)) return NaN;
  const int = parseGoInt(text);
  if (int !== undefined) return int;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** strconv.ParseInt(text, 0, 64) as a float64, or undefined when Go would not accept it. */
function parseGoInt(text: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2]!;
  let big: bigint;
  if (/^0[xX]/.test(body)) big = BigInt(body);
  else if (body.length > 1 && body.startsWith('0')) big = BigInt('0o' + body.slice(1));
  else big = BigInt(body);
  if (m[1] === '-') big = -big;
  // Outside int64 Go's ParseInt fails and ParseFloat takes over (which rejects hex and
  // reads leading-zero decimals as decimal).
  if (big > 9223372036854775807n || big < -9223372036854775808n) {
    if (/^0[xX]/.test(body)) return undefined;
    const value = Number(text);
    return Number.isFinite(value) ? value : undefined;
  }
  return Number(big);
}
