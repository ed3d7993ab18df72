import type { Labels } from '../labels.js';
import type { PointBuffer, WindowEnds } from '../store/chunk-pool.js';
import type { LabelMatcher } from '../store/label-matcher.js';
import type { SampleCursor } from '../store/sample-store.js';

/**
 * What the evaluator reads. SampleStore implements it; the evaluator does no I/O and never
 * sees the store's internals.
 */
export interface SampleSource {
  /** Refs of series matching every matcher, in a stable order; the caller must not modify it. */
  matchingRefs(matchers: readonly LabelMatcher[]): ArrayLike<number>;
  labelsOf(ref: number): Labels;
  labelsWithoutName(ref: number): Labels;
  /** Points with minT <= t <= maxT into out (from index 0); returns the count. */
  readRange(ref: number, minT: number, maxT: number, out: PointBuffer, skipStale: boolean): number;
  /**
   * Optional shortcut for rate, increase and delta: the window's first and last non-stale
   * points and the count, or -1 when the window needs readRange (a staleness marker, or with
   * checkDrops a value lower than the one before it).
   */
  readEnds?(ref: number, minT: number, maxT: number, out: WindowEnds, checkDrops: boolean): number;
  /** Newest point with minT <= t <= maxT, stale markers flagged; false when none. */
  lastSample(ref: number, minT: number, maxT: number, out: SampleCursor): boolean;
}
