import { formatGoFloat } from '../go/format-go-float.js';
import { goQuote } from '../go/go-quote.js';

/**
 * Go's number and string formatting where Prometheus output depends on it: count_values label
 * values (strconv.FormatFloat 'f', -1), promtool's sample values ('E', -1), quoted label values
 * (strconv.Quote) and durations (model.Duration.String).
 */

/** strconv.FormatFloat(v, 'f', -1, 64). */
export function formatFloatF(v: number): string {
  return formatGoFloat(v, 'f', -1);
}

/** strconv.FormatFloat(v, 'E', -1, 64): 1E+00, 2.5E-01, -1.25E+10. */
export function formatFloatE(v: number): string {
  return formatGoFloat(v, 'E', -1);
}

export { goQuote };

export { formatDuration } from '../duration.js';
