import { CH_SPACE, isMetricNameChar, isMetricNameStart } from './char-classes.js';
import { decodeEscapes } from './decode-escapes.js';
import { describeAt, expositionErrorAt, quoteToken } from './exposition-error.js';
import type { MetricType } from './types.js';

export type OpenMetricsType = Exclude<MetricType, 'untyped'>;

const TYPES: ReadonlySet<string> = new Set<OpenMetricsType>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

export type OpenMetricsMetadataLine =
  | { readonly keyword: 'TYPE'; readonly name: string; readonly nameStart: number; readonly type: OpenMetricsType }
  | { readonly keyword: 'HELP'; readonly name: string; readonly nameStart: number; readonly help: string }
  | { readonly keyword: 'UNIT'; readonly name: string; readonly nameStart: number; readonly unit: string; readonly unitStart: number };

/** Whether [start, end) is the `# EOF` line. */
export function isEofLine(input: string, start: number, end: number): boolean {
  return end - start === 5 && input.startsWith('# EOF', start);
}

/**
 * Reads a `# TYPE`, `# HELP` or `# UNIT` line of OpenMetrics, from its `#` to `end`. The
 * grammar is exact: single spaces, upper-case keywords, lower-case types, nothing trailing.
 * OpenMetrics has no other comments, so any other line starting with `#` is an error.
 */
export function readOpenMetricsMetadata(input: string, start: number, end: number): OpenMetricsMetadataLine {
  if (input.charCodeAt(start + 1) !== CH_SPACE) {
    throw expositionErrorAt(input, start + 1, "expected ' ' after '#' (OpenMetrics has no free-form comments)");
  }
  const keywordStart = start + 2;
  let pos = keywordStart;
  while (pos < end && input.charCodeAt(pos) !== CH_SPACE) pos++;
  const keyword = input.slice(keywordStart, pos);
  if (keyword !== 'TYPE' && keyword !== 'HELP' && keyword !== 'UNIT') {
    throw expositionErrorAt(
      input,
      keywordStart,
      `unexpected comment ${quoteToken(input.slice(start, end))}: OpenMetrics allows only # TYPE, # HELP, # UNIT and # EOF lines`,
    );
  }
  const nameStart = pos + 1;
  if (pos >= end || !isMetricNameStart(input.charCodeAt(nameStart))) {
    throw expositionErrorAt(input, Math.min(nameStart, end), `expected a metric name after # ${keyword}`);
  }
  pos = nameStart + 1;
  while (pos < end && isMetricNameChar(input.charCodeAt(pos))) pos++;
  const name = input.slice(nameStart, pos);
  if (input.charCodeAt(pos) !== CH_SPACE || pos >= end) {
    const what = keyword === 'TYPE' ? 'a type' : keyword === 'HELP' ? 'help text' : 'a unit';
    throw expositionErrorAt(input, pos, `expected ' ' and ${what} after # ${keyword} ${name}, found ${describeAt(input, pos, end)}`);
  }
  const textStart = pos + 1;
  if (keyword === 'HELP') {
    return { keyword, name, nameStart, help: decodeEscapes(input, textStart, end, 'keep', false).value };
  }
  const text = input.slice(textStart, end);
  if (keyword === 'TYPE') {
    if (!TYPES.has(text)) {
      throw expositionErrorAt(
        input,
        textStart,
        `unknown metric type ${quoteToken(text)} (expected one of ${[...TYPES].join(', ')})`,
      );
    }
    return { keyword, name, nameStart, type: text as OpenMetricsType };
  }
  for (let i = textStart; i < end; i++) {
    if (!isMetricNameChar(input.charCodeAt(i))) {
      throw expositionErrorAt(input, i, `invalid character ${describeAt(input, i, end)} in unit`);
    }
  }
  return { keyword, name, nameStart, unit: text, unitStart: textStart };
}
