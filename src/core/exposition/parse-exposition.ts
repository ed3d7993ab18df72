import { parseOpenMetrics } from './parse-openmetrics.js';
import { parseTextFormat } from './parse-text-format.js';
import type { ExpositionFormat, ParsedExposition } from './types.js';

export { formatFromContentType } from './format-from-content-type.js';
export { ExpositionError } from './exposition-error.js';

/**
 * Parses a whole metrics exposition. Pure: no I/O, no clock. Invalid input of any kind throws
 * an ExpositionError with the 1-based line and column of the first problem; an exposition is
 * accepted or rejected as a whole, as Prometheus treats a scrape.
 */
export function parseExposition(input: string, format: ExpositionFormat): ParsedExposition {
  return format === 'openmetrics' ? parseOpenMetrics(input) : parseTextFormat(input);
}
