import type { Labels } from '../labels.js';
import type { CompiledMatcher, LabelMatcher } from './label-matcher.js';
import { compileMatcher, formatMatcher } from './label-matcher.js';
import type { PostingsIndex } from './postings-index.js';

/**
 * Finds the series matching a selector's matchers through the inverted index, and remembers
 * the answer until the set of series changes (rules ask the same selectors every interval).
 */
export class SeriesSelector {
  private readonly matcherCache = new Map<string, CompiledMatcher>();
  private readonly selections = new Map<string, { version: number; refs: Int32Array }>();

  constructor(
    private readonly index: PostingsIndex,
    private readonly labelsOf: (ref: number) => Labels | undefined,
    private readonly refLimit: () => number,
    /** Test every series instead of using the index (the benchmark's brute-force peer). */
    private readonly bruteForce: boolean,
  ) {}

  /** Matching refs, ascending; `version` must change whenever a series is created or dropped. */
  select(matchers: readonly LabelMatcher[], version: number): Int32Array {
    if (this.bruteForce) return Int32Array.from(this.scanAll(matchers.map((m) => this.compiled(m)))).sort();
    const key = matchers.map(formatMatcher).join(',');
    const hit = this.selections.get(key);
    if (hit && hit.version === version) return hit.refs;
    const refs = Int32Array.from(this.lookUp(matchers.map((m) => this.compiled(m)))).sort();
    if (this.selections.size >= 1000) this.selections.clear();
    this.selections.set(key, { version, refs });
    return refs;
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
    for (let ref = 0; ref < this.refLimit(); ref++) {
      if (this.labelsOf(ref) !== undefined && this.matchesAll(ref, matchers)) out.push(ref);
    }
    return out;
  }

  private matchesAll(ref: number, matchers: readonly CompiledMatcher[]): boolean {
    const labels = this.labelsOf(ref)!;
    for (const m of matchers) {
      if (!m.matches(labels[m.name] ?? '')) return false;
    }
    return true;
  }
}
