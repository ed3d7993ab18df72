/**
 * Axis arithmetic for charts, free of any drawing: nice y ticks (1, 2, 2.5, 5 × 10^n) and
 * round time ticks. Pure, so the geometry is testable without a canvas.
 */
export interface YAxis {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
}

const NICE_STEPS = [1, 2, 2.5, 5, 10];

export function niceStep(rawStep: number): number {
  if (!(rawStep > 0) || !Number.isFinite(rawStep)) return 1;
  const mag = 10 ** Math.floor(Math.log10(rawStep));
  const norm = rawStep / mag;
  const step = NICE_STEPS.find((s) => s >= norm - 1e-9) ?? 10;
  return step * mag;
}

/** A y axis that contains every value (and the threshold), starting at 0 for non-negative data. */
export function computeYAxis(values: readonly number[], maxTicks = 5): YAxis {
  const finite = values.filter((v) => Number.isFinite(v));
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (lo >= 0) lo = 0;
  if (hi === lo) hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.1;
  const step = niceStep((hi - lo) / Math.max(1, maxTicks - 1));
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { min, max, ticks };
}

const TIME_STEPS_MS = [60_000, 2 * 60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 3600_000, 2 * 3600_000, 6 * 3600_000, 12 * 3600_000, 86_400_000];

/** Round-minute time ticks across [start, end], at most `maxTicks` of them. */
export function computeTimeTicks(startMs: number, endMs: number, maxTicks = 7): number[] {
  const span = Math.max(1, endMs - startMs);
  // Both ends may fall on a tick: a span of n steps can carry n + 1 ticks.
  const step = TIME_STEPS_MS.find((s) => Math.floor(span / s) + 1 <= maxTicks) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(startMs / step) * step; t <= endMs; t += step) ticks.push(t);
  return ticks;
}

/** "14:05" in UTC: the chart says UTC in its footer, because Slack readers span time zones. */
export function formatTimeTick(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/**
 * Splits a series into drawable runs, breaking where samples are missing (a gap longer than
 * `maxGapMs`) or not finite, so a scrape outage shows as a gap rather than a straight line.
 */
export function splitRuns(points: readonly { timestampMs: number; value: number }[], maxGapMs: number): { timestampMs: number; value: number }[][] {
  const runs: { timestampMs: number; value: number }[][] = [];
  let cur: { timestampMs: number; value: number }[] = [];
  let last: number | undefined;
  for (const p of points) {
    if (!Number.isFinite(p.value) || (last !== undefined && p.timestampMs - last > maxGapMs)) {
      if (cur.length > 0) runs.push(cur);
      cur = [];
    }
    if (Number.isFinite(p.value)) cur.push(p);
    last = p.timestampMs;
  }
  if (cur.length > 0) runs.push(cur);
  return runs;
}
