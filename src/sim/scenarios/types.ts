import type { Labels } from '../../core/labels.js';
import type { CodeCatalog, DeploymentBehaviour } from '../app-catalog.js';
import type { LoadTarget } from '../load-generator.js';
import type { NodeSpec } from '../node.js';

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** Series of one sample name whose labels include `labels` (Ray adds WorkerId and others). */
export interface SeriesSelector {
  readonly metric: string;
  readonly labels?: Labels;
}

/**
 * One measurable symptom, evaluated over a window between two scrapes (and the REST state at
 * its end). `promql` says what an alert rule would write for it.
 */
export type Signal =
  /** sum/max/min of a gauge at the end of the window. */
  | { readonly kind: 'gauge'; readonly select: SeriesSelector; readonly aggregate: 'sum' | 'max' | 'min' | 'count' }
  /** Increase of a counter over the window (series born in the window count from 0). */
  | { readonly kind: 'increase'; readonly select: SeriesSelector }
  /** histogram_quantile over the window's bucket increases; `select.metric` is the family (no _bucket). */
  | { readonly kind: 'quantile'; readonly select: SeriesSelector; readonly q: number }
  /** Ratio of two gauge sums at the end of the window. */
  | { readonly kind: 'gauge-ratio'; readonly numerator: SeriesSelector; readonly denominator: SeriesSelector }
  /** Ratio of two quantiles of the same histogram (tail vs median). */
  | { readonly kind: 'quantile-ratio'; readonly select: SeriesSelector; readonly high: number; readonly low: number }
  /** A field of GET /api/serve/applications/ at the end of the window, by path; numbers and strings compare. */
  | { readonly kind: 'rest'; readonly path: readonly string[] };

export interface SignatureItem {
  readonly description: string;
  readonly promql?: string;
  readonly signal: Signal;
  readonly op: Comparison | 'contains';
  /** False for items that only give context (a config value), not a symptom. */
  readonly symptom?: boolean;
  readonly value: number | string;
}

export interface TimelineEvent {
  /** Milliseconds after the scenario starts. */
  readonly atMs: number;
  readonly description: string;
  readonly action: (sim: ScenarioControls) => void;
}

/** What a scenario's timeline may do to a running simulator. */
export interface ScenarioControls {
  put(config: unknown): void;
  setLoad(target: LoadTarget): void;
  setBehaviour(app: string, deployment: string, patch: Partial<DeploymentBehaviour>): void;
  setBackgroundCpu(cores: number): void;
}

export interface Scenario {
  /** kebab-case. */
  readonly name: string;
  readonly description: string;
  /** The item of the troubleshooting guide it reproduces. */
  readonly checklistItem: string;
  readonly node?: Partial<NodeSpec>;
  readonly catalog?: CodeCatalog;
  /** The body of the first PUT, sent at t = 0. */
  readonly config: unknown;
  /** Client traffic, started once the apps are up (after warmupMs). */
  readonly load: readonly LoadTarget[];
  readonly timeline?: readonly TimelineEvent[];
  /** The signature is visible within this time from the start… */
  readonly onsetMs: number;
  /** …evaluated over a window of this length ending then. */
  readonly windowMs: number;
  readonly signature: readonly SignatureItem[];
}

/** Apps start and warm up before client traffic begins. */
export const WARMUP_MS = 30_000;
