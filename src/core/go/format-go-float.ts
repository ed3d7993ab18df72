/**
 * Go's strconv.FormatFloat for the verbs alert templates use ('e', 'f', 'g'), so humanize and
 * printf print exactly what Prometheus prints. JavaScript's toPrecision/toFixed round halves
 * away from zero; Go rounds the exact binary value, and an exact half to even
 * (printf "%.4g" 12345 is "1.234e+04" in Go). So digits come from the exact decimal expansion
 * of the double and are rounded here.
 */

/** value = 0.d1d2…dn × 10^dp; `d` has no leading or trailing zeros ('' for zero). */
interface Decimal {
  readonly d: string;
  readonly dp: number;
}

function trimZeros(d: string, dp: number): Decimal {
  let end = d.length;
  while (end > 0 && d[end - 1] === '0') end--;
  return end === 0 ? { d: '', dp: 0 } : { d: d.slice(0, end), dp };
}

/** The exact decimal expansion of a finite, non-negative double (every double has one). */
function exactDecimal(abs: number): Decimal {
  if (abs === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (expBits === 0) {
    exp = -1074;
  } else {
    mantissa |= 1n << 52n;
    exp = expBits - 1075;
  }
  if (exp >= 0) {
    const digits = (mantissa << BigInt(exp)).toString();
    return trimZeros(digits, digits.length);
  }
  // m × 2^-k = m × 5^k / 10^k: an integer's digits with the point moved k places left.
  const digits = (mantissa * 5n ** BigInt(-exp)).toString();
  return trimZeros(digits, digits.length + exp);
}

/** The shortest digits that read back as the same double (what Go's precision -1 uses). */
function shortestDecimal(abs: number): Decimal {
  if (abs === 0) return { d: '', dp: 0 };
  const [mantissa, exp] = abs.toExponential().split('e') as [string, string];
  return trimZeros(mantissa.replace('.', ''), Number(exp) + 1);
}

/** Keeps `nd` digits, rounding an exact half to even (Go's decimal.Round). */
function roundDecimal(dec: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= dec.d.length) return dec;
  const next = dec.d.charCodeAt(nd) - 48;
  const exactHalf = next === 5 && nd + 1 === dec.d.length;
  const up = exactHalf ? nd > 0 && (dec.d.charCodeAt(nd - 1) - 48) % 2 === 1 : next >= 5;
  if (!up) return trimZeros(dec.d.slice(0, nd), dec.dp);
  let i = nd - 1;
  while (i >= 0 && dec.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: dec.dp + 1 };
  return { d: dec.d.slice(0, i) + String.fromCharCode(dec.d.charCodeAt(i) + 1), dp: dec.dp };
}

function fmtE(dec: Decimal, prec: number, e: 'e' | 'E'): string {
  let out = dec.d.length === 0 ? '0' : dec.d[0]!;
  if (prec > 0) {
    out += '.' + dec.d.slice(1, Math.min(dec.d.length, prec + 1));
    out += '0'.repeat(Math.max(0, prec + 1 - Math.max(dec.d.length, 1)));
  }
  const exp = dec.d.length === 0 ? 0 : dec.dp - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function fmtF(dec: Decimal, prec: number): string {
  let out: string;
  if (dec.dp > 0) {
    out = dec.d.slice(0, Math.min(dec.d.length, dec.dp)) + '0'.repeat(Math.max(0, dec.dp - dec.d.length));
  } else {
    out = '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = dec.dp + i - 1;
      out += j >= 0 && j < dec.d.length ? dec.d[j] : '0';
    }
  }
  return out;
}

export type FloatVerb = 'e' | 'E' | 'f' | 'F' | 'g' | 'G';

/**
 * strconv.FormatFloat(v, verb, prec, 64): prec -1 means the shortest representation that
 * reads back exactly. Infinities print as "+Inf"/"-Inf", NaN as "NaN".
 */
export function formatGoFloat(v: number, verb: FloatVerb, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const abs = Math.abs(v);
  const shortest = prec < 0;
  let dec: Decimal;
  let p = prec;
  if (shortest) {
    dec = shortestDecimal(abs);
    if (verb === 'e' || verb === 'E') p = Math.max(dec.d.length - 1, 0);
    else if (verb === 'f' || verb === 'F') p = Math.max(dec.d.length - dec.dp, 0);
    else p = dec.d.length;
  } else {
    const exact = exactDecimal(abs);
    if (verb === 'e' || verb === 'E') dec = roundDecimal(exact, p + 1);
    else if (verb === 'f' || verb === 'F') dec = roundDecimal(exact, exact.dp + p);
    else {
      if (p === 0) p = 1;
      dec = roundDecimal(exact, p);
    }
  }
  switch (verb) {
    case 'e':
    case 'E':
      return sign + fmtE(dec, p, verb);
    case 'f':
    case 'F':
      return sign + fmtF(dec, p);
    default: {
      let eprec = p;
      if (eprec > dec.d.length && dec.d.length >= dec.dp) eprec = dec.d.length;
      // Go decides between %e and %f as if the precision were 6 when printing shortest.
      if (shortest) eprec = 6;
      const exp = dec.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (p > dec.d.length) p = dec.d.length;
        return sign + fmtE(dec, p - 1, verb === 'g' ? 'e' : 'E');
      }
      if (p > dec.dp) p = dec.d.length;
      return sign + fmtF(dec, Math.max(p - dec.dp, 0));
    }
  }
}
