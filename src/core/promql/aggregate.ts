import type { Labels } from '../labels.js';
import type { AggregateOp } from './ast.js';
import { formatFloatF } from './go-format.js';
import type { Less } from './go-sort.js';
import { goSort, heapPop, heapPush, quantileOf } from './go-sort.js';
import { labelSubset, withLabels } from './label-sets.js';
import { evalError } from './promql-errors.js';
import type { Sample } from './values.js';

interface Group {
  labels: Labels;
  value: number;
  mean: number;
  count: number;
  /** topk/bottomk heap, quantile values. */
  heap: Sample[];
  values: number[];
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** 2^63 as a float: Go's math.MaxInt64 converted to float64 rounds up to it. */
const INT64_MAX = 2 ** 63;

// topk keeps a min-heap (NaN counts as smallest, so it is replaced first); bottomk a max-heap.
const topLess: Less<Sample> = (a, b) => Number.isNaN(a.value) || a.value < b.value;
const bottomLess: Less<Sample> = (a, b) => Number.isNaN(a.value) || a.value > b.value;

/**
 * Prometheus 2.42's aggregation operators, step for step: groups in order of first
 * appearance, running sums and means computed the same way and topk/bottomk through the same
 * heap, so for the same input order the results agree to the bit and keep the same series.
 */
export function aggregate(
  op: AggregateOp,
  samples: readonly Sample[],
  grouping: readonly string[],
  without: boolean,
  param: number | string | undefined,
  t: number,
): Sample[] {
  let k = 0;
  if (op === 'topk' || op === 'bottomk') {
    const f = param as number;
    if (!(f <= INT64_MAX && f >= -INT64_MAX)) throw evalError(`Scalar value ${formatFloatF(f)} overflows int64`);
    k = Math.trunc(f);
    if (k < 1) return [];
  }
  let valueLabel = '';
  let groupNames = grouping;
  if (op === 'count_values') {
    valueLabel = param as string;
    if (!LABEL_NAME_RE.test(valueLabel)) throw evalError(`invalid label name ${JSON.stringify(valueLabel)}`);
    if (!without) groupNames = [...grouping, valueLabel];
  }
  const subset = labelSubset(groupNames, !without);
  const groups = new Map<string, Group>();
  const ordered: Group[] = [];
  for (let s of samples) {
    if (op === 'count_values') s = { ...s, labels: withLabels(s.labels, { [valueLabel]: formatFloatF(s.value) }) };
    const key = without || groupNames.length > 0 ? subset.key(s.labels) : '';
    const group = groups.get(key);
    if (!group) {
      const g: Group = {
        labels: without || groupNames.length > 0 ? subset.labels(s.labels) : {},
        value: s.value,
        mean: s.value,
        count: 1,
        heap: [],
        values: [],
      };
      if (op === 'stddev' || op === 'stdvar') g.value = 0;
      if (op === 'topk' || op === 'bottomk') g.heap = [s];
      if (op === 'quantile') g.values = [s.value];
      if (op === 'group') g.value = 1;
      groups.set(key, g);
      ordered.push(g);
      continue;
    }
    const v = s.value;
    switch (op) {
      case 'sum':
        group.value += v;
        break;
      case 'avg': {
        group.count++;
        const m = group.mean;
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
        if (group.heap.length < k || better || Number.isNaN(top.value)) {
          if (group.heap.length === k) {
            if (k === 1) {
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

  const out: Sample[] = [];
  for (const g of ordered) {
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
        for (const s of g.heap) out.push({ labels: s.labels, value: s.value, t });
        continue;
      }
      case 'quantile':
        value = quantileOf(param as number, g.values);
        break;
      default:
        break;
    }
    out.push({ labels: g.labels, value, t });
  }
  return out;
}
