import type { Labels } from '../core/labels.js';
import { GAUGE_TTL_MS, METRICS_REPORT_INTERVAL_MS } from './constants.js';
import type { MetricFamily } from './metric-catalogue.js';

/**
 * Series store with Ray's export behaviour. Each process (proxy, controller, replica, node
 * agent) records into its own live store and ships a copy to the node agent every report
 * interval, at its own phase: /metrics shows the shipped copies, so values move in ~10 s
 * steps. A gauge that its process stops refreshing (a dead replica's) drops out after
 * GAUGE_TTL_MS; counters and histograms stay, as on the OpenTelemetry path.
 */
export interface SeriesValue {
  value: number;
  /** Histograms: cumulative-free counts per bucket (last slot is +Inf). */
  buckets?: number[];
  count?: number;
  sum?: number;
  setAt: number;
}

export interface ExportedSeries {
  readonly family: MetricFamily;
  readonly labels: Labels;
  readonly data: SeriesValue;
}

/** Call sites pass label names in a fixed order, so an unsorted key is stable and cheap. */
function seriesKey(labels: Labels): string {
  let key = '';
  for (const name in labels) key += `${name}\u0001${labels[name]}\u0002`;
  return key;
}

type Store = Map<MetricFamily, Map<string, { labels: Labels; data: SeriesValue }>>;

export class MetricsProcess {
  private readonly live: Store = new Map();
  private exported: Store = new Map();
  private nextReportAt: number;
  private alive = true;
  private readonly collectors: (() => void)[] = [];

  constructor(
    readonly baseLabels: Labels,
    startAt: number,
    phaseMs: number,
  ) {
    this.nextReportAt = startAt + phaseMs;
  }

  /** Registers a hook run just before each report, to refresh gauges from the model's state. */
  onCollect(collector: () => void): void {
    this.collectors.push(collector);
  }

  private series(family: MetricFamily, labels: Labels, now: number): SeriesValue {
    let byKey = this.live.get(family);
    if (!byKey) this.live.set(family, (byKey = new Map()));
    const key = seriesKey(labels);
    let entry = byKey.get(key);
    if (!entry) {
      const data: SeriesValue = { value: 0, setAt: now };
      if (family.buckets) {
        data.buckets = new Array<number>(family.buckets.length + 1).fill(0);
        data.count = 0;
        data.sum = 0;
      }
      entry = { labels: { ...this.baseLabels, ...labels }, data };
      byKey.set(key, entry);
    }
    return entry.data;
  }

  inc(family: MetricFamily, labels: Labels, now: number, by = 1): void {
    const s = this.series(family, labels, now);
    s.value += by;
    s.setAt = now;
  }

  set(family: MetricFamily, labels: Labels, value: number, now: number): void {
    const s = this.series(family, labels, now);
    s.value = value;
    s.setAt = now;
  }

  /**
   * Ray's agent rebuilds histograms from bucket counts, so `_sum` adds the bucket's midpoint
   * (the last finite bound for +Inf), not the observed value.
   */
  observe(family: MetricFamily, labels: Labels, value: number, now: number): void {
    const bounds = family.buckets ?? [];
    const s = this.series(family, labels, now);
    let i = bounds.findIndex((b) => value <= b);
    if (i < 0) i = bounds.length;
    s.buckets![i]! += 1;
    s.count! += 1;
    const lower = i === 0 ? 0 : bounds[i - 1]!;
    s.sum! += i < bounds.length ? (lower + bounds[i]!) / 2 : lower;
    s.setAt = now;
  }

  /** The process exited: it ships nothing more; what it shipped stays (gauges age out). */
  stop(): void {
    this.alive = false;
  }

  reportIfDue(now: number): void {
    while (this.alive && now >= this.nextReportAt) {
      for (const collector of this.collectors) collector();
      const copy: Store = new Map();
      for (const [family, byKey] of this.live) {
        const out = new Map<string, { labels: Labels; data: SeriesValue }>();
        for (const [key, { labels, data }] of byKey) {
          out.set(key, { labels, data: { ...data, ...(data.buckets ? { buckets: [...data.buckets] } : {}) } });
        }
        copy.set(family, out);
      }
      this.exported = copy;
      this.nextReportAt += METRICS_REPORT_INTERVAL_MS;
    }
  }

  exportedSeries(family: MetricFamily, now: number): ExportedSeries[] {
    const byKey = this.exported.get(family);
    if (!byKey) return [];
    const out: ExportedSeries[] = [];
    for (const { labels, data } of byKey.values()) {
      if (family.type === 'gauge' && now - data.setAt > GAUGE_TTL_MS) continue;
      out.push({ family, labels, data });
    }
    return out;
  }

  /** Live (unshipped) value, for introspection in tests. */
  liveValue(family: MetricFamily, labels: Labels): number | undefined {
    return this.live.get(family)?.get(seriesKey(labels))?.data.value;
  }
}

export class MetricsRegistry {
  readonly processes: MetricsProcess[] = [];

  add(process: MetricsProcess): MetricsProcess {
    this.processes.push(process);
    return process;
  }

  reportDue(now: number): void {
    for (const p of this.processes) p.reportIfDue(now);
  }

  exported(family: MetricFamily, now: number): ExportedSeries[] {
    return this.processes.flatMap((p) => p.exportedSeries(family, now));
  }
}
