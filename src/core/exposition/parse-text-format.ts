import { CH_HASH, CH_NEWLINE, isBlank } from './char-classes.js';
import { decodeEscapes } from './decode-escapes.js';
import { expositionErrorAt, quoteToken } from './exposition-error.js';
import { parseFloatToken } from './parse-number.js';
import { readTextComment, type TextMetadataLine } from './read-text-comment.js';
import { SampleLineReader } from './sample-line-reader.js';
import { TextSeriesRegistry } from './text-series-registry.js';
import type { ExpositionSample, MetricMetadata, MetricType, ParsedExposition } from './types.js';

/** TYPE words of the text format, matched case-insensitively as expfmt does. */
const TEXT_TYPES: ReadonlyMap<string, MetricType> = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['gaugehistogram', 'gaugehistogram'],
  ['gauge_histogram', 'gaugehistogram'],
  ['summary', 'summary'],
  ['untyped', 'untyped'],
]);

interface TextFamily {
  readonly name: string;
  /** Declared by TYPE, or `untyped` from the first sample; undefined until then. */
  type: MetricType | undefined;
  declared: boolean;
  help: string | undefined;
  hasSamples: boolean;
}

/** How a sample name relates to the family it was filed under. */
type SampleRole = 'value' | 'bucket' | 'count' | 'sum';

/**
 * Parses the Prometheus text format 0.0.4 the way prometheus/common's expfmt does: comments
 * other than HELP/TYPE and blank lines are ignored, blanks may surround tokens, a second HELP
 * or TYPE for a name is an error and so is a TYPE after the name's samples. `_bucket`,
 * `_count` and `_sum` samples belong to a histogram or summary family declared under the base
 * name; every other sample is its own family, `untyped` unless declared. Unlike expfmt it
 * rejects a series that appears twice (unless each repeat carries a later timestamp), and it
 * tolerates trailing blanks after a value.
 */
export function parseTextFormat(input: string): ParsedExposition {
  const reader = new SampleLineReader(input, 'text');
  const families = new Map<string, TextFamily>();
  const series = new TextSeriesRegistry(input);
  const samples: ExpositionSample[] = [];
  let lastName = '';
  let lastFamily: TextFamily | undefined;
  let lastRole: SampleRole = 'value';

  const len = input.length;
  let pos = 0;
  while (pos < len) {
    let lineEnd = input.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = len;
    let start = pos;
    while (start < lineEnd && isBlank(input.charCodeAt(start))) start++;
    pos = lineEnd + 1;
    if (start === lineEnd) continue;
    if (input.charCodeAt(start) === CH_HASH) {
      const meta = readTextComment(input, start, lineEnd);
      if (meta) applyMetadata(input, meta, lineEnd, families);
    } else {
      reader.read(start, lineEnd);
      const name = reader.name;
      if (name !== lastName || lastFamily === undefined) {
        lastName = name;
        lastFamily = familyOf(name, families);
        lastRole = roleIn(lastFamily, name);
      }
      const family = lastFamily;
      family.hasSamples = true;
      family.type ??= 'untyped';
      const varying = family.type === 'untyped' ? -1 : checkTypedSample(input, reader, family, lastRole);
      const timestamp = reader.hasTimestamp ? reader.timestamp : NaN;
      const earlier = series.record(reader, varying, timestamp);
      if (earlier !== undefined && !(timestamp > earlier)) throw duplicateSeries(input, reader, start, earlier);
      const labels = reader.labels();
      samples.push(
        reader.hasTimestamp ? { labels, value: reader.value, timestampMs: reader.timestamp } : { labels, value: reader.value },
      );
    }
    if (lineEnd === len && input.charCodeAt(len - 1) !== CH_NEWLINE) {
      // expfmt reads line by line and fails on a last line without its newline.
      throw expositionErrorAt(input, len, 'unexpected end of input: the last line must end with a newline');
    }
  }
  return { format: 'text', samples, metadata: collectMetadata(families), exemplars: [] };
}

/** A series may repeat only with timestamps, each later than the one before. */
function duplicateSeries(input: string, reader: SampleLineReader, start: number, earlier: number): Error {
  const series = quoteToken(input.slice(start, reader.valueStart).trimEnd());
  if (Number.isNaN(earlier) || !reader.hasTimestamp) return expositionErrorAt(input, start, `duplicate series ${series}`);
  return expositionErrorAt(input, reader.timestampStart, `series ${series} repeated without a later timestamp`);
}

function familyOf(name: string, families: Map<string, TextFamily>): TextFamily {
  const exact = families.get(name);
  if (exact) return exact;
  const base = baseName(name);
  if (base !== undefined) {
    const family = families.get(base);
    const type = family?.type;
    const isHistogram = type === 'histogram' || type === 'gaugehistogram';
    if (family && (isHistogram || (type === 'summary' && !name.endsWith('_bucket')))) return family;
  }
  // A sample with no family of its own name makes one, untyped, and a later TYPE for it is an error.
  const family: TextFamily = { name, type: 'untyped', declared: false, help: undefined, hasSamples: true };
  families.set(name, family);
  return family;
}

function baseName(name: string): string | undefined {
  for (const suffix of ['_bucket', '_count', '_sum']) {
    if (name.length > suffix.length && name.endsWith(suffix)) return name.slice(0, -suffix.length);
  }
  return undefined;
}

function roleIn(family: TextFamily, name: string): SampleRole {
  if (name === family.name) return 'value';
  if (name.endsWith('_bucket')) return 'bucket';
  return name.endsWith('_count') ? 'count' : 'sum';
}

/**
 * The checks expfmt makes on typed samples: numeric `quantile`/`le`, no negative counts.
 * Returns the index of the `le` or `quantile` label (-1: none).
 */
function checkTypedSample(input: string, reader: SampleLineReader, family: TextFamily, role: SampleRole): number {
  if (family.type === 'summary') return checkNumericLabel(input, reader, 'quantile');
  if (family.type !== 'histogram' && family.type !== 'gaugehistogram') return -1;
  const le = checkNumericLabel(input, reader, 'le');
  if (reader.value < 0 && (role === 'bucket' || role === 'count')) {
    const what = role === 'bucket' ? 'bucket count' : 'count';
    throw expositionErrorAt(input, reader.valueStart, `negative ${what} for histogram ${quoteToken(family.name)}`);
  }
  return le;
}

function checkNumericLabel(input: string, reader: SampleLineReader, label: string): number {
  const index = reader.labelIndex(label);
  if (index < 0) return -1;
  const value = reader.values[index]!;
  if (parseFloatToken(value, 0, value.length) === undefined) {
    throw expositionErrorAt(input, reader.pairStarts[index]!, `${label} label value ${quoteToken(value)} is not a number`);
  }
  return index;
}

function applyMetadata(input: string, meta: TextMetadataLine, lineEnd: number, families: Map<string, TextFamily>): void {
  let family = families.get(meta.name);
  if (!family) {
    family = { name: meta.name, type: undefined, declared: false, help: undefined, hasSamples: false };
    families.set(meta.name, family);
  }
  if (meta.keyword === 'HELP') {
    if (family.help !== undefined) {
      throw expositionErrorAt(input, meta.nameStart, `second HELP line for metric name ${quoteToken(meta.name)}`);
    }
    family.help = decodeEscapes(input, meta.textStart, lineEnd, 'reject', false).value;
    return;
  }
  if (family.type !== undefined) {
    const why = family.declared ? 'second TYPE line' : 'TYPE line after the samples';
    throw expositionErrorAt(input, meta.nameStart, `${why} for metric name ${quoteToken(meta.name)}`);
  }
  // expfmt takes the rest of the line as the type, so trailing blanks make it unknown.
  const word = input.slice(meta.textStart, lineEnd);
  const type = TEXT_TYPES.get(word.toLowerCase());
  if (type === undefined) throw expositionErrorAt(input, meta.textStart, `unknown metric type ${quoteToken(word)}`);
  family.type = type;
  family.declared = true;
}

/** Families with samples, as expfmt returns them (a HELP or TYPE alone describes nothing). */
function collectMetadata(families: Map<string, TextFamily>): Map<string, MetricMetadata> {
  const metadata = new Map<string, MetricMetadata>();
  for (const family of families.values()) {
    if (!family.hasSamples) continue;
    const type = family.type ?? 'untyped';
    metadata.set(family.name, family.help === undefined ? { name: family.name, type } : { name: family.name, type, help: family.help });
  }
  return metadata;
}
