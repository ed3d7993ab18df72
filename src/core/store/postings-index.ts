/**
 * The inverted index: label name → label value → ids of the series carrying that pair. Selecting
 * `ray_serve_x{application="a"}` starts from the smallest matching postings set instead of
 * testing every series.
 */
export class PostingsIndex {
  private readonly byName = new Map<string, Map<string, Set<number>>>();

  add(id: number, labels: Readonly<Record<string, string>>): void {
    for (const name in labels) {
      const value = labels[name]!;
      let values = this.byName.get(name);
      if (!values) {
        values = new Map();
        this.byName.set(name, values);
      }
      let ids = values.get(value);
      if (!ids) {
        ids = new Set();
        values.set(value, ids);
      }
      ids.add(id);
    }
  }

  remove(id: number, labels: Readonly<Record<string, string>>): void {
    for (const name in labels) {
      const values = this.byName.get(name);
      const ids = values?.get(labels[name]!);
      if (!values || !ids) continue;
      ids.delete(id);
      if (ids.size === 0) {
        values.delete(labels[name]!);
        if (values.size === 0) this.byName.delete(name);
      }
    }
  }

  /** Every value of a label name with its postings, or undefined when no series has the label. */
  valuesOf(name: string): ReadonlyMap<string, ReadonlySet<number>> | undefined {
    return this.byName.get(name);
  }

  /** Number of (name, value) pairs, for memory accounting. */
  pairCount(): number {
    let n = 0;
    for (const values of this.byName.values()) n += values.size;
    return n;
  }
}
