import type { Labels } from '../labels.js';
import { METRIC_NAME } from '../labels.js';
import { sortedNames } from '../store/compare-labels.js';
import { LabelsMemo } from '../store/labels-memo.js';
import { goQuote } from './go-format.js';
import { evalError } from './promql-errors.js';
import type { Sample } from './values.js';

/**
 * Label-set operations of the evaluator. Series label sets live as long as their series, and
 * the same keys and derived sets are asked for at every evaluation, so results are cached per
 * label-set object (WeakMaps: nothing is kept alive by the cache).
 */

const SEP = '\u0000';

function build(names: readonly string[], source: Labels, extra?: Readonly<Record<string, string>>): Labels {
  const out: Record<string, string> = {};
  const all = extra ? [...new Set([...names, ...Object.keys(extra)])].sort() : names;
  for (const n of all) {
    const v = extra?.[n] ?? source[n];
    if (v !== undefined && v !== '') out[n] = v;
  }
  return Object.freeze(out);
}

const noName = new LabelsMemo<Labels>((labels) =>
  build(
    sortedNames(labels).filter((n) => n !== METRIC_NAME),
    labels,
  ),
);

export function dropMetricName(labels: Labels): Labels {
  return labels[METRIC_NAME] === undefined ? labels : noName.get(labels);
}

const keys = new LabelsMemo<string>((labels) => sortedNames(labels).map((n) => n + SEP + labels[n]!).join(SEP));

/** A canonical string for a whole label set (names sorted). */
export function labelSetKey(labels: Labels): string {
  return keys.get(labels);
}

/** Prometheus's rendering of a label set: {a="1", b="2"} with __name__ inside the braces. */
export function formatLabelSet(labels: Labels): string {
  return '{' + sortedNames(labels).map((n) => `${n}=${goQuote(labels[n]!)}`).join(', ') + '}';
}

const MAX_SLOTS = 100_000;
/** Refs above this are looked up through the memo only (a store this large is unusual). */
const MAX_REF_CACHE = 4_000_000;

/**
 * A group key of one LabelSubset, shared by all label sets in the group. An aggregation marks
 * it with itself and the group's index, so the next series of the group finds its group with
 * two field reads instead of a hash lookup of the key. The mark is a cache: an aggregation
 * that finds another's mark falls back to its own map by `key`.
 */
export class GroupSlot {
  owner: object | undefined = undefined;
  index = 0;

  constructor(readonly key: string) {}
}

/**
 * Keys of label subsets: `include` mode keeps only the listed names (by, on), exclude mode
 * drops them and __name__ (without, ignoring). One instance per distinct name list.
 */
export class LabelSubset {
  private readonly names: readonly string[];
  private readonly nameSet: ReadonlySet<string>;
  private readonly keys = new LabelsMemo<string>((labels) =>
    this.picked(labels)
      .map((n) => n + SEP + labels[n]!)
      .join(SEP),
  );
  private readonly subsets = new LabelsMemo<Labels>((labels) => build(this.picked(labels), labels));
  /** One GroupSlot per distinct key, so that every label set of a group shares it. */
  private readonly slotByKey = new Map<string, GroupSlot>();
  private readonly slots = new LabelsMemo<GroupSlot>((labels) => {
    const key = this.key(labels);
    let slot = this.slotByKey.get(key);
    if (!slot) {
      // Bounded under label churn; a label set keeps its slot, a new one may get a twin.
      if (this.slotByKey.size >= MAX_SLOTS) this.slotByKey.clear();
      slot = new GroupSlot(key);
      this.slotByKey.set(key, slot);
    }
    return slot;
  });

  constructor(
    names: readonly string[],
    readonly include: boolean,
  ) {
    this.names = [...new Set(names)].sort();
    this.nameSet = new Set(this.names);
  }

  private picked(labels: Labels): readonly string[] {
    if (this.include) return this.names.filter((n) => labels[n] !== undefined);
    return sortedNames(labels).filter((n) => n !== METRIC_NAME && !this.nameSet.has(n));
  }

  key(labels: Labels): string {
    return this.keys.get(labels);
  }

  /**
   * The series' labels and their slots by series ref, for callers that know the ref: two
   * dense arrays read in ref order, where the memo would touch every label-set object (a
   * cache miss per series, the evaluator's largest cost at 40k series).
   */
  private readonly labelsByRef: (Labels | undefined)[] = [];
  private readonly slotByRef: (GroupSlot | undefined)[] = [];

  /** The group a label set falls in, as an object aggregations can mark (see GroupSlot). */
  slot(labels: Labels): GroupSlot {
    return this.slots.get(labels);
  }

  /**
   * slot() for the labels of series `ref` of a sample source. A ref names one series of one
   * source at a time; the labels' identity tells a reused ref, or another source, apart.
   */
  slotOfRef(labels: Labels, ref: number): GroupSlot {
    if (this.labelsByRef[ref] === labels) return this.slotByRef[ref]!;
    const slot = this.slots.get(labels);
    if (ref < MAX_REF_CACHE) {
      // Grown by push, never by a far write: a sparse array would fall back to a hash table.
      while (this.labelsByRef.length <= ref) {
        this.labelsByRef.push(undefined);
        this.slotByRef.push(undefined);
      }
      this.labelsByRef[ref] = labels;
      this.slotByRef[ref] = slot;
    }
    return slot;
  }

  /** The subset as a label set (by: the listed labels; without: the rest minus __name__). */
  labels(labels: Labels): Labels {
    return this.subsets.get(labels);
  }
}

const subsets = new Map<string, LabelSubset>();

export function labelSubset(names: readonly string[], include: boolean): LabelSubset {
  const id = (include ? '+' : '-') + [...names].sort().join(',');
  let s = subsets.get(id);
  if (!s) {
    s = new LabelSubset(names, include);
    if (subsets.size > 500) subsets.clear();
    subsets.set(id, s);
  }
  return s;
}

/** A label set with some labels set (empty value: removed), others copied. */
export function withLabels(labels: Labels, changes: Readonly<Record<string, string>>): Labels {
  return build(sortedNames(labels), labels, changes);
}

/** Prometheus fails a query whose result holds one label set twice. */
export function assertUniqueLabelSets(samples: readonly Sample[]): void {
  if (samples.length < 2) return;
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelSetKey(s.labels);
    if (seen.has(key)) throw evalError('vector cannot contain metrics with the same labelset');
    seen.add(key);
  }
}

/** Drops __name__ from every sample; checks uniqueness only when names differed. */
export function dropNames(samples: readonly Sample[], value: (v: number, s: Sample) => number, t: number): Sample[] {
  const out: Sample[] = new Array(samples.length);
  let mixed = false;
  const firstName = samples[0]?.labels[METRIC_NAME];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (s.labels[METRIC_NAME] !== firstName) mixed = true;
    out[i] = { labels: dropMetricName(s.labels), value: value(s.value, s), t };
  }
  if (mixed) assertUniqueLabelSets(out);
  return out;
}
