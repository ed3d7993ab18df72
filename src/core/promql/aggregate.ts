import type { Labels } from '../labels.js';
import type { AggregateOp } from './ast.js';
import { formatFloatF } from './go-format.js';
import type { Less } from './go-sort.js';
import { goSort, heapPop, heapPush, quantileOf } from './go-sort.js';
import type { LabelSubset } from './label-sets.js';
import { GroupSlot, labelSubset, withLabels } from './label-sets.js';
import { evalError } from './promql-errors.js';
import type { Sample } from './values.js';

interface Group {
  readonly index: number;
  labels: Labels;
  value: number;
  mean: number;
  count: number;
  /** topk/bottomk heap. */
  heap: Sample[];
  /** quantile values. */
  values: number[];
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** 2^63 as a float: Go's math.MaxInt64 converted to float64 rounds up to it. */
const INT64_MAX = 2 ** 63;
const NO_LABELS: Labels = Object.freeze({});
const NO_SAMPLES: readonly Sample[] = Object.freeze([]);
const NO_VALUES: readonly number[] = Object.freeze([]);

// topk keeps a min-heap (NaN counts as smallest, so it is replaced first); bottomk a max-heap.
const topLess: Less<Sample> = (a, b) => Number.isNaN(a.value) || a.value < b.value;
const bottomLess: Less<Sample> = (a, b) => Number.isNaN(a.value) || a.value > b.value;

/**
 * Prometheus 2.42's aggregation operators, step for step: groups in order of first
 * appearance, running sums and means computed the same way and topk/bottomk through the same
 * heap, so for the same input order the results agree to the bit and keep the same series.
 * Elements are added one at a time, so the evaluator can feed it straight from a range
 * function (`sum by (le) (rate(x[5m]))`) without building the intermediate vector.
 */
export class Aggregation {
  private readonly k: number;
  private readonly valueLabel: string;
  private readonly subset: LabelSubset;
  private readonly grouped: boolean;
  private readonly groups = new Map<string, Group>();
  private readonly ordered: Group[] = [];
  /** The one group of an aggregation without grouping labels. */
  private readonly single = new GroupSlot('');

  constructor(
    private readonly op: AggregateOp,
    grouping: readonly string[],
    private readonly without: boolean,
    private readonly param: number | string | undefined,
    private readonly t: number,
  ) {
    let k = 0;
    if (op === 'topk' || op === 'bottomk') {
      const f = param as number;
      if (!(f <= INT64_MAX && f >= -INT64_MAX)) throw evalError(`Scalar value ${formatFloatF(f)} overflows int64`);
      k = Math.trunc(f);
    }
    this.k = k;
    let names = grouping;
    this.valueLabel = '';
    if (op === 'count_values') {
      this.valueLabel = param as string;
      if (!LABEL_NAME_RE.test(this.valueLabel)) throw evalError(`invalid label name ${JSON.stringify(this.valueLabel)}`);
      if (!without) names = [...grouping, this.valueLabel];
    }
    this.subset = labelSubset(names, !without);
    this.grouped = without || names.length > 0;
  }

  /** Nothing to do (topk with k < 1): the caller may skip evaluating the input. */
  get empty(): boolean {
    return (this.op === 'topk' || this.op === 'bottomk') && this.k < 1;
  }

  /** Adds one element; `ref`, when known (>= 0), is the series ref its labels belong to. */
  add(labels: Labels, v: number, ref = -1): void {
    const op = this.op;
    if (op === 'count_values') {
      labels = withLabels(labels, { [this.valueLabel]: formatFloatF(v) });
      ref = -1;
    }
    const slot = !this.grouped ? this.single : ref >= 0 ? this.subset.slotOfRef(labels, ref) : this.subset.slot(labels);
    let group: Group | undefined;
    if (slot.owner === this) {
      group = this.ordered[slot.index]!;
    } else {
      group = this.groups.get(slot.key);
      slot.owner = this;
      if (!group) {
        slot.index = this.start(slot.key, labels, v);
        return;
      }
      slot.index = group.index;
    }
    switch (op) {
      case 'sum':
        group.value += v;
        break;
      case 'avg': {
        group.count++;
        const m = group.mean;
        // Inf minus Inf would turn the mean into NaN: keep it while values agree or stay finite.
        if (m === Infinity || m === -Infinity) {
          if ((v === Infinity || v === -Infinity) && m > 0 === v > 0) break;
          if (Number.isFinite(v)) break;
        }
        group.mean += v / group.count - group.mean / group.count;
        break;
      }
      case 'max':
        if (group.value < v || Number.isNaN(group.value)) group.value = v;
        break;
      case 'min':
        if (group.value > v || Number.isNaN(group.value)) group.value = v;
        break;
      case 'count':
      case 'count_values':
        group.count++;
        break;
      case 'stddev':
      case 'stdvar': {
        group.count++;
        const delta = v - group.mean;
        group.mean += delta / group.count;
        group.value += delta * (v - group.mean);
        break;
      }
      case 'topk':
      case 'bottomk': {
        const less = op === 'topk' ? topLess : bottomLess;
        const top = group.heap[0]!;
        const better = op === 'topk' ? top.value < v : top.value > v;
        if (group.heap.length < this.k || better || Number.isNaN(top.value)) {
          const s: Sample = { labels, value: v, t: this.t };
          if (group.heap.length === this.k) {
            if (this.k === 1) {
              group.heap[0] = s;
              break;
            }
            heapPop(group.heap, less);
          }
          heapPush(group.heap, s, less);
        }
        break;
      }
      case 'quantile':
        group.values.push(v);
        break;
      case 'group':
        break;
    }
  }

  /** Opens a group with its first element; returns the group's index. */
  private start(key: string, labels: Labels, v: number): number {
    const op = this.op;
    const g: Group = {
      index: this.ordered.length,
      labels: this.grouped ? this.subset.labels(labels) : NO_LABELS,
      value: op === 'stddev' || op === 'stdvar' ? 0 : op === 'group' ? 1 : v,
      mean: v,
      count: 1,
      // Only topk/bottomk and quantile fill these; the rest share one empty array (never written).
      heap: op === 'topk' || op === 'bottomk' ? [{ labels, value: v, t: this.t }] : (NO_SAMPLES as Sample[]),
      values: op === 'quantile' ? [v] : (NO_VALUES as number[]),
    };
    this.groups.set(key, g);
    this.ordered.push(g);
    return g.index;
  }

  finish(): Sample[] {
    if (this.empty) return [];
    const op = this.op;
    const out: Sample[] = [];
    for (const g of this.ordered) {
      let value = g.value;
      switch (op) {
        case 'avg':
          value = g.mean;
          break;
        case 'count':
        case 'count_values':
          value = g.count;
          break;
        case 'stdvar':
          value = g.value / g.count;
          break;
        case 'stddev':
          value = Math.sqrt(g.value / g.count);
          break;
        case 'topk':
        case 'bottomk': {
          const less = op === 'topk' ? topLess : bottomLess;
          // Largest first for topk, smallest first for bottomk: the heap order reversed.
          if (g.heap.length > 1) goSort(g.heap, (a, b) => less(b, a));
          out.push(...g.heap);
          continue;
        }
        case 'quantile':
          value = quantileOf(this.param as number, g.values);
          break;
        default:
          break;
      }
      out.push({ labels: g.labels, value, t: this.t });
    }
    return out;
  }
}

/** Aggregates a whole vector. */
export function aggregate(
  op: AggregateOp,
  samples: readonly Sample[],
  grouping: readonly string[],
  without: boolean,
  param: number | string | undefined,
  t: number,
): Sample[] {
  const aggregation = new Aggregation(op, grouping, without, param, t);
  if (aggregation.empty) return [];
  for (const s of samples) aggregation.add(s.labels, s.value);
  return aggregation.finish();
}
