/**
 * The label names of one exposition, each numbered once. An exposition repeats a few dozen
 * names thousands of times; the numbers turn the duplicate-name check of a label set into one
 * array read per label, and `ranks` (each name's place in sorted order, kept up to date as
 * names arrive) lets a reader tell with one comparison per label whether a line lists its
 * labels sorted, which is the canonical order of series keys (and how Ray writes them).
 */

/**
 * Keeping ranks costs a pass over the names sorted after each new one, so only this many
 * names get a rank; later ones get UNRANKED, and lines using them take the slow path. Without
 * the bound, an exposition of 20,000 distinct label names took seconds.
 */
const MAX_RANKED_NAMES = 1024;
export const UNRANKED = -1;

export class LabelNameTable {
  /** Alphabetical rank of each id (UNRANKED past the bound); rewritten in place as names arrive. */
  readonly ranks: number[] = [];
  /** The id of `__proto__`, which needs care when it becomes an object key (-1: not seen). */
  protoId = -1;
  private readonly idByName = new Map<string, number>();
  private readonly sorted: { readonly name: string; readonly id: number }[] = [];
  private readonly seenIn: number[] = [];
  private currentSet = 0;

  /** The id of `name`, numbering it if it is new. */
  idOf(name: string): number {
    const known = this.idByName.get(name);
    if (known !== undefined) return known;
    const id = this.seenIn.length;
    this.idByName.set(name, id);
    this.seenIn.push(0);
    if (name === '__proto__') this.protoId = id;
    if (this.sorted.length >= MAX_RANKED_NAMES) {
      this.ranks[id] = UNRANKED;
      return id;
    }
    let at = this.sorted.length;
    while (at > 0 && this.sorted[at - 1]!.name > name) at--;
    this.sorted.splice(at, 0, { name, id });
    for (let r = at; r < this.sorted.length; r++) this.ranks[this.sorted[r]!.id] = r;
    return id;
  }

  /** The id of `name`, or -1 when no label of that name has been read. */
  lookup(name: string): number {
    return this.idByName.get(name) ?? -1;
  }

  /** Starts a new label set for `markSeen`. */
  beginSet(): void {
    this.currentSet++;
  }

  /** Records `id` in the current label set; false when it is already there (a duplicate name). */
  markSeen(id: number): boolean {
    if (this.seenIn[id] === this.currentSet) return false;
    this.seenIn[id] = this.currentSet;
    return true;
  }
}
