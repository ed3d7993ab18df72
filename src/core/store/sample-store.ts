import type { Labels } from '../labels.js';
import { labelsKey } from '../labels.js';
import { ChunkPool, PointBuffer } from './chunk-pool.js';
import { compareLabels } from './compare-labels.js';
import type { CompiledMatcher, LabelMatcher } from './label-matcher.js';
import { compileMatcher, formatMatcher } from './label-matcher.js';
import { PostingsIndex } from './postings-index.js';

export const DEFAULT_RETENTION_MS = 60 * 60 * 1000;

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
  private readonly bruteForce: boolean;
  private readonly pool = new ChunkPool();
  private readonly index = new PostingsIndex();
  private readonly refByKey = new Map<string, number>();
  private labelsByRef: (Labels | undefined)[] = [];
  private noNameByRef: (Labels | undefined)[] = [];
  private chunksByRef: (number[] | undefined)[] = [];
  private keyByRef: string[] = [];
  private lastTimeByRef = new Float64Array(1024);
  private readonly freeRefs: number[] = [];
  private liveSeries = 0;
  private interned = new Map<string, string>();
  private droppedSinceIntern = 0;
  /** Live refs in Prometheus label order, kept sorted on insert; rank[ref] is the position. */
  private sorted = new Int32Array(1024);
  private sortedLength = 0;
  private rank = new Int32Array(1024);
  private rankValid = true;
  private lastGcMs = -Infinity;
  private maxTimeMs = -Infinity;
  private readonly matcherCache = new Map<string, CompiledMatcher>();
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
    this.bruteForce = options.bruteForceSelect ?? false;
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
    const ref = this.refByKey.get(labelsKey(withoutEmpty(labels)));
    return ref === undefined ? false : this.markStaleRef(ref, timestampMs);
  }

  /**
   * The series reference for a label set, creating the series when new. A scraper can keep
   * refs between scrapes (as Prometheus's scrape cache does) and use appendRef; a ref stays
   * valid until gc drops its series.
   */
  ref(labels: Labels): number {
    const clean = withoutEmpty(labels);
    const key = labelsKey(clean);
    const found = this.refByKey.get(key);
    return found ?? this.createSeries(clean, key);
  }

  /** The ref of an existing series, or undefined. */
  findRef(labels: Labels): number | undefined {
    return this.refByKey.get(labelsKey(withoutEmpty(labels)));
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
    for (let ref = 0; ref < this.chunksByRef.length; ref++) {
      const chunks = this.chunksByRef[ref];
      if (!chunks) continue;
      let expired = 0;
      while (expired < chunks.length && this.pool.lastTime(chunks[expired]!) < cutoff) {
        this.pool.release(chunks[expired]!);
        expired++;
      }
      if (expired === 0) continue;
      chunks.splice(0, expired);
      if (chunks.length === 0) {
        this.dropSeries(ref);
        dropped++;
      }
    }
    if (dropped > 0) this.compactSorted();
    if (this.droppedSinceIntern > this.liveSeries) this.rebuildInterned();
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
    let internedChars = 0;
    for (const s of this.interned.keys()) internedChars += s.length;
    const perSeries = 200; // label-set object, chunk list, map entries, key string header
    let keyChars = 0;
    for (const key of this.keyByRef) if (key !== undefined) keyChars += key.length;
    return (
      this.pool.bytesReserved +
      this.liveSeries * perSeries +
      (internedChars + keyChars) * 2 +
      this.index.pairCount() * 64 +
      this.lastTimeByRef.byteLength +
      this.sorted.byteLength +
      this.rank.byteLength
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
    return out;
  }

  /** Refs of the series matching every matcher, in Prometheus label order. */
  matchingRefs(matchers: readonly LabelMatcher[]): Int32Array {
    const compiled = matchers.map((m) => this.compiled(m));
    const refs = this.bruteForce ? this.scanAll(compiled) : this.lookUp(compiled);
    return this.inLabelOrder(refs);
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
      labels = Object.freeze(rest);
      this.noNameByRef[ref] = labels;
    }
    return labels;
  }

  /**
   * Copies the series' points with minT <= t <= maxT into out (from index 0) and returns how
   * many. With skipStale, staleness markers are left out, as range selectors need.
   */
  readRange(ref: number, minT: number, maxT: number, out: PointBuffer, skipStale: boolean): number {
    const chunks = this.chunksByRef[ref];
    if (!chunks || minT > maxT) return 0;
    const pool = this.pool;
    let first = chunks.length - 1;
    while (first > 0 && pool.firstTime(chunks[first]!) > minT) first--;
    let n = 0;
    for (let c = first; c < chunks.length; c++) {
      const chunk = chunks[c]!;
      if (pool.firstTime(chunk) > maxT) break;
      if (pool.lastTime(chunk) < minT) continue;
      const from = pool.firstTime(chunk) >= minT ? 0 : pool.lowerBound(chunk, minT);
      const to = pool.lastTime(chunk) <= maxT ? pool.size(chunk) : pool.lowerBound(chunk, maxT + 1);
      n = pool.copyOut(chunk, from, to, out, n, skipStale);
    }
    return n;
  }

  /**
   * Finds the newest point with minT <= t <= maxT (stale markers included, flagged) and
   * writes it to out; false when there is none.
   */
  lastSample(ref: number, minT: number, maxT: number, out: SampleCursor): boolean {
    const chunks = this.chunksByRef[ref];
    if (!chunks) return false;
    const pool = this.pool;
    for (let c = chunks.length - 1; c >= 0; c--) {
      const chunk = chunks[c]!;
      if (pool.firstTime(chunk) > maxT) continue;
      const index = pool.lastTime(chunk) <= maxT ? pool.size(chunk) - 1 : pool.lowerBound(chunk, maxT + 1) - 1;
      const t = pool.timeAt(chunk, index);
      if (t < minT) return false;
      out.t = t;
      out.v = pool.valueAt(chunk, index);
      out.stale = pool.isStale(chunk, index);
      return true;
    }
    return false;
  }

  private compiled(m: LabelMatcher): CompiledMatcher {
    const key = formatMatcher(m);
    let c = this.matcherCache.get(key);
    if (!c) {
      c = compileMatcher(m);
      if (this.matcherCache.size > 1000) this.matcherCache.clear();
      this.matcherCache.set(key, c);
    }
    return c;
  }

  /**
   * Starts from the matcher with the fewest postings among those that need the label present
   * (a matcher that accepts "" also accepts series without the label, so it cannot drive),
   * then tests the remaining matchers on each candidate's labels.
   */
  private lookUp(matchers: readonly CompiledMatcher[]): number[] {
    let driver: CompiledMatcher | undefined;
    let driverSets: ReadonlySet<number>[] = [];
    let driverSize = Infinity;
    for (const m of matchers) {
      if (m.matches('')) continue;
      const values = this.index.valuesOf(m.name);
      if (!values) return [];
      const sets: ReadonlySet<number>[] = [];
      let size = 0;
      if (m.type === '=') {
        const ids = values.get(m.value);
        if (!ids) return [];
        sets.push(ids);
        size = ids.size;
      } else {
        for (const [value, ids] of values) {
          if (m.matches(value)) {
            sets.push(ids);
            size += ids.size;
          }
        }
        if (size === 0) return [];
      }
      if (size < driverSize) {
        driver = m;
        driverSets = sets;
        driverSize = size;
      }
    }
    if (!driver) return this.scanAll(matchers);
    const rest = matchers.filter((m) => m !== driver);
    const out: number[] = [];
    for (const ids of driverSets) {
      for (const ref of ids) {
        if (this.matchesAll(ref, rest)) out.push(ref);
      }
    }
    return out;
  }

  private scanAll(matchers: readonly CompiledMatcher[]): number[] {
    const out: number[] = [];
    for (let ref = 0; ref < this.labelsByRef.length; ref++) {
      if (this.labelsByRef[ref] !== undefined && this.matchesAll(ref, matchers)) out.push(ref);
    }
    return out;
  }

  private matchesAll(ref: number, matchers: readonly CompiledMatcher[]): boolean {
    const labels = this.labelsByRef[ref]!;
    for (const m of matchers) {
      if (!m.matches(labels[m.name] ?? '')) return false;
    }
    return true;
  }

  /** Sorts refs by their position in the label-ordered list (ranks are unique small ints). */
  private inLabelOrder(refs: readonly number[]): Int32Array {
    if (!this.rankValid) {
      for (let i = 0; i < this.sortedLength; i++) this.rank[this.sorted[i]!] = i;
      this.rankValid = true;
    }
    const ranks = new Int32Array(refs.length);
    for (let i = 0; i < refs.length; i++) ranks[i] = this.rank[refs[i]!]!;
    ranks.sort();
    for (let i = 0; i < ranks.length; i++) ranks[i] = this.sorted[ranks[i]!]!;
    return ranks;
  }

  private createSeries(labels: Labels, key: string): number {
    const interned: Record<string, string> = {};
    for (const name of Object.keys(labels).sort()) interned[this.intern(name)] = this.intern(labels[name]!);
    const frozen = Object.freeze(interned);
    const ref = this.freeRefs.pop() ?? this.labelsByRef.length;
    this.labelsByRef[ref] = frozen;
    this.noNameByRef[ref] = undefined;
    this.chunksByRef[ref] = [];
    this.keyByRef[ref] = key;
    if (ref >= this.lastTimeByRef.length) this.lastTimeByRef = grow(this.lastTimeByRef, ref + 1);
    this.lastTimeByRef[ref] = -Infinity;
    this.refByKey.set(key, ref);
    this.index.add(ref, frozen);
    this.insertSorted(ref, frozen);
    this.liveSeries++;
    this.counters.seriesCreated++;
    return ref;
  }

  private dropSeries(ref: number): void {
    const labels = this.labelsByRef[ref]!;
    this.index.remove(ref, labels);
    this.refByKey.delete(this.keyByRef[ref]!);
    this.labelsByRef[ref] = undefined;
    this.noNameByRef[ref] = undefined;
    this.chunksByRef[ref] = undefined;
    this.freeRefs.push(ref);
    this.liveSeries--;
    this.droppedSinceIntern++;
    this.counters.seriesDropped++;
  }

  /** Binary-search insert into the label-ordered ref list (a memmove of a few hundred KB at most). */
  private insertSorted(ref: number, labels: Labels): void {
    let lo = 0;
    let hi = this.sortedLength;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareLabels(this.labelsByRef[this.sorted[mid]!]!, labels) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (this.sortedLength + 1 > this.sorted.length) this.sorted = growInt(this.sorted, this.sortedLength + 1);
    this.sorted.copyWithin(lo + 1, lo, this.sortedLength);
    this.sorted[lo] = ref;
    this.sortedLength++;
    if (ref >= this.rank.length) this.rank = growInt(this.rank, ref + 1);
    this.rankValid = false;
  }

  private compactSorted(): void {
    let n = 0;
    for (let i = 0; i < this.sortedLength; i++) {
      const ref = this.sorted[i]!;
      if (this.labelsByRef[ref] !== undefined) this.sorted[n++] = ref;
    }
    this.sortedLength = n;
    this.rankValid = false;
  }

  private intern(s: string): string {
    const hit = this.interned.get(s);
    if (hit !== undefined) return hit;
    this.interned.set(s, s);
    return s;
  }

  /** Forgets strings only dropped series used (replica ids come and go). */
  private rebuildInterned(): void {
    const next = new Map<string, string>();
    for (const labels of this.labelsByRef) {
      if (!labels) continue;
      for (const name in labels) {
        next.set(name, name);
        next.set(labels[name]!, labels[name]!);
      }
    }
    this.interned = next;
    this.droppedSinceIntern = 0;
  }

  /** The chunk to write a sample at timestampMs into, or -1 when the sample must be dropped. */
  private writableChunk(ref: number, timestampMs: number): number {
    const chunks = this.chunksByRef[ref];
    if (!chunks || !Number.isFinite(timestampMs)) return -1;
    const last = this.lastTimeByRef[ref]!;
    if (timestampMs <= last) {
      if (timestampMs === last) this.counters.duplicateDropped++;
      else this.counters.outOfOrderDropped++;
      return -1;
    }
    const tail = chunks[chunks.length - 1];
    if (tail !== undefined && !this.pool.isFull(tail) && this.pool.fits(tail, timestampMs)) return tail;
    const chunk = this.pool.allocate(timestampMs);
    chunks.push(chunk);
    return chunk;
  }

  private afterWrite(ref: number, timestampMs: number): void {
    this.lastTimeByRef[ref] = timestampMs;
    if (timestampMs > this.maxTimeMs) {
      this.maxTimeMs = timestampMs;
      if (this.autoGcEveryMs > 0 && timestampMs - this.lastGcMs >= this.autoGcEveryMs) this.gc(timestampMs);
    }
  }
}

/** Prometheus treats a label with an empty value as absent; so does the store. */
function withoutEmpty(labels: Labels): Labels {
  for (const name in labels) {
    if (labels[name] === '') {
      const out: Record<string, string> = {};
      for (const n in labels) if (labels[n] !== '') out[n] = labels[n]!;
      return out;
    }
  }
  return labels;
}

function grow(a: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(Math.max(size, a.length * 2));
  next.set(a);
  return next;
}

function growInt(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(size, a.length * 2));
  next.set(a);
  return next;
}
