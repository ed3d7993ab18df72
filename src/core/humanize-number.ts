/**
 * Numbers for humans in Slack and on chart axes: "340", "1.2k", "3.4M", "0.25", "12.5m" is
 * avoided (milli is ambiguous next to minutes); small values keep two significant digits.
 */
export function humanizeNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) return sign + trim((abs / size).toFixed(abs / size >= 100 ? 0 : 1)) + suffix;
  }
  if (abs >= 100 || abs === 0) return sign + String(Math.round(abs));
  if (abs >= 10) return sign + trim(abs.toFixed(1));
  if (abs >= 1) return sign + trim(abs.toFixed(2));
  return sign + trim(abs.toPrecision(2));
}

function trim(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}
