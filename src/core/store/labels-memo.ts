import type { Labels } from '../labels.js';

/**
 * Things derived from a label set (its grouping key under `by (application, le)`, the set
 * without `__name__`, ...) are asked for every evaluation, for tens of thousands of series.
 * The store gives each series' label set a hidden slot (a non-enumerable symbol property, so
 * Object.keys, spreads and JSON never see it) where those results live next to the labels;
 * a hash-table lookup per sample was the evaluator's biggest cost. Other label sets fall back
 * to a WeakMap per kind of result.
 */
const SLOT = Symbol('derived-from-labels');

type Slot = unknown[];

/** Gives a label set the memo slot; call before freezing it. */
export function withMemoSlot<T extends Record<string, string>>(labels: T): T {
  Object.defineProperty(labels, SLOT, { value: [], enumerable: false });
  return labels;
}

/**
 * One kind of derived value (one `owner`); memo.get(labels) computes it once per label set.
 * Slots hold a few (owner, value) pairs and are scanned linearly: a label set is usually asked
 * for by a handful of grouping specs.
 */
export class LabelsMemo<T> {
  private readonly fallback = new WeakMap<Labels, T>();

  constructor(private readonly compute: (labels: Labels) => T) {}

  get(labels: Labels): T {
    const slot = (labels as { [SLOT]?: Slot })[SLOT];
    if (slot === undefined) {
      let value = this.fallback.get(labels);
      if (value === undefined) {
        value = this.compute(labels);
        this.fallback.set(labels, value);
      }
      return value;
    }
    for (let i = 0; i < slot.length; i += 2) {
      if (slot[i] === this) return slot[i + 1] as T;
    }
    const value = this.compute(labels);
    // Bounded: a label set asked for by many specs over time keeps only the latest few.
    if (slot.length >= 16) slot.splice(0, 2);
    slot.push(this, value);
    return value;
  }
}
