/**
 * Prometheus-style durations ("90s", "1h30m", "500ms", "2d"), as used in rule files, config and
 * promtool test files. Units: ms, s, m, h, d, w, y (y = 365 d), largest first, each at most once.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const PART = /(\d+)(ms|y|w|d|h|m|s)/y;

/** Parses a duration; returns null when the text is not one. "0" is accepted as zero. */
export function parseDuration(text: string): number | null {
  if (text === '0') return 0;
  if (text === '') return null;
  let total = 0;
  let lastUnit = -1;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) return null;
    const unitIndex = UNIT_ORDER.indexOf(m[2]!);
    if (unitIndex <= lastUnit) return null; // units must be in decreasing order, each once
    lastUnit = unitIndex;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = PART.lastIndex;
  }
  return Number.isSafeInteger(total) ? total : null;
}

/**
 * Formats milliseconds as Prometheus's model.Duration.String() does: 1h30m, 90s → 1m30s,
 * 0 → 0s; weeks and years only when exact (7d → 1w).
 */
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

/** "4 min", "2 h 5 min", "35 s": for humans in Slack, not for config. */
export function humanizeDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 || m >= 10 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
