import type { Labels } from '../labels.js';
import type { BinaryOp, VectorMatching } from './ast.js';
import { isComparisonOp } from './ast.js';
import { goPow } from './go-math.js';
import { dropMetricName, formatLabelSet, labelSetKey, labelSubset, withLabels } from './label-sets.js';
import { evalError } from './promql-errors.js';
import type { Sample } from './values.js';

/** Arithmetic and comparison ops drop the metric name; only arithmetic ones do. */
export function dropsMetricName(op: BinaryOp): boolean {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '^';
}

/** scalar op scalar; comparisons give 1 or 0 (the parser insists on `bool`). */
export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    default:
      return arithmetic(op, l, r);
  }
}

function arithmetic(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return goPow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    default:
      throw evalError(`operator "${op}" not allowed here`);
  }
}

/** Whether a comparison keeps the element; arithmetic always does. */
function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    default:
      return true;
  }
}

/**
 * vector op scalar (or scalar op vector when swapped). Comparisons filter and keep the
 * vector's own value even when the scalar is on the left.
 */
export function vectorScalarBinop(
  op: BinaryOp,
  vector: readonly Sample[],
  scalar: number,
  swapped: boolean,
  returnBool: boolean,
  t: number,
): Sample[] {
  const comparison = isComparisonOp(op);
  const drop = dropsMetricName(op) || returnBool;
  const out: Sample[] = [];
  for (const s of vector) {
    const l = swapped ? scalar : s.value;
    const r = swapped ? s.value : scalar;
    let value: number;
    let keep = true;
    if (comparison) {
      keep = compare(op, l, r);
      value = s.value;
    } else {
      value = arithmetic(op, l, r);
    }
    if (returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (keep) out.push({ labels: drop ? dropMetricName(s.labels) : s.labels, value, t });
  }
  return out;
}

function signature(matching: VectorMatching): (labels: Labels) => string {
  const subset = labelSubset(matching.labels, matching.on);
  return (labels) => subset.key(labels);
}

/** The labels the match is made on, for error messages (MatchLabels). */
function matchedLabels(labels: Labels, matching: VectorMatching): Labels {
  return labelSubset(matching.labels, matching.on).labels(labels);
}

export function vectorAnd(lhs: readonly Sample[], rhs: readonly Sample[], matching: VectorMatching): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const sig = signature(matching);
  const right = new Set(rhs.map((s) => sig(s.labels)));
  return lhs.filter((s) => right.has(sig(s.labels)));
}

export function vectorOr(lhs: readonly Sample[], rhs: readonly Sample[], matching: VectorMatching): Sample[] {
  if (lhs.length === 0) return [...rhs];
  if (rhs.length === 0) return [...lhs];
  const sig = signature(matching);
  const left = new Set(lhs.map((s) => sig(s.labels)));
  return [...lhs, ...rhs.filter((s) => !left.has(sig(s.labels)))];
}

export function vectorUnless(lhs: readonly Sample[], rhs: readonly Sample[], matching: VectorMatching): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return [...lhs];
  const sig = signature(matching);
  const right = new Set(rhs.map((s) => sig(s.labels)));
  return lhs.filter((s) => !right.has(sig(s.labels)));
}

/**
 * The labels of one result element. One-to-one: the left side's labels, restricted to on(...)
 * or without ignoring(...); group_left/right: the "many" side's labels plus the group_x labels
 * taken from the "one" side (removed when the one side lacks them).
 */
function resultLabels(many: Labels, one: Labels, op: BinaryOp, matching: VectorMatching): Labels {
  let labels = dropsMetricName(op) ? dropMetricName(many) : many;
  if (matching.card === 'one-to-one') {
    if (matching.on) return labelSubset(matching.labels, true).labels(labels);
    if (matching.labels.length === 0) return labels;
    const changes: Record<string, string> = {};
    for (const n of matching.labels) changes[n] = '';
    return withLabels(labels, changes);
  }
  if (matching.include.length > 0) {
    const changes: Record<string, string> = {};
    for (const n of matching.include) changes[n] = one[n] ?? '';
    labels = withLabels(labels, changes);
  }
  return labels;
}

/**
 * Arithmetic and comparison between two vectors with Prometheus's matching rules and errors:
 * the "one" side must be unique per match group, one-to-one matches must be unique, and
 * group_left/right results must not collide.
 */
export function vectorBinop(
  op: BinaryOp,
  lhs: readonly Sample[],
  rhs: readonly Sample[],
  matching: VectorMatching,
  returnBool: boolean,
  t: number,
): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const swapped = matching.card === 'one-to-many';
  const many = swapped ? rhs : lhs;
  const one = swapped ? lhs : rhs;
  const sig = signature(matching);
  const oneBySig = new Map<string, Sample>();
  for (const s of one) {
    const key = sig(s.labels);
    const dup = oneBySig.get(key);
    if (dup) {
      throw evalError(
        `found duplicate series for the match group ${formatLabelSet(matchedLabels(s.labels, matching))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${formatLabelSet(s.labels)}, ${formatLabelSet(dup.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    oneBySig.set(key, s);
  }
  const comparison = isComparisonOp(op);
  const matched = new Map<string, Set<string> | null>();
  const out: Sample[] = [];
  for (const m of many) {
    const key = sig(m.labels);
    const o = oneBySig.get(key);
    if (!o) continue;
    const l = swapped ? o.value : m.value;
    const r = swapped ? m.value : o.value;
    let value = comparison ? l : arithmetic(op, l, r);
    const keep = comparison ? compare(op, l, r) : true;
    if (returnBool) value = keep ? 1 : 0;
    else if (!keep) continue;
    let labels = resultLabels(m.labels, o.labels, op, matching);
    if (returnBool) labels = dropMetricName(labels);
    if (matching.card === 'one-to-one') {
      if (matched.has(key)) {
        throw evalError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      }
      matched.set(key, null);
    } else {
      let seen = matched.get(key);
      if (!seen) {
        seen = new Set();
        matched.set(key, seen);
      }
      const resultKey = labelSetKey(labels);
      if (seen.has(resultKey)) throw evalError('multiple matches for labels: grouping labels must ensure unique matches');
      seen.add(resultKey);
    }
    out.push({ labels, value, t });
  }
  return out;
}

