import { parseOpenMetrics } from './parse-openmetrics.js';
import { parseTextFormat } from './parse-text-format.js';
import type { ExpositionFormat, ParsedExposition } from './types.js';

export { formatFromContentType } from './format-from-content-type.js';
export { ExpositionError } from './exposition-error.js';

/**
 * Parses a whole metrics exposition. Pure: no I/O, no clock. Invalid input of any kind throws
 * an ExpositionError with the 1-based line and column of the first problem; an exposition is
 * accepted or rejected as a whole, as Prometheus treats a scrape.
 *
 * Label values longer than a dozen characters are V8 slices of `input` and keep all of it in
 * memory while any of them lives (measured: one kept WorkerId holds a 5 MB scrape). A consumer
 * that keeps a few strings for long, such as a store interning label values, should keep
 * copies of the new ones.
 */
export function parseExposition(input: string, format: ExpositionFormat): ParsedExposition {
  return format === 'openmetrics' ? parseOpenMetrics(input) : parseTextFormat(input);
}
