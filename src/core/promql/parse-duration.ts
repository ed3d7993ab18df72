/**
 * Prometheus durations (model.ParseDuration): units y w d h m s ms, each at most once and in
 * that order, integers only; "0" alone is zero. A year is 365 days. Returns milliseconds, or
 * undefined when the text is not a duration.
 */
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  const m = DURATION_RE.exec(text);
  if (!m) return undefined;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * UNIT_MS[i]!;
  }
  // Go keeps durations in int64 nanoseconds; beyond ~292 years they overflow and are refused.
  if (ms > 9_223_372_036_854) return undefined;
  return ms;
}
