/**
 * Label names and values repeat across series (every series of a replica carries the same
 * 56-character WorkerId): each distinct string is kept once, with a small integer id and a
 * count of the series using it, so strings of replicas long gone are forgotten.
 */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private strings: (string | undefined)[] = [];
  private uses = new Int32Array(256);
  private readonly freeIds: number[] = [];
  private totalChars = 0;

  idOf(s: string): number | undefined {
    return this.ids.get(s);
  }

  /** The id of s, interning it if new; counts one more user. */
  acquire(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.freeIds.pop() ?? this.strings.length;
      // A label value fresh from the parser is usually a V8 slice of the whole scrape body:
      // keeping it would keep that (megabytes) alive as long as the series lives. Store a copy.
      const own = ownCopy(s);
      this.ids.set(own, id);
      this.strings[id] = own;
      if (id >= this.uses.length) {
        const next = new Int32Array(this.uses.length * 2);
        next.set(this.uses);
        this.uses = next;
      }
      this.uses[id] = 0;
      this.totalChars += s.length;
    }
    this.uses[id]!++;
    return id;
  }

  /** One user fewer; the string is forgotten when nobody uses it. */
  release(id: number): void {
    if (--this.uses[id]! > 0) return;
    const s = this.strings[id]!;
    this.ids.delete(s);
    this.strings[id] = undefined;
    this.totalChars -= s.length;
    this.freeIds.push(id);
  }

  stringOf(id: number): string {
    return this.strings[id]!;
  }

  get size(): number {
    return this.ids.size;
  }

  get chars(): number {
    return this.totalChars;
  }
}

/** A string that shares no memory with the one given (V8 keeps slices of their parent alive). */
function ownCopy(s: string): string {
  return s.length <= 12 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
