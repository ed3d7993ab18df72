import type { ExpositionError } from './exposition-error.js';
import { expositionErrorAt, quoteToken } from './exposition-error.js';
import type { OpenMetricsFamily, SampleKind } from './openmetrics-families.js';
import { parseRealNumber } from './parse-number.js';
import type { SampleLineReader } from './sample-line-reader.js';
import { metricKey } from './series-key.js';

const KIND_BITS: Readonly<Record<SampleKind, number>> = {
  value: 1,
  total: 2,
  created: 4,
  bucket: 8,
  count: 16,
  sum: 32,
  gcount: 64,
  gsum: 128,
  info: 256,
};
/** Samples after which no bucket may follow in the same point. */
const AFTER_BUCKETS = KIND_BITS.count | KIND_BITS.sum | KIND_BITS.gcount | KIND_BITS.gsum | KIND_BITS.created;

/** What one MetricPoint has shown so far (one per point, so kept small: most points are one gauge sample). */
interface PointState {
  /** Offset of the point's latest sample line, where point-level problems are reported. */
  lastLine: number;
  timestamp: number;
  /** KIND_BITS of the kinds seen. */
  seen: number;
  /** Quantiles (summary) or states (stateset) already given in this point. */
  labelValues: Set<string> | undefined;
  lastLe: number;
  lastBucketValue: number;
  infBucket: number | undefined;
  negativeBucket: boolean;
  count: number | undefined;
  countLine: number;
  sum: number | undefined;
  sumLine: number;
}

function newPoint(line: number, timestamp: number): PointState {
  return {
    lastLine: line,
    timestamp,
    seen: 0,
    labelValues: undefined,
    lastLe: -Infinity,
    lastBucketValue: 0,
    infBucket: undefined,
    negativeBucket: false,
    count: undefined,
    countLine: line,
    sum: undefined,
    sumLine: line,
  };
}

/**
 * The OpenMetrics rules about Metrics and MetricPoints within one family: the samples of a
 * Metric (one label set, not counting `le`, `quantile` or a stateset's state label) are
 * contiguous; a Metric's points either all carry timestamps, which increase, or none does, so a
 * sample repeated without a newer timestamp is a duplicate; and each point holds what its type
 * requires (a counter its `_total`; a histogram ordered cumulative buckets up to `+Inf`, with
 * `_count` and `_sum` together and the count equal to the `+Inf` bucket; and so on).
 */
export class MetricPointChecker {
  private family: OpenMetricsFamily | undefined;
  private key = '';
  private finishedKeys = new Set<string>();
  private timestamped = false;
  private point: PointState | undefined;

  constructor(
    private readonly input: string,
    private readonly line: SampleLineReader,
  ) {}

  /** Ends the current family (checking its last point) and starts the next. */
  startFamily(family: OpenMetricsFamily): void {
    this.finish();
    this.family = family;
    this.finishedKeys = new Set();
  }

  /** Checks the sample just read by the reader, of the given kind in the current family. */
  add(family: OpenMetricsFamily, kind: SampleKind): void {
    const line = this.line;
    const start = line.nameStart;
    const key = metricKey(this.input, line, this.metricLabelIndex(family, kind));
    const timestamp = line.hasTimestamp ? line.timestamp : 0;
    let point = this.point;
    if (point === undefined || key !== this.key) {
      if (point !== undefined) {
        this.closePoint(point);
        this.finishedKeys.add(this.key);
      }
      if (this.finishedKeys.has(key)) {
        throw this.fail(start, `samples of the metric ${describeMetric(family, key)} are not contiguous: it appeared earlier in this family`);
      }
      this.key = key;
      this.timestamped = line.hasTimestamp;
      point = this.point = newPoint(start, timestamp);
    } else {
      if (line.hasTimestamp !== this.timestamped) {
        throw this.fail(start, `metric ${describeMetric(family, key)} mixes samples with and without timestamps`);
      }
      if (line.hasTimestamp && timestamp !== point.timestamp) {
        if (timestamp < point.timestamp) {
          throw this.fail(line.timestampStart, `timestamps of metric ${describeMetric(family, key)} must increase`);
        }
        this.closePoint(point);
        point = this.point = newPoint(start, timestamp);
      }
      point.lastLine = start;
    }
    this.addToPoint(family, kind, point);
  }

  /** Checks the last point of the current family. */
  finish(): void {
    if (this.point !== undefined) this.closePoint(this.point);
    this.point = undefined;
    this.key = '';
  }

  /** The index of the label that varies within a Metric (le, quantile, state), or -1. */
  private metricLabelIndex(family: OpenMetricsFamily, kind: SampleKind): number {
    const line = this.line;
    const type = family.type;
    const special = type === 'histogram' || type === 'gaugehistogram' ? 'le' : type === 'summary' ? 'quantile' : undefined;
    if (special !== undefined) {
      const index = line.labelIndex(special);
      const belongs = special === 'le' ? kind === 'bucket' : kind === 'value';
      if (belongs && index < 0) throw this.fail(line.nameStart, `${type} sample ${quoteToken(line.name)} needs a "${special}" label`);
      if (!belongs && index >= 0) {
        throw this.fail(line.pairStarts[index]!, `the "${special}" label belongs only on ${special === 'le' ? '_bucket' : 'quantile'} samples`);
      }
      return index;
    }
    if (type === 'stateset') {
      const index = line.labelIndex(family.name);
      if (index < 0) throw this.fail(line.nameStart, `stateset sample needs a label named after the family, "${family.name}"`);
      return index;
    }
    return -1;
  }

  private addToPoint(family: OpenMetricsFamily, kind: SampleKind, point: PointState): void {
    const line = this.line;
    const value = line.value;
    if (kind === 'bucket') {
      this.addBucket(family, point);
      return;
    }
    if (kind === 'value' && (family.type === 'summary' || family.type === 'stateset')) {
      this.addLabelledValue(family, point);
      return;
    }
    const bit = KIND_BITS[kind];
    if ((point.seen & bit) !== 0) {
      throw this.fail(line.nameStart, `duplicate sample ${quoteToken(line.name)} for the same metric and timestamp`);
    }
    point.seen |= bit;
    switch (kind) {
      case 'total':
        this.checkCounterValue(value, 'counter total');
        break;
      case 'count':
      case 'gcount':
        this.checkCounterValue(value, kind === 'count' ? 'count' : 'gcount');
        if (!Number.isInteger(value)) throw this.fail(line.valueStart, `${kind} must be an integer, got ${value}`);
        point.count = value;
        point.countLine = line.nameStart;
        break;
      case 'sum':
        if (family.type === 'histogram' || family.type === 'summary') this.checkCounterValue(value, 'sum');
        point.sum = value;
        point.sumLine = line.nameStart;
        break;
      case 'gsum':
        if (Number.isNaN(value)) throw this.fail(line.valueStart, 'gsum must not be NaN');
        point.sum = value;
        point.sumLine = line.nameStart;
        break;
      case 'info':
        if (value !== 1) throw this.fail(line.valueStart, `info value must be 1, got ${value}`);
        break;
      default:
        break;
    }
  }

  private addBucket(family: OpenMetricsFamily, point: PointState): void {
    const line = this.line;
    const leIndex = line.labelIndex('le');
    const leText = line.values[leIndex]!;
    const le = parseBound(leText);
    if (le === undefined) throw this.fail(line.pairStarts[leIndex]!, `le label value ${quoteToken(leText)} is not a number`);
    if ((point.seen & AFTER_BUCKETS) !== 0) {
      throw this.fail(line.nameStart, `bucket after the ${family.type}'s other samples: buckets come first`);
    }
    if ((point.seen & KIND_BITS.bucket) !== 0 && le <= point.lastLe) {
      throw this.fail(line.pairStarts[leIndex]!, le === point.lastLe ? `duplicate bucket le="${leText}"` : 'buckets must be in increasing "le" order');
    }
    const value = line.value;
    this.checkCounterValue(value, 'bucket value');
    if (!Number.isInteger(value)) throw this.fail(line.valueStart, `bucket value must be an integer, got ${value}`);
    if (value < point.lastBucketValue) {
      throw this.fail(line.valueStart, `bucket values must not decrease as "le" grows (${point.lastBucketValue} before, ${value} here)`);
    }
    point.lastLe = le;
    point.lastBucketValue = value;
    if (le < 0) point.negativeBucket = true;
    if (le === Infinity) point.infBucket = value;
    point.seen |= KIND_BITS.bucket;
  }

  /** A summary quantile or a stateset state. */
  private addLabelledValue(family: OpenMetricsFamily, point: PointState): void {
    const line = this.line;
    const value = line.value;
    const label = family.type === 'summary' ? 'quantile' : family.name;
    const index = line.labelIndex(label);
    const text = line.values[index]!;
    point.labelValues ??= new Set();
    if (point.labelValues.has(text)) {
      throw this.fail(line.nameStart, `duplicate sample for ${label}="${text}" in the same metric and timestamp`);
    }
    point.labelValues.add(text);
    point.seen |= KIND_BITS.value;
    if (family.type === 'summary') {
      const q = parseRealNumber(text, 0, text.length);
      if (q === undefined || q < 0 || q > 1) {
        throw this.fail(line.pairStarts[index]!, `quantile must be a number from 0 to 1, got ${quoteToken(text)}`);
      }
      if (value < 0) throw this.fail(line.valueStart, `quantile value must not be negative, got ${value}`);
    } else if (value !== 0 && value !== 1) {
      throw this.fail(line.valueStart, `stateset value must be 0 or 1, got ${value}`);
    }
  }

  private checkCounterValue(value: number, what: string): void {
    if (Number.isNaN(value)) throw this.fail(this.line.valueStart, `${what} must not be NaN`);
    if (value < 0) throw this.fail(this.line.valueStart, `${what} must not be negative, got ${value}`);
  }

  private closePoint(point: PointState): void {
    const family = this.family;
    if (family === undefined) return;
    const type = family.type;
    if (type === 'counter' && (point.seen & KIND_BITS.total) === 0) {
      throw this.fail(point.lastLine, `counter ${quoteToken(family.name)} has no ${family.name}_total sample for this metric`);
    }
    if (type !== 'histogram' && type !== 'gaugehistogram') return;
    if (point.infBucket === undefined) {
      throw this.fail(point.lastLine, `${type} ${quoteToken(family.name)} has no le="+Inf" bucket for this metric`);
    }
    const countName = type === 'histogram' ? '_count' : '_gcount';
    const sumName = type === 'histogram' ? '_sum' : '_gsum';
    if ((point.count === undefined) !== (point.sum === undefined)) {
      const [has, lacks, at] =
        point.count === undefined ? [sumName, countName, point.sumLine] : [countName, sumName, point.countLine];
      throw this.fail(at, `${type} has ${family.name}${has} but no ${family.name}${lacks}: give both or neither`);
    }
    if (point.count !== undefined && point.count !== point.infBucket) {
      throw this.fail(point.countLine, `${family.name}${countName} (${point.count}) must equal the +Inf bucket (${point.infBucket})`);
    }
    if (point.sum === undefined) return;
    if (type === 'histogram' && point.negativeBucket) {
      throw this.fail(point.sumLine, `histogram with negative buckets must not have ${family.name}_sum`);
    }
    if (type === 'gaugehistogram' && point.sum < 0 && !point.negativeBucket) {
      throw this.fail(point.sumLine, `${family.name}_gsum is negative but no bucket is`);
    }
  }

  private fail(offset: number, message: string): ExpositionError {
    return expositionErrorAt(this.input, offset, message);
  }
}

/** An OpenMetrics `le` value: a decimal, or exactly `+Inf` / `-Inf` (NaN is no bound). */
function parseBound(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return parseRealNumber(text, 0, text.length);
}

function describeMetric(family: OpenMetricsFamily, key: string): string {
  return `${family.name}{${key}}`;
}
