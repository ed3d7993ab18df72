import type { Labels } from '../labels.js';
import { METRIC_NAME } from '../labels.js';
import type { WindowEnds } from '../store/chunk-pool.js';
import { PointBuffer } from '../store/chunk-pool.js';
import type { SampleCursor } from '../store/sample-store.js';
import type { Aggregate, Binary, Call, Expr, MatrixSelector, VectorSelector } from './ast.js';
import { unwrapParens } from './ast.js';
import { Aggregation } from './aggregate.js';
import { scalarBinop, vectorAnd, vectorBinop, vectorOr, vectorScalarBinop, vectorUnless, dropsMetricName } from './binary-ops.js';
import { goSort } from './go-sort.js';
import { histogramQuantile } from './histogram-quantile.js';
import { DATE_FUNCTIONS, dateOf, MATH_FUNCTIONS, roundTo } from './instant-functions.js';
import { labelJoin, labelReplace } from './label-functions.js';
import { assertUniqueLabelSets, dropNames } from './label-sets.js';
import { parsePromql } from './parse-promql.js';
import { evalError } from './promql-errors.js';
import type { RangeContext } from './range-functions.js';
import { ENDS_FUNCTIONS, RANGE_FUNCTIONS } from './range-functions.js';
import type { SampleSource } from './sample-source.js';
import type { EvalValue, MatrixSeries, Sample } from './values.js';

/** Prometheus's default lookback delta: an instant selector sees samples up to 5 minutes old. */
export const DEFAULT_LOOKBACK_MS = 5 * 60 * 1000;

export interface EvaluateOptions {
  readonly lookbackDeltaMs?: number;
}

/**
 * Evaluates an instant query at timeMs with Prometheus 2.x semantics: an instant selector takes
 * the newest sample in [t - 5m, t] (a sample exactly 5 minutes old still counts) unless it is a
 * staleness marker; a range selector takes every sample in [t - range, t], both ends included
 * (Prometheus 3 excludes the start), skipping staleness markers.
 */
export function evaluatePromql(
  expr: Expr | string,
  source: SampleSource,
  timeMs: number,
  options: EvaluateOptions = {},
): EvalValue {
  const ast = typeof expr === 'string' ? parsePromql(expr) : expr;
  return new Evaluator(source, timeMs, options.lookbackDeltaMs ?? DEFAULT_LOOKBACK_MS).eval(ast);
}

class Evaluator {
  private readonly buffer = new PointBuffer(64);
  private readonly cursor: SampleCursor = { t: 0, v: 0, stale: false };
  private readonly ends: WindowEnds = { firstT: 0, firstV: 0, lastT: 0, lastV: 0 };

  constructor(
    private readonly source: SampleSource,
    private readonly time: number,
    private readonly lookbackMs: number,
  ) {}

  eval(e: Expr): EvalValue {
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', value: e.value };
      case 'string':
        return { type: 'string', value: e.value };
      case 'paren':
        return this.eval(e.expr);
      case 'vector-selector':
        return { type: 'vector', samples: this.selectVector(e) };
      case 'matrix-selector':
        return { type: 'matrix', series: this.selectMatrix(e) };
      case 'unary': {
        const inner = this.eval(e.expr);
        if (e.op === '+') return inner;
        if (inner.type === 'scalar') return { type: 'scalar', value: -inner.value };
        return { type: 'vector', samples: dropNames(this.vectorOf(inner), (v) => -v, this.time) };
      }
      case 'binary':
        return this.binary(e);
      case 'aggregate':
        return { type: 'vector', samples: this.aggregate(e) };
      case 'call':
        return this.call(e);
    }
  }

  private vectorOf(v: EvalValue): readonly Sample[] {
    if (v.type !== 'vector') throw evalError(`expected an instant vector, got ${v.type}`);
    return v.samples;
  }

  private evalVector(e: Expr): readonly Sample[] {
    return this.vectorOf(this.eval(e));
  }

  private evalScalar(e: Expr): number {
    const v = this.eval(e);
    if (v.type !== 'scalar') throw evalError(`expected a scalar, got ${v.type}`);
    return v.value;
  }

  private evalString(e: Expr): string {
    const v = this.eval(e);
    if (v.type !== 'string') throw evalError(`expected a string, got ${v.type}`);
    return v.value;
  }

  private selectVector(sel: VectorSelector): Sample[] {
    const out: Sample[] = [];
    this.visitVector(sel, (labels, value, _ref, t) => out.push({ labels, value, t }));
    return out;
  }

  /** Hands each series' sample of an instant selector to visit, in ref order. */
  private visitVector(sel: VectorSelector, visit: (labels: Labels, value: number, ref: number, t: number) => void): void {
    const refTime = this.time - sel.offsetMs;
    const source = this.source;
    const refs = source.matchingRefs(sel.matchers);
    const cursor = this.cursor;
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      if (!source.lastSample(ref, refTime - this.lookbackMs, refTime, cursor) || cursor.stale) continue;
      visit(source.labelsOf(ref), cursor.v, ref, cursor.t);
    }
  }

  private selectMatrix(sel: MatrixSelector): MatrixSeries[] {
    const end = this.time - sel.selector.offsetMs;
    const refs = this.source.matchingRefs(sel.selector.matchers);
    const out: MatrixSeries[] = [];
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      const n = this.source.readRange(ref, end - sel.rangeMs, end, this.buffer, true);
      if (n === 0) continue;
      out.push({ labels: this.source.labelsOf(ref), t: Array.from(this.buffer.t.subarray(0, n)), v: Array.from(this.buffer.v.subarray(0, n)) });
    }
    return out;
  }

  private binary(e: Binary): EvalValue {
    const l = this.eval(e.lhs);
    const r = this.eval(e.rhs);
    if (l.type === 'scalar' && r.type === 'scalar') return { type: 'scalar', value: scalarBinop(e.op, l.value, r.value) };
    let out: Sample[];
    if (l.type === 'vector' && r.type === 'vector') {
      const matching = e.matching!;
      if (e.op === 'and') return { type: 'vector', samples: vectorAnd(l.samples, r.samples, matching) };
      if (e.op === 'or') return { type: 'vector', samples: vectorOr(l.samples, r.samples, matching) };
      if (e.op === 'unless') return { type: 'vector', samples: vectorUnless(l.samples, r.samples, matching) };
      return { type: 'vector', samples: vectorBinop(e.op, l.samples, r.samples, matching, e.returnBool, this.time) };
    }
    if (l.type === 'vector' && r.type === 'scalar') {
      out = vectorScalarBinop(e.op, l.samples, r.value, false, e.returnBool, this.time);
      if (dropsMetricName(e.op) || e.returnBool) checkIfNamesMixed(l.samples, out);
    } else if (l.type === 'scalar' && r.type === 'vector') {
      out = vectorScalarBinop(e.op, r.samples, l.value, true, e.returnBool, this.time);
      if (dropsMetricName(e.op) || e.returnBool) checkIfNamesMixed(r.samples, out);
    } else {
      throw evalError('binary expression must contain only scalar and instant vector types');
    }
    return { type: 'vector', samples: out };
  }

  private aggregate(e: Aggregate): Sample[] {
    let param: number | string | undefined;
    if (e.param) param = e.op === 'count_values' ? this.evalString(e.param) : this.evalScalar(e.param);
    const aggregation = new Aggregation(e.op, e.grouping, e.without, param, this.time);
    const inner = unwrapParens(e.expr);
    if (inner.kind === 'call' && streamable(inner)) {
      // `sum by (le) (rate(x[5m]))`: feed the range function's results straight in.
      this.rangeCall(inner, (labels, value, ref) => aggregation.add(labels, value, ref));
    } else if (inner.kind === 'vector-selector') {
      this.visitVector(inner, (labels, value, ref) => aggregation.add(labels, value, ref));
    } else {
      for (const s of this.evalVector(e.expr)) aggregation.add(s.labels, s.value);
    }
    return aggregation.finish();
  }

  private call(e: Call): EvalValue {
    const name = e.func;
    const range = RANGE_FUNCTIONS[name];
    if (range || name === 'absent_over_time') return { type: 'vector', samples: this.rangeCall(e) };
    const vec = (i: number): readonly Sample[] => this.evalVector(e.args[i]!);
    const scalar = (i: number): number => this.evalScalar(e.args[i]!);
    const str = (i: number): string => this.evalString(e.args[i]!);
    const t = this.time;
    const math = MATH_FUNCTIONS[name];
    if (math) return vector(dropNames(vec(0), math, t));
    const date = DATE_FUNCTIONS[name];
    if (date) {
      if (e.args.length === 0) return vector([{ labels: {}, value: date(dateOf(Math.trunc(t / 1000))), t }]);
      return vector(dropNames(vec(0), (v) => (Number.isFinite(v) ? date(dateOf(v)) : NaN), t));
    }
    switch (name) {
      case 'time':
        return { type: 'scalar', value: t / 1000 };
      case 'pi':
        return { type: 'scalar', value: Math.PI };
      case 'vector':
        return vector([{ labels: {}, value: scalar(0), t }]);
      case 'scalar': {
        const v = vec(0);
        return { type: 'scalar', value: v.length === 1 ? v[0]!.value : NaN };
      }
      case 'absent': {
        const arg = unwrapParens(e.args[0]!);
        if (this.evalVector(arg).length > 0) return vector([]);
        return vector([{ labels: absentLabels(arg), value: 1, t }]);
      }
      case 'timestamp': {
        const arg = unwrapParens(e.args[0]!);
        if (arg.kind === 'vector-selector') return vector(dropNames(this.selectVector(arg), (_v, s) => s.t / 1000, t));
        return vector(dropNames(vec(0), () => t / 1000, t));
      }
      case 'clamp': {
        const v = vec(0);
        const min = scalar(1);
        const max = scalar(2);
        if (max < min) return vector([]);
        return vector(dropNames(v, (x) => Math.max(min, Math.min(max, x)), t));
      }
      case 'clamp_min': {
        const min = scalar(1);
        return vector(dropNames(vec(0), (x) => Math.max(min, x), t));
      }
      case 'clamp_max': {
        const max = scalar(1);
        return vector(dropNames(vec(0), (x) => Math.min(max, x), t));
      }
      case 'round': {
        const toNearest = e.args.length > 1 ? scalar(1) : 1;
        return vector(dropNames(vec(0), (x) => roundTo(x, toNearest), t));
      }
      case 'sort':
      case 'sort_desc': {
        const v = [...vec(0)];
        const asc = name === 'sort';
        goSort(v, (a, b) => Number.isNaN(b.value) || (asc ? b.value > a.value : b.value < a.value));
        return vector(v);
      }
      case 'histogram_quantile': {
        const q = scalar(0);
        const out = histogramQuantile(q, vec(1), t);
        assertUniqueLabelSets(out);
        return vector(out);
      }
      case 'label_replace':
        return vector(labelReplace(vec(0), str(1), str(2), str(3), str(4)));
      case 'label_join':
        return vector(labelJoin(vec(0), str(1), str(2), e.args.slice(3).map((a) => this.evalString(a))));
      default:
        throw evalError(`function "${name}" is not implemented`);
    }
  }

  /**
   * A function over a range vector: one output per series that has points in the window,
   * returned, or handed to `visit` when given (then nothing is returned).
   */
  private rangeCall(e: Call, visit?: (labels: Labels, value: number, ref: number) => void): Sample[] {
    const matrixIndex = e.args.findIndex((a) => unwrapParens(a).kind === 'matrix-selector');
    const sel = unwrapParens(e.args[matrixIndex]!) as MatrixSelector;
    const scalars = e.args.filter((_a, i) => i !== matrixIndex).map((a) => this.evalScalar(a));
    const end = this.time - sel.selector.offsetMs;
    const ctx: RangeContext = {
      rangeStartMs: end - sel.rangeMs,
      rangeEndMs: end,
      rangeMs: sel.rangeMs,
      evalTimeMs: this.time,
      scalars,
    };
    const refs = this.source.matchingRefs(sel.selector.matchers);
    const buffer = this.buffer;
    const out: Sample[] = [];
    if (e.func === 'absent_over_time') {
      for (let i = 0; i < refs.length; i++) {
        if (this.source.readRange(refs[i]!, ctx.rangeStartMs, end, buffer, true) > 0) return [];
      }
      return [{ labels: absentLabels(sel), value: 1, t: this.time }];
    }
    const fn = RANGE_FUNCTIONS[e.func]!;
    // last_over_time acts like an offset and keeps the metric name; the others drop it.
    const keepName = e.func === 'last_over_time';
    const source = this.source;
    const endsFn = source.readEnds ? ENDS_FUNCTIONS[e.func] : undefined;
    const ends = this.ends;
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      let value: number | undefined;
      // Most windows hold no reset and no staleness marker: their first and last points do.
      const m = endsFn ? source.readEnds!(ref, ctx.rangeStartMs, end, ends, endsFn.checkDrops) : -1;
      if (m >= 0) {
        if (m === 0) continue;
        value = endsFn!.apply(ends, m, ctx);
      } else {
        const n = source.readRange(ref, ctx.rangeStartMs, end, buffer, true);
        if (n === 0) continue;
        value = fn(buffer.t, buffer.v, n, ctx);
      }
      if (value === undefined) continue;
      const labels = keepName ? source.labelsOf(ref) : source.labelsWithoutName(ref);
      if (visit) visit(labels, value, ref);
      else out.push({ labels, value, t: this.time });
    }
    if (!keepName && !selectsOneName(sel.selector)) assertUniqueLabelSets(out);
    return out;
  }
}

function vector(samples: readonly Sample[]): EvalValue {
  return { type: 'vector', samples };
}

/**
 * Range functions whose results can go straight into an aggregation: those that need no
 * duplicate check on their output (it keeps the name, or the selector fixes one name).
 */
function streamable(e: Call): boolean {
  if (!RANGE_FUNCTIONS[e.func]) return false;
  const arg = e.args.map(unwrapParens).find((a) => a.kind === 'matrix-selector');
  return e.func === 'last_over_time' || (arg?.kind === 'matrix-selector' && selectsOneName(arg.selector));
}

function selectsOneName(sel: VectorSelector): boolean {
  return sel.matchers.some((m) => m.name === METRIC_NAME && m.type === '=');
}

function checkIfNamesMixed(input: readonly Sample[], out: readonly Sample[]): void {
  const first = input[0]?.labels[METRIC_NAME];
  if (input.some((s) => s.labels[METRIC_NAME] !== first)) assertUniqueLabelSets(out);
}

/**
 * The labels absent() reports: the equality matchers of a selector argument, except a name
 * matched twice or also matched another way (Prometheus's historical rule), and never
 * __name__. Any other argument gives {}.
 */
function absentLabels(arg: Expr): Labels {
  const sel = arg.kind === 'vector-selector' ? arg : arg.kind === 'matrix-selector' ? arg.selector : undefined;
  if (!sel) return {};
  const out: Record<string, string> = {};
  const has = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !has.has(m.name)) {
      out[m.name] = m.value;
      has.add(m.name);
    } else {
      delete out[m.name];
    }
  }
  const sorted: Record<string, string> = {};
  for (const n of Object.keys(out).sort()) if (out[n] !== '') sorted[n] = out[n]!;
  return sorted;
}
