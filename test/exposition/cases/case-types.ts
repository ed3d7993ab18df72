import type { Exemplar, ExpositionSample, MetricMetadata, ParsedExposition } from '../../../src/core/exposition/types.js';

/** `[name, labels, value, timestampMs?]`: a sample as a table row. */
export type SampleRow = readonly [name: string, labels: Readonly<Record<string, string>>, value: number, timestampMs?: number];

export interface ValidCase {
  readonly name: string;
  readonly input: string;
  readonly samples: readonly SampleRow[];
  /** Expected metadata by family name (the map's `name` fields are implied); checked when given. */
  readonly metadata?: Readonly<Record<string, Omit<MetricMetadata, 'name'>>>;
  /** Expected exemplars; when absent, the parse must return none. */
  readonly exemplars?: readonly Exemplar[];
}

export interface InvalidCase {
  readonly name: string;
  readonly input: string;
  /** `[line, column, part of the message]`. */
  readonly error: readonly [line: number, column: number, message: string];
}

/** Joins lines with newlines and ends the input with one. */
export function lines(...all: string[]): string {
  return all.join('\n') + '\n';
}

export function toSample([name, labels, value, timestampMs]: SampleRow): ExpositionSample {
  const full = { __name__: name, ...labels };
  return timestampMs === undefined ? { labels: full, value } : { labels: full, value, timestampMs };
}

export function metadataRecord(parsed: ParsedExposition): Record<string, Omit<MetricMetadata, 'name'>> {
  const out: Record<string, Omit<MetricMetadata, 'name'>> = {};
  for (const [name, meta] of parsed.metadata) {
    const { name: metaName, ...rest } = meta;
    if (metaName !== name) throw new Error(`metadata key ${name} holds ${metaName}`);
    out[name] = rest;
  }
  return out;
}
