import type { Labels } from '../labels.js';
import {
  CH_CLOSE_BRACE,
  CH_COMMA,
  CH_EQUALS,
  CH_OPEN_BRACE,
  CH_QUOTE,
  CH_SPACE,
  isLabelNameChar,
  isLabelNameStart,
  isMetricNameChar,
  isMetricNameStart,
  skipBlanks,
} from './char-classes.js';
import { decodeEscapes } from './decode-escapes.js';
import type { ExpositionError } from './exposition-error.js';
import { describeAt, expositionErrorAt, quoteToken } from './exposition-error.js';
import { LabelNameTable } from './label-name-table.js';
import { LabelObjectBuilder } from './label-object-builder.js';
import { readSampleTail, type SampleTail } from './read-sample-tail.js';

export type SampleSyntax = 'text' | 'openmetrics';

/**
 * Reads one sample line, `name{label="value",...} value [timestamp]`, into its fields, which
 * the next read overwrites. Both formats share it: the text format is lenient about blanks
 * (as expfmt is) and allows quoted UTF-8 names inside the braces; OpenMetrics wants single
 * spaces. The part after the labels is read by readSampleTail.
 *
 * It is the hot loop of every scrape. Measured on Node 20, a charCodeAt loop costs several
 * nanoseconds per character and startsWith hundreds per call, while indexOf and slice are
 * native and fast, and === on two equal strings is a memcmp. So the reader finds token ends
 * with indexOf, slices once, and compares the slice with what the previous line had at the
 * same place (consecutive lines mostly repeat their name and label names): a match needs no
 * character-by-character validation and no map lookup. Only a miss takes the careful path,
 * which also produces the error messages.
 */
export class SampleLineReader implements SampleTail {
  readonly table: LabelNameTable;

  /** The metric name (for `{"quoted.name"}` lines, the decoded quoted name). */
  name = '';
  nameStart = 0;
  /** Number of labels read into names/ids/values/pairStarts. */
  count = 0;
  readonly names: string[] = [];
  readonly ids: number[] = [];
  readonly values: string[] = [];
  /** Offset of each label's name. */
  readonly pairStarts: number[] = [];
  /** Offset just after `{`, or -1 when the line has no braces. */
  labelsStart = -1;
  /** Offset of `}`, or -1. */
  labelsEnd = -1;
  /**
   * True when the raw text of the name and labels is already the canonical rendering of the
   * series (no blanks, no escapes, no empty braces, labels sorted by name), so a key can be a
   * slice of the input instead of a freshly built string.
   */
  canonical = true;
  /**
   * How many leading labels the line took as text from the previous line (their names and
   * values, and the commas after them, are the same characters); 0 when none.
   */
  repeated = 0;
  /** Lines read so far: tells a caller whether the line it saw last is the one before this. */
  lines = 0;
  // SampleTail, filled by readSampleTail.
  value = 0;
  valueStart = 0;
  hasTimestamp = false;
  timestamp = 0;
  timestampStart = 0;
  exemplarStart = -1;

  private readonly input: string;
  private readonly lenient: boolean;
  private readonly builder = new LabelObjectBuilder();
  private prevName = '';
  private readonly prevNames: string[] = [];
  private readonly prevIds: number[] = [];
  /** Whether values[i] was read without escapes (see readLabelValue). */
  private readonly rawValue: boolean[] = [];
  // Offsets of the next `{`, ` ` and `\` at or after the last place looked (input.length:
  // none), so that each indexOf scans any stretch of the input once, never once per line: a
  // text exposition separating values by tabs has no space to find, and searching to the
  // end of the input on every line made 400 kB of such lines take most of a second.
  private nextBrace = -1;
  private nextSpace = -1;
  private nextBackslash = -1;
  /**
   * Lines in a run (a histogram's buckets, the `_count` and `_sum` of a series) repeat the
   * previous line's first labels character for character. After a canonical line, `shared`
   * labels of it (those before the first one that differed from the line before) and their
   * text `sharedText` (up to the next label's name, or to `}` when all are shared) are kept;
   * a next line starting with that text takes those labels as they are, with one comparison
   * instead of one per label. `sharedAt[j]` is label j's offset from `{`.
   */
  private shared = 0;
  private sharedText = '';
  private readonly sharedAt: number[] = [];
  /** Whether the line being read began with sharedText. */
  private tookShared = false;
  /** Whether the last readLabelValue kept the previous line's value at that place. */
  private valueKept = false;

  constructor(input: string, syntax: SampleSyntax, table: LabelNameTable = new LabelNameTable()) {
    this.input = input;
    this.lenient = syntax === 'text';
    this.table = table;
  }

  /** Reads the sample on [start, end): start is its first character, end its newline (or input end). */
  read(start: number, end: number): void {
    this.lines++;
    this.count = 0;
    this.canonical = true;
    this.repeated = 0;
    this.labelsStart = -1;
    this.labelsEnd = -1;
    this.nameStart = start;
    this.table.beginSet();
    const input = this.input;
    let pos = this.readName(start, end);
    if (this.lenient) {
      const afterBlanks = this.skipBlanks(pos, end);
      const sawBlank = afterBlanks > pos;
      pos = afterBlanks;
      if (input.charCodeAt(pos) === CH_OPEN_BRACE) {
        if (sawBlank) this.canonical = false;
        pos = this.skipBlanks(this.readLabels(pos + 1, end), end);
      } else if (!sawBlank) {
        throw this.fail(pos, this.afterNameMessage(pos, end));
      }
    } else {
      if (input.charCodeAt(pos) === CH_OPEN_BRACE) pos = this.readLabels(pos + 1, end);
      if (input.charCodeAt(pos) !== CH_SPACE) throw this.fail(pos, this.afterNameMessage(pos, end));
      pos++;
    }
    readSampleTail(input, pos, end, this.lenient, this);
  }

  /** The label object of the last line read, `__name__` first. */
  labels(): Labels {
    return this.builder.build(this.name, this.names, this.ids, this.values, this.count);
  }

  /** The index of label `name` in the last line read, or -1. */
  labelIndex(name: string): number {
    const id = this.table.lookup(name);
    if (id < 0) return -1;
    for (let i = 0; i < this.count; i++) if (this.ids[i] === id) return i;
    return -1;
  }

  private readName(start: number, end: number): number {
    const input = this.input;
    const c = input.charCodeAt(start);
    if (c === CH_OPEN_BRACE && this.lenient) {
      // `{"quoted.name",...}`: the name comes from inside the braces.
      this.name = '';
      return start;
    }
    if (this.nextBrace < start) {
      const brace = input.indexOf('{', start);
      this.nextBrace = brace === -1 ? input.length : brace;
    }
    let candidateEnd = this.nextBrace;
    if (candidateEnd >= end) {
      if (this.nextSpace < start) {
        const space = input.indexOf(' ', start);
        this.nextSpace = space === -1 ? input.length : space;
      }
      candidateEnd = Math.min(this.nextSpace, end);
    }
    const candidate = input.slice(start, candidateEnd);
    if (candidate === this.prevName && candidate !== '') {
      this.name = this.prevName;
      return candidateEnd;
    }
    if (!isMetricNameStart(c)) throw this.fail(start, `invalid metric name: unexpected ${describeAt(input, start, end)}`);
    let pos = start + 1;
    while (pos < end && isMetricNameChar(input.charCodeAt(pos))) pos++;
    this.name = input.slice(start, pos);
    this.prevName = this.name;
    return pos;
  }

  private afterNameMessage(pos: number, end: number): string {
    if (pos >= end) return 'missing sample value';
    const found = describeAt(this.input, pos, end);
    if (this.labelsEnd >= 0) return `expected ' ' between '}' and the value, found ${found}`;
    return `unexpected ${found} after metric name ${quoteToken(this.name)}`;
  }

  /** Reads `label="value",...}` from just after `{`; returns the offset after `}`. */
  private readLabels(pos: number, end: number): number {
    const input = this.input;
    this.labelsStart = pos;
    const ranks = this.table.ranks;
    let i = 0;
    let lastRank = -1;
    /** The first label that differs from the previous line's at its place. */
    let changed = -1;
    const shared = this.shared;
    this.tookShared = false;
    if (shared > 0 && input.slice(pos, pos + this.sharedText.length) === this.sharedText) {
      this.tookShared = true;
      this.repeated = shared;
      // The same text as the previous line up to here: its first `shared` labels, unchanged
      // in names/ids/values, already checked (distinct names, sorted, no escapes).
      for (; i < shared; i++) {
        this.pairStarts[i] = pos + this.sharedAt[i]!;
        this.table.markSeen(this.ids[i]!);
      }
      this.count = shared;
      lastRank = ranks[this.ids[shared - 1]!]!;
      pos += this.sharedText.length;
      if (shared === this.sharedAt.length - 1) {
        // The shared text ends after the last value: what follows ends the set or adds to it.
        if (this.lenient) pos = this.skipBlanksInLabels(pos, end);
        if (input.charCodeAt(pos) !== CH_COMMA) return this.finishLabels(pos, end, shared);
        pos++;
      }
    }
    for (;;) {
      if (this.lenient) pos = this.skipBlanksInLabels(pos, end);
      let c = input.charCodeAt(pos);
      if (c === CH_CLOSE_BRACE && (i === 0 || this.lenient)) {
        // Empty braces, or the text format's trailing comma: valid, but not canonical text.
        this.canonical = false;
        break;
      }
      this.pairStarts[i] = pos;
      let name: string;
      let id: number;
      const cachedName = this.prevNames[i];
      const cachedEnd = cachedName === undefined ? -1 : pos + cachedName.length;
      let sameName = false;
      if (cachedEnd >= 0 && input.charCodeAt(cachedEnd) === CH_EQUALS && input.slice(pos, cachedEnd) === cachedName) {
        name = cachedName!;
        id = this.prevIds[i]!;
        pos = cachedEnd;
        sameName = true;
      } else if (c === CH_QUOTE && this.lenient) {
        const quoted = decodeEscapes(input, pos + 1, end, 'reject', true);
        pos = this.skipBlanks(quoted.stop + 1, end);
        this.canonical = false;
        if (input.charCodeAt(pos) !== CH_EQUALS) {
          this.takeQuotedMetricName(quoted.value, this.pairStarts[i]!, pos, end);
          if (input.charCodeAt(pos) === CH_CLOSE_BRACE) break;
          pos++;
          continue;
        }
        name = quoted.value;
        if (name === '') throw this.fail(this.pairStarts[i]!, 'empty label name');
        id = this.checkNewLabelName(name, this.pairStarts[i]!);
      } else {
        if (!isLabelNameStart(c)) throw this.fail(pos, `invalid label name: unexpected ${describeAt(input, pos, end)}`);
        const nameStart = pos;
        pos++;
        while (pos < end && isLabelNameChar(input.charCodeAt(pos))) pos++;
        name = input.slice(nameStart, pos);
        id = this.checkNewLabelName(name, nameStart);
        this.prevNames[i] = name;
        this.prevIds[i] = id;
      }
      if (!this.table.markSeen(id)) throw this.fail(this.pairStarts[i]!, `duplicate label name ${quoteToken(name)}`);
      // UNRANKED (-1) never exceeds lastRank, so such lines are never taken as canonical.
      const rank = ranks[id]!;
      if (rank <= lastRank) this.canonical = false;
      lastRank = rank;
      if (this.lenient) pos = this.skipBlanksInLabels(pos, end);
      if (input.charCodeAt(pos) !== CH_EQUALS) {
        throw this.fail(pos, `expected '=' after label name ${quoteToken(name)}, found ${describeAt(input, pos, end)}`);
      }
      pos++;
      if (this.lenient) pos = this.skipBlanksInLabels(pos, end);
      if (input.charCodeAt(pos) !== CH_QUOTE) {
        throw this.fail(pos, `expected '"' to start the value of label ${quoteToken(name)}, found ${describeAt(input, pos, end)}`);
      }
      pos = this.readLabelValue(i, pos + 1, end);
      if (changed < 0 && !(sameName && this.valueKept)) changed = i;
      this.names[i] = name;
      this.ids[i] = id;
      i++;
      this.count = i;
      if (this.lenient) pos = this.skipBlanksInLabels(pos, end);
      c = input.charCodeAt(pos);
      if (c === CH_COMMA) {
        pos++;
        continue;
      }
      if (c === CH_CLOSE_BRACE) break;
      throw this.fail(pos, `expected ',' or '}' after the value of label ${quoteToken(name)}, found ${describeAt(input, pos, end)}`);
    }
    return this.finishLabels(pos, end, changed < 0 ? i : changed);
  }

  /**
   * Ends a label set at pos (after its last value, blanks allowed in the text format, then
   * `}`); returns the offset after `}`. Keeps the labels before `changed` for the next line.
   */
  private finishLabels(pos: number, end: number, changed: number): number {
    const input = this.input;
    if (this.lenient) pos = this.skipBlanksInLabels(pos, end);
    if (input.charCodeAt(pos) !== CH_CLOSE_BRACE) {
      const name = this.names[this.count - 1]!;
      throw this.fail(pos, `expected ',' or '}' after the value of label ${quoteToken(name)}, found ${describeAt(input, pos, end)}`);
    }
    if (this.name === '') throw this.fail(this.nameStart, 'missing metric name');
    this.labelsEnd = pos;
    this.keepShared(changed);
    return pos + 1;
  }

  private keepShared(changed: number): void {
    const count = this.count;
    if (!this.canonical || changed === 0 || count === 0) {
      this.shared = 0;
      return;
    }
    const start = this.labelsStart;
    const at = this.sharedAt;
    for (let j = 0; j < count; j++) at[j] = this.pairStarts[j]! - start;
    at[count] = this.labelsEnd - start;
    at.length = count + 1;
    // Up to the next label's name (after the comma), or to `}` when every label is shared.
    const length = changed < count ? at[changed]! : at[count]!;
    // A line that took the shared text and keeps as much of itself has that very text.
    if (!this.tookShared || length !== this.sharedText.length) this.sharedText = this.input.slice(start, start + length);
    this.shared = changed;
  }

  /** A quoted string followed by `,` or `}` names the metric (text format, UTF-8 names). */
  private takeQuotedMetricName(name: string, at: number, pos: number, end: number): void {
    const c = this.input.charCodeAt(pos);
    if (c !== CH_COMMA && c !== CH_CLOSE_BRACE) {
      throw this.fail(pos, `expected '=', ',' or '}' after a quoted name, found ${describeAt(this.input, pos, end)}`);
    }
    if (this.name !== '') throw this.fail(at, `more than one metric name (${quoteToken(this.name)} and ${quoteToken(name)})`);
    if (name === '') throw this.fail(at, 'empty metric name');
    this.name = name;
  }

  private checkNewLabelName(name: string, at: number): number {
    if (name === '__name__') throw this.fail(at, 'label name "__name__" is reserved for the metric name');
    return this.table.idOf(name);
  }

  /** Reads a label value from just after its opening quote; returns the offset after the closing one. */
  private readLabelValue(i: number, pos: number, end: number): number {
    const input = this.input;
    // Most values repeat the previous line's at the same place. Keeping the earlier string
    // spares a search for the closing quote, and lets the new slice die young, so results
    // hold one copy and the GC copies less. Only values read raw qualify: they contain no
    // quote, backslash or newline, so equal text ends exactly at the closing quote.
    const previous = this.values[i];
    if (previous !== undefined && this.rawValue[i] === true) {
      const close = pos + previous.length;
      if (input.charCodeAt(close) === CH_QUOTE && input.slice(pos, close) === previous) {
        this.valueKept = true;
        return close + 1;
      }
    }
    this.valueKept = false;
    const close = input.indexOf('"', pos);
    if (this.nextBackslash < pos) {
      this.nextBackslash = input.indexOf('\\', pos);
      if (this.nextBackslash === -1) this.nextBackslash = input.length;
    }
    if (close !== -1 && close < end && close < this.nextBackslash) {
      this.values[i] = input.slice(pos, close);
      this.rawValue[i] = true;
      return close + 1;
    }
    const decoded = decodeEscapes(input, pos, end, this.lenient ? 'reject' : 'keep', true);
    this.values[i] = decoded.value;
    this.rawValue[i] = false;
    this.canonical = false;
    return decoded.stop + 1;
  }

  private skipBlanks(pos: number, end: number): number {
    return skipBlanks(this.input, pos, end);
  }

  private skipBlanksInLabels(pos: number, end: number): number {
    const after = this.skipBlanks(pos, end);
    if (after !== pos) this.canonical = false;
    return after;
  }

  private fail(offset: number, message: string): ExpositionError {
    return expositionErrorAt(this.input, offset, message);
  }
}
