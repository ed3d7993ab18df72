/**
 * The few float functions where Go's math package and JavaScript's Math give different last
 * bits. Rule tests compare values exactly (promtool 2.42 uses reflect.DeepEqual), so a result
 * one ulp away from Prometheus's is a failed test. Each follows the algorithm Go documents.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word

/** x = frac × 2^exp with |frac| in [0.5, 1); frexp(0) = [0, 0]. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exp = 0;
  // Scale subnormals into the normal range first.
  if (Math.abs(x) < 2.2250738585072014e-308) {
    x *= 2 ** 52;
    exp = -52;
  }
  f64[0] = x;
  const hi = u32[HI]!;
  exp += ((hi >>> 20) & 0x7ff) - 1022;
  u32[HI] = (hi & ~(0x7ff << 20)) | (1022 << 20);
  return [f64[0]!, exp];
}

/** frac × 2^exp, with a single rounding. */
export function ldexp(frac: number, exp: number): number {
  if (frac === 0 || !Number.isFinite(frac)) return frac;
  const [m, e] = frexp(frac);
  exp += e;
  if (exp > 1024) return m < 0 ? -Infinity : Infinity;
  if (exp < -1075) return m < 0 ? -0 : 0;
  // m in [0.5, 1): multiply in two steps so no intermediate overflows or goes subnormal; only
  // the last step can round (when the result is subnormal), as in Go's Ldexp.
  if (exp < -1020) return m * 2 ** (exp + 60) * 2 ** -60;
  return m * 2 ** (exp - 1) * 2;
}

/** Go's math.Log2: exact for powers of two, Log(frac)/Ln2 + exp otherwise. */
export function goLog2(x: number): number {
  const [frac, exp] = frexp(x);
  if (frac === 0.5) return exp - 1;
  return Math.log(frac) * Math.LOG2E + exp;
}

/** Go's math.Log10: Log(x) × (1/Ln10). */
export function goLog10(x: number): number {
  return Math.log(x) * Math.LOG10E;
}

function isOddInt(x: number): boolean {
  if (Math.abs(x) >= 2 ** 53) return false;
  return Number.isInteger(x) && Math.abs(x % 2) === 1;
}

/**
 * Go's math.Pow: special cases as IEEE 754 / C99 specify them, then x^frac(y) through
 * Exp(y·Log(x)) and x^int(y) by repeated squaring of the mantissa. V8's Math.pow rounds
 * differently for non-integer exponents.
 */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0) {
    const negZero = Object.is(x, -0);
    if (y < 0) return negZero && isOddInt(y) ? -Infinity : Infinity;
    return negZero && isOddInt(y) ? x : 0;
  }
  if (!Number.isFinite(y)) {
    if (x === -1) return 1;
    return (Math.abs(x) < 1) === (y > 0) ? 0 : Infinity;
  }
  if (!Number.isFinite(x)) {
    if (x < 0) return goPow(1 / x, -y);
    return y < 0 ? 0 : Infinity;
  }
  if (y === 0.5) return Math.sqrt(x);
  if (y === -0.5) return 1 / Math.sqrt(x);

  const absY = Math.abs(y);
  let yi = Math.trunc(absY);
  let yf = absY - yi;
  if (yf !== 0 && x < 0) return NaN;
  if (yi >= 2 ** 63) {
    if (x === -1) return 1;
    return (Math.abs(x) < 1) === (y > 0) ? 0 : Infinity;
  }
  let a1 = 1;
  let ae = 0;
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = Math.exp(yf * Math.log(x));
  }
  let [x1, xe] = frexp(x);
  // yi < 2^63 but may exceed 2^53; halve it as a float, which is exact for these magnitudes.
  for (let i = yi; i !== 0; i = Math.floor(i / 2)) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if (i % 2 === 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe *= 2;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}
