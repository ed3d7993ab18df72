import type { Labels } from '../labels.js';
import type { WindowEnds } from './chunk-pool.js';
import { ChunkPool, PointBuffer } from './chunk-pool.js';
import { compareLabels } from './compare-labels.js';
import { withMemoSlot } from './labels-memo.js';
import type { LabelMatcher } from './label-matcher.js';
import { PostingsIndex } from './postings-index.js';
import { resized } from './resize-typed-array.js';
import { SeriesSelector } from './series-selector.js';
import { SeriesKeys } from './series-keys.js';

export const DEFAULT_RETENTION_MS = 60 * 60 * 1000;
const MAX_ARENAS = 256;

export interface SampleStoreOptions {
  /** Samples older than the newest gc time minus this are dropped (whole chunks at a time). */
  readonly retentionMs?: number;
  /**
   * Run gc on its own whenever appended timestamps have moved this far since the last gc
   * (data time, not wall time). 0 turns it off. Default: a quarter of the retention.
   */
  readonly autoGcEveryMs?: number;
  /** Select by testing every series instead of using the inverted index (benchmarks only). */
  readonly bruteForceSelect?: boolean;
}

/** One series of a select: its points in range, stale markers included as their NaN bits. */
export interface SelectedSeries {
  readonly ref: number;
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export interface StoreStats {
  readonly series: number;
  readonly chunks: number;
  readonly samplesAppended: number;
  readonly staleMarkersAppended: number;
  /** Samples dropped because a newer sample of the series was already stored. */
  readonly outOfOrderDropped: number;
  /** Samples dropped because a sample with the same timestamp was already stored. */
  readonly duplicateDropped: number;
  readonly seriesCreated: number;
  readonly seriesDropped: number;
}

/** The newest sample at or before a time, as lastSample reports it. */
export interface SampleCursor {
  t: number;
  v: number;
  stale: boolean;
}

interface MutableStats {
  samplesAppended: number;
  staleMarkersAppended: number;
  outOfOrderDropped: number;
  duplicateDropped: number;
  seriesCreated: number;
  seriesDropped: number;
}

/**
 * The in-memory sample store the scraper appends to and the PromQL evaluator reads: one
 * append-only list of chunks per series, bounded by a retention, with an inverted index for
 * matcher lookups. Series whose samples have all aged out are dropped, so replica churn
 * (WorkerId and replica labels that change on every restart) cannot grow memory without bound.
 * Samples must arrive in time order per series; older or equal timestamps are dropped and
 * counted, as Prometheus's head block does.
 */
export class SampleStore {
  readonly retentionMs: number;
  private readonly autoGcEveryMs: number;
  private readonly pool = new ChunkPool();
  private readonly index = new PostingsIndex();
  private readonly keys = new SeriesKeys();
  private labelsByRef: (Labels | undefined)[] = [];
  private noNameByRef: (Labels | undefined)[] = [];
  /** Newest and oldest chunk of each series (-1: none); the chunks link to each other. */
  private newestByRef = new Int32Array(1024);
  private oldestByRef = new Int32Array(1024);
  private keyByRef: (string | undefined)[] = [];
  private lastTimeByRef = new Float64Array(1024);
  /** The chunk arena of each series: one per metric name (see ChunkPool), at most MAX_ARENAS. */
  private arenaByRef = new Int32Array(1024);
  private readonly arenaByName = new Map<string, number>();
  private readonly freeRefs: number[] = [];
  private liveSeries = 0;
  private lastGcMs = -Infinity;
  private maxTimeMs = -Infinity;
  private readonly selector: SeriesSelector;
  /** Changes whenever a series is created or dropped. */
  private seriesVersion = 0;
  private readonly counters: MutableStats = {
    samplesAppended: 0,
    staleMarkersAppended: 0,
    outOfOrderDropped: 0,
    duplicateDropped: 0,
    seriesCreated: 0,
    seriesDropped: 0,
  };

  constructor(options: SampleStoreOptions = {}) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.autoGcEveryMs =
      options.autoGcEveryMs ?? (Number.isFinite(this.retentionMs) ? Math.max(1, Math.floor(this.retentionMs / 4)) : 0);
    this.selector = new SeriesSelector(this.index, (ref) => this.labelsByRef[ref], () => this.labelsByRef.length, options.bruteForceSelect ?? false);
  }

  /** Appends one sample; false when it was dropped (out of order, duplicate, bad timestamp). */
  append(labels: Labels, timestampMs: number, value: number): boolean {
    return this.appendRef(this.ref(labels), timestampMs, value);
  }

  /**
   * Appends a Prometheus staleness marker (the series ended at this time). Only for a series
   * the store already has; false otherwise or when out of order.
   */
  markStale(labels: Labels, timestampMs: number): boolean {
    const ref = this.findRef(labels);
    return ref === undefined ? false : this.markStaleRef(ref, timestampMs);
  }

  /**
   * The series reference for a label set, creating the series when new. A scraper can keep
   * refs between scrapes (as Prometheus's scrape cache does) and use appendRef; a ref stays
   * valid until gc drops its series.
   */
  ref(labels: Labels): number {
    return this.keys.find(labels) ?? this.createSeries(labels);
  }

  /** The ref of an existing series, or undefined. */
  findRef(labels: Labels): number | undefined {
    return this.keys.find(labels);
  }

  appendRef(ref: number, timestampMs: number, value: number): boolean {
    const chunk = this.writableChunk(ref, timestampMs);
    if (chunk < 0) return false;
    this.pool.push(chunk, timestampMs, value);
    this.counters.samplesAppended++;
    this.afterWrite(ref, timestampMs);
    return true;
  }

  markStaleRef(ref: number, timestampMs: number): boolean {
    if (this.labelsByRef[ref] === undefined) return false;
    const chunk = this.writableChunk(ref, timestampMs);
    if (chunk < 0) return false;
    this.pool.pushStale(chunk, timestampMs);
    this.counters.staleMarkersAppended++;
    this.afterWrite(ref, timestampMs);
    return true;
  }

  /**
   * Drops every chunk whose newest sample is older than nowMs - retention, and every series
   * left without chunks. Returns the number of series dropped.
   */
  gc(nowMs: number): number {
    this.lastGcMs = nowMs;
    const cutoff = nowMs - this.retentionMs;
    let dropped = 0;
    for (let ref = 0; ref < this.labelsByRef.length; ref++) {
      if (this.labelsByRef[ref] === undefined) continue;
      let oldest = this.oldestByRef[ref]!;
      // A series just created by ref() has no chunks yet and is not dropped.
      if (oldest < 0 || this.pool.lastTime(oldest) >= cutoff) continue;
      while (oldest >= 0 && this.pool.lastTime(oldest) < cutoff) {
        const next = this.pool.next(oldest);
        this.pool.release(oldest, this.arenaByRef[ref]!);
        oldest = next;
      }
      this.oldestByRef[ref] = oldest;
      if (oldest < 0) {
        this.newestByRef[ref] = -1;
        this.dropSeries(ref);
        dropped++;
      }
    }
    return dropped;
  }

  seriesCount(): number {
    return this.liveSeries;
  }

  /**
   * Approximate bytes held: chunk slabs, plus an estimate for label sets, the index and the
   * per-series bookkeeping (JavaScript gives no exact figure for objects).
   */
  bytesUsed(): number {
    const perSeries = 400; // label-set object, key, chunk list, map and postings entries
    return (
      this.pool.bytesReserved +
      this.liveSeries * perSeries +
      this.keys.chars * 2 +
      this.index.pairCount() * 64 +
      this.lastTimeByRef.byteLength
    );
  }

  stats(): StoreStats {
    return { series: this.liveSeries, chunks: this.pool.liveChunks, ...this.counters };
  }

  /** Series matching every matcher with their points in [startMs, endMs], in Prometheus label order. */
  select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): SelectedSeries[] {
    const refs = this.matchingRefs(matchers);
    const buffer = new PointBuffer(16);
    const out: SelectedSeries[] = [];
    for (const ref of refs) {
      const n = this.readRange(ref, startMs, endMs, buffer, false);
      if (n === 0) continue;
      out.push({
        ref,
        labels: this.labelsByRef[ref]!,
        timestamps: buffer.t.slice(0, n),
        values: buffer.v.slice(0, n),
      });
    }
    return out.sort((a, b) => compareLabels(a.labels, b.labels));
  }

  /**
   * Refs of the series matching every matcher, ascending. Like Prometheus's head block, which
   * hands series to the engine in order of their (creation-ordered) refs, not label order: it
   * keeps series created together close in memory, and is what decides which of several tied
   * series topk keeps. Callers must not modify the array.
   */
  matchingRefs(matchers: readonly LabelMatcher[]): Int32Array {
    return this.selector.select(matchers, this.seriesVersion);
  }

  labelsOf(ref: number): Labels {
    const labels = this.labelsByRef[ref];
    if (!labels) throw new RangeError(`no series with ref ${ref}`);
    return labels;
  }

  /** The series' labels without `__name__`, cached: most functions drop the name. */
  labelsWithoutName(ref: number): Labels {
    let labels = this.noNameByRef[ref];
    if (!labels) {
      const { __name__: _drop, ...rest } = this.labelsOf(ref);
      labels = Object.freeze(withMemoSlot(rest));
      this.noNameByRef[ref] = labels;
    }
    return labels;
  }

  /**
   * Copies the series' points with minT <= t <= maxT into out (from index 0) and returns how
   * many. With skipStale, staleness markers are left out, as range selectors need.
   */
  readRange(ref: number, minT: number, maxT: number, out: PointBuffer, skipStale: boolean): number {
    const newest = this.newestByRef[ref]!;
    if (newest < 0 || minT > maxT || this.labelsByRef[ref] === undefined) return 0;
    return this.pool.readSeries(newest, minT, maxT, out, skipStale);
  }

  /**
   * The first and last non-stale points with minT <= t <= maxT, and how many points lie
   * between, without copying them; -1 when the window holds a staleness marker or (with
   * checkDrops) a value lower than the one before it: then readRange is the way.
   */
  readEnds(ref: number, minT: number, maxT: number, out: WindowEnds, checkDrops: boolean): number {
    const newest = this.newestByRef[ref]!;
    if (newest < 0 || minT > maxT || this.labelsByRef[ref] === undefined) return 0;
    return this.pool.readEnds(newest, minT, maxT, out, checkDrops);
  }

  /**
   * Finds the newest point with minT <= t <= maxT (stale markers included, flagged) and
   * writes it to out; false when there is none.
   */
  lastSample(ref: number, minT: number, maxT: number, out: SampleCursor): boolean {
    if (this.labelsByRef[ref] === undefined) return false;
    const pool = this.pool;
    for (let chunk = this.newestByRef[ref]!; chunk >= 0; chunk = pool.previous(chunk)) {
      if (pool.firstTime(chunk) > maxT) continue;
      const whole = pool.lastTime(chunk) <= maxT;
      const index = whole ? pool.size(chunk) - 1 : pool.lowerBound(chunk, maxT + 1) - 1;
      const t = whole ? pool.lastTime(chunk) : pool.timeAt(chunk, index);
      if (t < minT) return false;
      out.t = t;
      out.v = pool.valueAt(chunk, index);
      out.stale = pool.isStale(chunk, index);
      return true;
    }
    return false;
  }

  private createSeries(given: Labels): number {
    const ref = this.freeRefs.pop() ?? this.labelsByRef.length;
    const { labels, key } = this.keys.add(given, ref);
    this.labelsByRef[ref] = labels;
    this.noNameByRef[ref] = undefined;
    this.keyByRef[ref] = key;
    if (ref >= this.lastTimeByRef.length) {
      const size = Math.max(ref + 1, this.lastTimeByRef.length * 2);
      this.lastTimeByRef = resized(this.lastTimeByRef, size);
      this.arenaByRef = resized(this.arenaByRef, size);
      this.newestByRef = resized(this.newestByRef, size);
      this.oldestByRef = resized(this.oldestByRef, size);
    }
    this.lastTimeByRef[ref] = -Infinity;
    this.newestByRef[ref] = -1;
    this.oldestByRef[ref] = -1;
    this.arenaByRef[ref] = this.arenaFor(labels['__name__'] ?? '');
    this.index.add(ref, labels);
    this.liveSeries++;
    this.seriesVersion++;
    this.counters.seriesCreated++;
    return ref;
  }

  private dropSeries(ref: number): void {
    const labels = this.labelsByRef[ref]!;
    this.index.remove(ref, labels);
    this.keys.remove(this.keyByRef[ref]!);
    this.labelsByRef[ref] = undefined;
    this.noNameByRef[ref] = undefined;
    this.keyByRef[ref] = undefined;
    this.freeRefs.push(ref);
    this.liveSeries--;
    this.seriesVersion++;
    this.counters.seriesDropped++;
  }

  /** The chunk to write a sample at timestampMs into, or -1 when the sample must be dropped. */
  private writableChunk(ref: number, timestampMs: number): number {
    if (this.labelsByRef[ref] === undefined || !Number.isFinite(timestampMs)) return -1;
    const last = this.lastTimeByRef[ref]!;
    if (timestampMs <= last) {
      if (timestampMs === last) this.counters.duplicateDropped++;
      else this.counters.outOfOrderDropped++;
      return -1;
    }
    const newest = this.newestByRef[ref]!;
    if (newest >= 0 && !this.pool.isFull(newest) && this.pool.fits(newest, timestampMs)) return newest;
    const chunk = this.pool.allocate(timestampMs, this.arenaByRef[ref]!);
    if (newest >= 0) this.pool.link(newest, chunk);
    else this.oldestByRef[ref] = chunk;
    this.newestByRef[ref] = chunk;
    return chunk;
  }

  /**
   * Metric names beyond MAX_ARENAS share arenas by hash, which bounds the memory an arena's
   * partly used last slab can waste.
   */
  private arenaFor(name: string): number {
    let arena = this.arenaByName.get(name);
    if (arena === undefined) {
      if (this.arenaByName.size < MAX_ARENAS) {
        arena = this.arenaByName.size;
        this.arenaByName.set(name, arena);
      } else {
        let h = 0;
        for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
        arena = Math.abs(h) % MAX_ARENAS;
      }
    }
    return arena;
  }

  private afterWrite(ref: number, timestampMs: number): void {
    this.lastTimeByRef[ref] = timestampMs;
    if (timestampMs > this.maxTimeMs) {
      this.maxTimeMs = timestampMs;
      if (this.autoGcEveryMs > 0 && timestampMs - this.lastGcMs >= this.autoGcEveryMs) this.gc(timestampMs);
    }
  }
}
