import { formatGoFloat } from '../go/format-go-float.js';

/**
 * Prometheus's humanize family, printing exactly what Prometheus prints (Go's "%.4g" with
 * SI or IEC prefixes): humanize(1234567) = "1.235M", humanize1024(1048576) = "1Mi",
 * humanizePercentage(0.1234) = "12.34%", humanizeDuration(90) = "1m 30s".
 */
const g4 = (v: number): string => formatGoFloat(v, 'g', 4);

export function humanize(value: number): string {
  let v = value;
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

export function humanize1024(value: number): string {
  let v = value;
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

export function humanizePercentage(value: number): string {
  return g4(value * 100) + '%';
}

const INT64_MIN = -(2n ** 63n);

/**
 * Go's int64(v): truncation toward zero; out of range gives the minimum int64 on amd64, which
 * is why Prometheus prints "-106751991167300d -15h -30m -8s" for humanizeDuration(1e100).
 */
function goInt64(v: number): bigint {
  if (Math.abs(v) >= 2 ** 63) return INT64_MIN;
  return BigInt(Math.trunc(v));
}

export function humanizeDuration(value: number): string {
  let v = value;
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = goInt64(v);
    const seconds = duration % 60n;
    const minutes = (duration / 60n) % 60n;
    const hours = (duration / 3600n) % 24n;
    const days = duration / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}
