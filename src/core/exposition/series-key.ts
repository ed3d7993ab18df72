import { isValidLabelName, isValidMetricName } from './char-classes.js';
import { escapeLabelValue } from './decode-escapes.js';
import type { SampleLineReader } from './sample-line-reader.js';

/**
 * Canonical keys for the line just read, so that two lines naming the same series get the
 * same key whatever their label order, blanks or escapes. The canonical rendering is the
 * plain one, `name{a="1",b="2"}` with labels sorted by name; when the line is
 * already written that way (nearly always) the key is a slice of the input, built only
 * otherwise.
 */

const order: number[] = [];

/** Key of the whole series: name and every label. */
export function seriesKey(input: string, line: SampleLineReader): string {
  if (line.canonical) return line.labelsEnd < 0 ? line.name : input.slice(line.nameStart, line.labelsEnd + 1);
  return line.count === 0 ? keyName(line.name) : keyName(line.name) + '{' + canonicalPairs(line, -1) + '}';
}

/** Key of the name and every label but the one at index `exclude`. */
export function metricSeriesKey(input: string, line: SampleLineReader, exclude: number): string {
  return keyName(line.name) + '{' + metricKey(input, line, exclude) + '}';
}

/** A quoted UTF-8 name could contain `{` or `"`; quoting it keeps it apart from plain names. */
function keyName(name: string): string {
  return isValidMetricName(name) ? name : JSON.stringify(name);
}

/**
 * Key of the labels without the one at index `exclude` (-1: none) and without the name: the
 * OpenMetrics Metric a sample belongs to (a histogram bucket without its `le`, a summary
 * quantile without its `quantile`).
 */
export function metricKey(input: string, line: SampleLineReader, exclude: number): string {
  if (!line.canonical) return canonicalPairs(line, exclude);
  if (line.labelsEnd < 0) return '';
  if (exclude < 0) return input.slice(line.labelsStart, line.labelsEnd);
  if (exclude === line.count - 1) {
    // Drop the last pair and the comma before it.
    return input.slice(line.labelsStart, exclude === 0 ? line.labelsStart : line.pairStarts[exclude]! - 1);
  }
  // Drop a pair in the middle (Ray sorts labels, so `le` sits between `WorkerId` and `otel_*`).
  return input.slice(line.labelsStart, line.pairStarts[exclude]) + input.slice(line.pairStarts[exclude + 1], line.labelsEnd);
}

function canonicalPairs(line: SampleLineReader, exclude: number): string {
  const names = line.names;
  let n = 0;
  for (let i = 0; i < line.count; i++) {
    if (i === exclude) continue;
    // Insertion sort by name (not by rank: past a bound, names have none); label sets are
    // small and usually almost in order.
    let j = n;
    while (j > 0 && names[order[j - 1]!]! > names[i]!) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
    n++;
  }
  let out = '';
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const name = line.names[i]!;
    if (k > 0) out += ',';
    // Quoted UTF-8 label names (text format) are quoted here too, so they cannot mimic a pair.
    out += (isValidLabelName(name) ? name : JSON.stringify(name)) + '="' + escapeLabelValue(line.values[i]!) + '"';
  }
  return out;
}
