import { parseNumber } from '../promql/parse-number.js';

/** One step of an input series: a value, a staleness marker, or nothing (`_`). */
export type SeriesStep = { readonly kind: 'value'; readonly value: number } | { readonly kind: 'stale' } | { readonly kind: 'omitted' };

export class SeriesValuesError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SeriesValuesError';
  }
}

const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[Ii][Nn][Ff]|[Nn][Aa][Nn]`;
const ITEM = new RegExp(
  String.raw`^(?:(?<blank>_)(?:x(?<blankTimes>\d+))?|(?<stale>stale)|(?<sign>[+-]?)(?<start>${NUMBER})(?:(?<stepSign>[+-])(?<step>${NUMBER}))?(?:x(?<times>\d+))?)$`,
);

/**
 * promtool's expanding notation for input_series values (Prometheus 2.42's series
 * description grammar), one step per interval:
 *   `1 2 3`        the values themselves;  `Inf`, `-Inf`, `NaN`, `1e3` are numbers
 *   `a+bxN`        N+1 values a, a+b, ..., a+N·b (`a-bxN` counts down); `axN` repeats a N+1 times
 *   `_`            no sample at this step; `_xN` N steps without samples
 *   `stale`        a staleness marker
 * Hex numbers do not exist here: `0x10` is 0 repeated 11 times, as in Prometheus.
 */
export function parseSeriesValues(text: string): SeriesStep[] {
  const out: SeriesStep[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const item = m[0];
    const g = ITEM.exec(item)?.groups;
    if (!g) throw new SeriesValuesError(`invalid series value ${JSON.stringify(item)}`, m.index + 1);
    if (g['blank']) {
      const n = g['blankTimes'] === undefined ? 1 : Number(g['blankTimes']);
      for (let i = 0; i < n; i++) out.push({ kind: 'omitted' });
      continue;
    }
    if (g['stale']) {
      out.push({ kind: 'stale' });
      continue;
    }
    // Inf and NaN are words to Prometheus's lexer, so "Infx2" is one unknown identifier.
    const lastNumber = g['step'] ?? g['start']!;
    if (g['times'] !== undefined && /[a-z]$/i.test(lastNumber)) {
      throw new SeriesValuesError(`invalid series value ${JSON.stringify(item)}: unexpected identifier`, m.index + 1);
    }
    let value = parseNumber(g['start']!)!;
    if (g['sign'] === '-') value = -value;
    if (g['times'] === undefined) {
      if (g['step'] !== undefined) throw new SeriesValuesError(`invalid series value ${JSON.stringify(item)}: a step needs xN`, m.index + 1);
      out.push({ kind: 'value', value });
      continue;
    }
    const times = Number(g['times']);
    let step = g['step'] === undefined ? 0 : parseNumber(g['step'])!;
    if (g['stepSign'] === '-') step = -step;
    // N+1 values, each the previous plus the step (accumulated, as Prometheus adds them).
    for (let i = 0; i <= times; i++) {
      out.push({ kind: 'value', value });
      value += step;
    }
  }
  return out;
}
