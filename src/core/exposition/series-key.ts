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

/** Insertion sort up to this many labels (typical sets, usually almost in order), sort() beyond. */
const INSERTION_SORT_MAX = 32;

function canonicalPairs(line: SampleLineReader, exclude: number): string {
  const names = line.names;
  const order: number[] = [];
  for (let i = 0; i < line.count; i++) if (i !== exclude) order.push(i);
  // By name, not by rank: past a bound, names have none.
  if (order.length > INSERTION_SORT_MAX) {
    order.sort((a, b) => (names[a]! < names[b]! ? -1 : 1));
  } else {
    for (let k = 1; k < order.length; k++) {
      const i = order[k]!;
      let j = k;
      while (j > 0 && names[order[j - 1]!]! > names[i]!) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
    }
  }
  let out = '';
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const name = names[i]!;
    if (k > 0) out += ',';
    // Quoted UTF-8 label names (text format) are quoted here too, so they cannot mimic a pair.
    out += (isValidLabelName(name) ? name : JSON.stringify(name)) + '="' + escapeLabelValue(line.values[i]!) + '"';
  }
  return out;
}
