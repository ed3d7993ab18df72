import { CH_HASH } from './char-classes.js';
import { MetricPointChecker } from './check-metric-points.js';
import { expositionErrorAt, quoteToken } from './exposition-error.js';
import type { OpenMetricsFamily, SampleKind } from './openmetrics-families.js';
import { OpenMetricsFamilies } from './openmetrics-families.js';
import { readExemplar } from './read-exemplar.js';
import { isEofLine, readOpenMetricsMetadata } from './read-openmetrics-metadata.js';
import { SampleLineReader } from './sample-line-reader.js';
import type { Exemplar, ExpositionSample, ParsedExposition } from './types.js';

/**
 * Parses OpenMetrics 1.0 text. Stricter than the Prometheus format by design: no blank lines
 * or free comments, single spaces, `# EOF` last, metadata before a family's samples and
 * families never interleaved, sample names that fit their family's type, and the per-type
 * value rules (see check-metric-points). Timestamps are seconds, converted to milliseconds;
 * exemplars are returned apart from the samples.
 */
export function parseOpenMetrics(input: string): ParsedExposition {
  const reader = new SampleLineReader(input, 'openmetrics');
  const families = new OpenMetricsFamilies(input);
  const points = new MetricPointChecker(input, reader);
  const samples: ExpositionSample[] = [];
  const exemplars: Exemplar[] = [];
  let lastName = '';
  let lastFamily: OpenMetricsFamily | undefined;
  let lastKind: SampleKind = 'value';

  const len = input.length;
  let pos = 0;
  let sawEof = false;
  while (pos < len) {
    let lineEnd = input.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = len;
    if (lineEnd === pos) throw expositionErrorAt(input, pos, 'empty line (OpenMetrics allows none)');
    if (input.charCodeAt(pos) === CH_HASH) {
      if (isEofLine(input, pos, lineEnd)) {
        if (lineEnd + 1 < len) throw expositionErrorAt(input, lineEnd + 1, 'text after # EOF');
        sawEof = true;
        break;
      }
      const meta = readOpenMetricsMetadata(input, pos, lineEnd);
      if (families.applyMetadata(meta)) points.startFamily(families.current!);
      lastFamily = undefined;
    } else {
      reader.read(pos, lineEnd);
      const name = reader.name;
      if (name !== lastName || lastFamily === undefined || lastFamily !== families.current) {
        const found = families.familyOfSample(name, pos);
        if (found.isNew) points.startFamily(found.family);
        lastName = name;
        lastFamily = found.family;
        lastKind = found.kind;
      }
      lastFamily.hasSamples = true;
      points.add(lastFamily, lastKind);
      const labels = reader.labels();
      samples.push(
        reader.hasTimestamp
          ? { labels, value: reader.value, timestampMs: secondsToMs(reader.timestamp) }
          : { labels, value: reader.value },
      );
      if (reader.exemplarStart >= 0) exemplars.push(readSampleExemplar(input, reader, lastFamily, lastKind, samples.length - 1, lineEnd));
    }
    pos = lineEnd + 1;
  }
  if (!sawEof) throw expositionErrorAt(input, len, 'missing "# EOF" at the end of the exposition');
  points.finish();
  return { format: 'openmetrics', samples, metadata: families.metadata(), exemplars };
}

function readSampleExemplar(
  input: string,
  reader: SampleLineReader,
  family: OpenMetricsFamily,
  kind: SampleKind,
  sampleIndex: number,
  lineEnd: number,
): Exemplar {
  const allowed = (family.type === 'counter' && kind === 'total') || kind === 'bucket';
  if (!allowed) {
    throw expositionErrorAt(
      input,
      reader.exemplarStart,
      `exemplar on ${quoteToken(reader.name)}: only counter _total and histogram _bucket samples may have one`,
    );
  }
  const text = readExemplar(input, reader.exemplarStart, lineEnd);
  return text.timestampSeconds === undefined
    ? { sampleIndex, labels: text.labels, value: text.value }
    : { sampleIndex, labels: text.labels, value: text.value, timestampMs: secondsToMs(text.timestampSeconds) };
}

/** OpenMetrics timestamps are float seconds; samples carry integer milliseconds. */
function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000) || 0;
}
