import { formatDuration } from '../duration.js';

/**
 * Group intervals run on node-cron, whose schedules are wall-clock patterns, so only intervals
 * that tile the minute, the hour or the day evenly keep a steady period: every 45s would fire
 * at :00 and :45 and then 15 s later at the next :00.
 */
const SECOND_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];

export const INTERVAL_HINT =
  'use whole seconds that divide a minute (1s, 2s, 5s, 10s, 15s, 20s, 30s…), whole minutes that divide an hour ' +
  '(1m, 2m, 5m, 10m, 15m, 30m…) or whole hours that divide a day (1h, 2h, 3h, 4h, 6h, 8h, 12h, 24h)';

/** The 6-field node-cron pattern (with seconds) for an interval, or null when it has none. */
export function intervalToCron(intervalMs: number): string | null {
  if (!Number.isInteger(intervalMs / 1000) || intervalMs <= 0) return null;
  const s = intervalMs / 1000;
  if (s < 60) return SECOND_STEPS.includes(s) ? `*/${s} * * * * *` : null;
  if (s % 60 !== 0) return null;
  const m = s / 60;
  if (m < 60) return MINUTE_STEPS.includes(m) ? `0 */${m} * * * *` : null;
  if (m % 60 !== 0) return null;
  const h = m / 60;
  if (h === 24) return '0 0 0 * * *';
  return HOUR_STEPS.includes(h) ? `0 0 */${h} * * *` : null;
}

export function intervalProblem(intervalMs: number): string | null {
  return intervalToCron(intervalMs) === null ? `interval ${formatDuration(intervalMs)} cannot be scheduled evenly: ${INTERVAL_HINT}` : null;
}
