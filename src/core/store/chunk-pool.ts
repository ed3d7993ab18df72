import { isStaleAt, writeStaleNaN } from './stale-nan.js';

/**
 * Fixed-size sample chunks carved out of large shared slabs, so a series costs a few integers
 * (its chunk ids) instead of a typed array per chunk, and chunks freed by retention are reused
 * instead of handed back to the garbage collector. Timestamps are stored as 32-bit offsets from
 * the chunk's base time (a chunk never spans more than ~24 days), values as float64 bits.
 */
export const CHUNK_SAMPLES = 32;
const SLAB_SHIFT = 10; // 1024 chunks per slab
const SLAB_CHUNKS = 1 << SLAB_SHIFT;
const SLAB_MASK = SLAB_CHUNKS - 1;
/** Largest offset a chunk may hold; a later sample opens a new chunk. */
export const MAX_CHUNK_SPAN_MS = 0x7fffffff;

export class ChunkPool {
  private readonly times: Int32Array[] = [];
  private readonly values: Float64Array[] = [];
  private readonly words: Uint32Array[] = [];
  private base = new Float64Array(SLAB_CHUNKS);
  private count = new Uint8Array(SLAB_CHUNKS);
  private readonly freeIds: number[] = [];
  private allocated = 0;

  /** Chunks handed out and not yet released. */
  get liveChunks(): number {
    return this.allocated - this.freeIds.length;
  }

  /** Bytes reserved by the slabs and their per-chunk metadata. */
  get bytesReserved(): number {
    return this.times.length * SLAB_CHUNKS * CHUNK_SAMPLES * 12 + this.base.byteLength + this.count.byteLength;
  }

  allocate(baseTimeMs: number): number {
    let id = this.freeIds.pop();
    if (id === undefined) {
      id = this.allocated++;
      if ((id >>> SLAB_SHIFT) >= this.times.length) this.addSlab();
    }
    this.base[id] = baseTimeMs;
    this.count[id] = 0;
    return id;
  }

  release(id: number): void {
    this.count[id] = 0;
    this.freeIds.push(id);
  }

  size(id: number): number {
    return this.count[id]!;
  }

  isFull(id: number): boolean {
    return this.count[id]! >= CHUNK_SAMPLES;
  }

  /** False when `timeMs` is too far from the chunk's base to be stored as an offset. */
  fits(id: number, timeMs: number): boolean {
    return timeMs - this.base[id]! <= MAX_CHUNK_SPAN_MS;
  }

  push(id: number, timeMs: number, value: number): void {
    const n = this.count[id]!;
    const at = ((id & SLAB_MASK) * CHUNK_SAMPLES) + n;
    const slab = id >>> SLAB_SHIFT;
    this.times[slab]![at] = timeMs - this.base[id]!;
    this.values[slab]![at] = value;
    this.count[id] = n + 1;
  }

  pushStale(id: number, timeMs: number): void {
    const n = this.count[id]!;
    const at = ((id & SLAB_MASK) * CHUNK_SAMPLES) + n;
    const slab = id >>> SLAB_SHIFT;
    this.times[slab]![at] = timeMs - this.base[id]!;
    writeStaleNaN(this.words[slab]!, at);
    this.count[id] = n + 1;
  }

  timeAt(id: number, index: number): number {
    return this.base[id]! + this.times[id >>> SLAB_SHIFT]![((id & SLAB_MASK) * CHUNK_SAMPLES) + index]!;
  }

  valueAt(id: number, index: number): number {
    return this.values[id >>> SLAB_SHIFT]![((id & SLAB_MASK) * CHUNK_SAMPLES) + index]!;
  }

  isStale(id: number, index: number): boolean {
    return isStaleAt(this.words[id >>> SLAB_SHIFT]!, ((id & SLAB_MASK) * CHUNK_SAMPLES) + index);
  }

  firstTime(id: number): number {
    return this.timeAt(id, 0);
  }

  lastTime(id: number): number {
    return this.timeAt(id, this.count[id]! - 1);
  }

  /** Index of the first sample with time >= timeMs (size() when none). */
  lowerBound(id: number, timeMs: number): number {
    const times = this.times[id >>> SLAB_SHIFT]!;
    const start = (id & SLAB_MASK) * CHUNK_SAMPLES;
    const offset = timeMs - this.base[id]!;
    let lo = 0;
    let hi = this.count[id]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[start + mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Copies samples [from, to) into out starting at `at`, bit-exact (stale markers survive).
   * With skipStale, stale markers are left out. Returns the new fill level of out.
   */
  copyOut(id: number, from: number, to: number, out: PointBuffer, at: number, skipStale: boolean): number {
    const slab = id >>> SLAB_SHIFT;
    const start = (id & SLAB_MASK) * CHUNK_SAMPLES;
    const times = this.times[slab]!;
    const values = this.values[slab]!;
    const words = this.words[slab]!;
    const base = this.base[id]!;
    out.reserve(at + (to - from));
    const ot = out.t;
    if (!skipStale) {
      for (let i = from; i < to; i++) ot[at + i - from] = base + times[start + i]!;
      out.v.set(values.subarray(start + from, start + to), at);
      return at + (to - from);
    }
    const ov = out.v;
    let n = at;
    for (let i = from; i < to; i++) {
      if (isStaleAt(words, start + i)) continue;
      ot[n] = base + times[start + i]!;
      ov[n] = values[start + i]!;
      n++;
    }
    return n;
  }

  private addSlab(): void {
    const buffer = new ArrayBuffer(SLAB_CHUNKS * CHUNK_SAMPLES * 8);
    this.values.push(new Float64Array(buffer));
    this.words.push(new Uint32Array(buffer));
    this.times.push(new Int32Array(SLAB_CHUNKS * CHUNK_SAMPLES));
    const chunks = this.times.length * SLAB_CHUNKS;
    if (chunks > this.base.length) {
      const base = new Float64Array(chunks);
      base.set(this.base);
      this.base = base;
      const count = new Uint8Array(chunks);
      count.set(this.count);
      this.count = count;
    }
  }
}

/** A growable pair of time/value arrays that readers fill and reuse across series. */
export class PointBuffer {
  t: Float64Array;
  v: Float64Array;

  constructor(capacity = 64) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  reserve(size: number): void {
    if (size <= this.t.length) return;
    let capacity = this.t.length * 2;
    while (capacity < size) capacity *= 2;
    const t = new Float64Array(capacity);
    t.set(this.t);
    const v = new Float64Array(capacity);
    v.set(this.v);
    this.t = t;
    this.v = v;
  }
}
