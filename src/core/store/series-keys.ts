import type { Labels } from '../labels.js';
import { withMemoSlot } from './labels-memo.js';
import { StringTable } from './string-table.js';

/**
 * Maps label sets to series refs. A series is keyed by the ids of its label strings
 * ("3,17,4,92"): short and flat (a JSON rendering of 10 labels with a WorkerId is ~400
 * characters, times 60,000 series), and a label set holding a string the table has never seen
 * cannot belong to an existing series. Labels with empty values are dropped first, as
 * Prometheus treats them as absent.
 */
export class SeriesKeys {
  private readonly strings = new StringTable();
  private readonly refByKey = new Map<string, number>();

  find(labels: Labels): number | undefined {
    const clean = withoutEmpty(labels);
    const names = Object.keys(clean).sort();
    const parts = new Array<number>(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      const n = this.strings.idOf(names[i]!);
      const v = this.strings.idOf(clean[names[i]!]!);
      if (n === undefined || v === undefined) return undefined;
      parts[2 * i] = n;
      parts[2 * i + 1] = v;
    }
    return this.refByKey.get(parts.join(','));
  }

  /**
   * Registers a new series: returns its label set as the store keeps it (names sorted, strings
   * shared with other series, frozen, with a memo slot for the evaluator) and its key.
   */
  add(labels: Labels, ref: number): { labels: Labels; key: string } {
    const clean = withoutEmpty(labels);
    const names = Object.keys(clean).sort();
    const interned: Record<string, string> = {};
    const parts = new Array<number>(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      const n = this.strings.acquire(names[i]!);
      const v = this.strings.acquire(clean[names[i]!]!);
      parts[2 * i] = n;
      parts[2 * i + 1] = v;
      interned[this.strings.stringOf(n)] = this.strings.stringOf(v);
    }
    const key = parts.join(',');
    this.refByKey.set(key, ref);
    return { labels: Object.freeze(withMemoSlot(interned)), key };
  }

  /** Forgets a dropped series (and strings no other series uses). */
  remove(key: string): void {
    this.refByKey.delete(key);
    for (const id of key.split(',')) this.strings.release(Number(id));
  }

  /** Characters held in distinct label strings, for memory estimates. */
  get chars(): number {
    return this.strings.chars;
  }
}

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
