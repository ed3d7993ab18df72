import type { ExpositionFormat } from './types.js';

/**
 * The format of a scrape from its Content-Type: OpenMetrics for `application/openmetrics-text`
 * (any version or parameters), the Prometheus text format 0.0.4 for anything else, missing
 * or unknown, as Prometheus falls back to it.
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat {
  if (contentType === undefined) return 'text';
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/openmetrics-text' ? 'openmetrics' : 'text';
}
