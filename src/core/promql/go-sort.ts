/**
 * Where Prometheus's output depends on Go's sort and heap algorithms (which of several tied
 * series topk keeps, where NaN lands in quantile), these do the same steps. Go's sort.Sort
 * insertion-sorts up to 12 elements; longer inputs here use a stable sort with the same
 * ordering, which differs from Go only in the order of ties and around NaN.
 */
export type Less<T> = (a: T, b: T) => boolean;

export function goSort<T>(items: T[], less: Less<T>): void {
  if (items.length <= 12) {
    for (let i = 1; i < items.length; i++) {
      for (let j = i; j > 0 && less(items[j]!, items[j - 1]!); j--) {
        const tmp = items[j]!;
        items[j] = items[j - 1]!;
        items[j - 1] = tmp;
      }
    }
    return;
  }
  items.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
}

/** container/heap Push. */
export function heapPush<T>(heap: T[], item: T, less: Less<T>): void {
  heap.push(item);
  let j = heap.length - 1;
  for (;;) {
    const i = Math.trunc((j - 1) / 2);
    if (i === j || !less(heap[j]!, heap[i]!)) break;
    swap(heap, i, j);
    j = i;
  }
}

/** container/heap Pop: removes and returns the minimum. */
export function heapPop<T>(heap: T[], less: Less<T>): T {
  const n = heap.length - 1;
  swap(heap, 0, n);
  down(heap, 0, n, less);
  return heap.pop()!;
}

function down<T>(heap: T[], i0: number, n: number, less: Less<T>): void {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(heap[j2]!, heap[j1]!)) j = j2;
    if (!less(heap[j]!, heap[i]!)) break;
    swap(heap, i, j);
    i = j;
  }
}

function swap<T>(a: T[], i: number, j: number): void {
  const tmp = a[i]!;
  a[i] = a[j]!;
  a[j] = tmp;
}

/** Prometheus's quantile over plain values (the `quantile` aggregation and quantile_over_time). */
export function quantileOf(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  goSort(values, (a, b) => Number.isNaN(a) || a < b);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}
