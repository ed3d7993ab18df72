import type { Labels } from '../labels.js';

export type ExpositionFormat = 'text' | 'openmetrics';

export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown'
  | 'untyped';

/** One flat sample, as a scrape stores it. `labels` includes `__name__`. */
export interface ExpositionSample {
  readonly labels: Labels;
  readonly value: number;
  /** Milliseconds since the epoch, when the exposition carried a timestamp. */
  readonly timestampMs?: number;
}

export interface MetricMetadata {
  readonly name: string;
  readonly type: MetricType;
  readonly help?: string;
  readonly unit?: string;
}

/** OpenMetrics exemplars are kept aside, never stored as samples. */
export interface Exemplar {
  /** Index into `samples` of the sample the exemplar was attached to. */
  readonly sampleIndex: number;
  readonly labels: Labels;
  readonly value: number;
  readonly timestampMs?: number;
}

export interface ParsedExposition {
  readonly format: ExpositionFormat;
  readonly samples: readonly ExpositionSample[];
  readonly metadata: ReadonlyMap<string, MetricMetadata>;
  readonly exemplars: readonly Exemplar[];
}
