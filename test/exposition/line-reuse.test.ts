import { describe, expect, it } from 'vitest';
import { ExpositionError } from '../../src/core/exposition/exposition-error.js';
import { parseExposition } from '../../src/core/exposition/parse-exposition.js';
import { SampleLineReader } from '../../src/core/exposition/sample-line-reader.js';
import type { ExpositionFormat } from '../../src/core/exposition/types.js';

/**
 * The line reader reuses what the previous line had at the same place: the metric name, each
 * label name and value, and the whole leading run of labels when the text repeats. None of
 * that may change a result. These tests read expositions built of runs of near-identical
 * lines, as Ray writes them, and hold every line's result (or error) to that of the same line
 * read on its own, where nothing can be reused.
 */

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NAMES = ['Component', 'NodeAddress', 'WorkerId', 'application', 'deployment', 'le', 'replica', 'route'];
const VALUES = ['a', 'app_0', 'app_1', '10.0.0.1', '97da2849d73eb438a907d090402c802d7c5700893a34bd83441aabe1', '1.0', '+Inf', ''];

interface Pair {
  name: string;
  value: string;
}

/** One line's series as text; `odd` adds what only the text format allows. */
function render(metric: string, pairs: readonly Pair[], format: ExpositionFormat, rnd: () => number): string {
  const text = format === 'text';
  const blank = (): string => (text && rnd() < 0.05 ? ' ' : '');
  const value = (v: string): string => (rnd() < 0.05 ? v.replace('a', '\\\\a') : v);
  const body = pairs.map((p) => `${blank()}${p.name}${blank()}=${blank()}"${value(p.value)}"${blank()}`).join(',');
  const trailing = text && pairs.length > 0 && rnd() < 0.05 ? ',' : '';
  return pairs.length === 0 && rnd() < 0.5 ? metric : `${metric}{${body}${trailing}}`;
}

/** Lines in runs: each line is the one before with a label or two changed, added or dropped. */
function exposition(seed: number, format: ExpositionFormat, lines: number): string[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let pairs: Pair[] = NAMES.slice(0, 5).map((name) => ({ name, value: pick(VALUES) }));
  let metric = 'm_total';
  const out: string[] = [];
  for (let n = 0; n < lines; n++) {
    const roll = rnd();
    pairs = pairs.map((p) => ({ ...p }));
    if (roll < 0.5 && pairs.length > 0) pick(pairs).value = pick(VALUES);
    else if (roll < 0.6) pairs.push({ name: pick(NAMES), value: pick(VALUES) }); // may duplicate a name, or unsort
    else if (roll < 0.7) pairs.pop();
    else if (roll < 0.75) pairs.sort(() => rnd() - 0.5);
    else if (roll < 0.8) pairs = NAMES.slice(0, 1 + Math.floor(rnd() * NAMES.length)).map((name) => ({ name, value: pick(VALUES) }));
    if (rnd() < 0.1) metric = pick(['m_total', 'm_count', 'other', 'm_sum']);
    const bad = rnd() < 0.03 ? pick(['{', '"', '=', ',', 'x']) : '';
    let line = `${render(metric, pairs, format, rnd)} ${n}`;
    if (bad) {
      const at = Math.floor(rnd() * line.length);
      line = line.slice(0, at) + bad + line.slice(at + 1);
    }
    out.push(line);
  }
  return out;
}

interface Outcome {
  readonly labels?: unknown;
  readonly value?: number;
  readonly canonical?: boolean;
  readonly pairStarts?: number[];
  readonly error?: { column: number; message: string };
}

/** Reads [start, end) of input with reader; offsets in the outcome are relative to start. */
function readWith(reader: SampleLineReader, input: string, start: number, end: number): Outcome {
  try {
    reader.read(start, end);
    return {
      labels: reader.labels(),
      value: reader.value,
      canonical: reader.canonical,
      pairStarts: reader.pairStarts.slice(0, reader.count).map((p) => p - start),
    };
  } catch (err) {
    if (!(err instanceof ExpositionError)) throw err;
    return { error: { column: err.column, message: err.message } };
  }
}

describe('reusing the previous line', () => {
  for (const format of ['text', 'openmetrics'] as const) {
    it(`changes no result and no error (${format})`, () => {
      let read = 0;
      let failed = 0;
      for (let seed = 1; seed <= 40; seed++) {
        const lines = exposition(seed, format, 80);
        const input = lines.join('\n') + '\n';
        let reader = new SampleLineReader(input, format);
        let start = 0;
        for (const line of lines) {
          const inContext = readWith(reader, input, start, start + line.length);
          const alone = readWith(new SampleLineReader(`${line}\n`, format), `${line}\n`, 0, line.length);
          expect(inContext, `seed ${seed}: ${line}`).toEqual(alone);
          if (inContext.error) {
            // A parse stops at its first error: go on as a new parse would.
            reader = new SampleLineReader(input, format);
            failed++;
          } else {
            read++;
          }
          start += line.length + 1;
        }
      }
      expect(read).toBeGreaterThan(2000);
      expect(failed).toBeGreaterThan(30);
    });
  }

  it('finds exactly the duplicate series among interleaved histogram and plain lines (text)', () => {
    // A histogram family and plain families interleaved, their labels drawn from a few values
    // so that lines often repeat the one before. Whatever the reader and the duplicate check
    // reuse, the outcome must be what the label sets alone decide.
    let parsedWhole = 0;
    let duplicates = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = random(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const lines = ['# TYPE h histogram'];
      const seen = new Set<string>();
      let firstDuplicate = -1;
      for (let n = 0; n < 12; n++) {
        const name = pick(['h_bucket', 'h_bucket', 'h_bucket', 'h_count', 'plain', 'other']);
        const labels: [string, string][] = [['a', pick(['1', '2'])], ['b', pick(['x', 'y'])]];
        if (name === 'h_bucket' || rnd() < 0.3) labels.push(['le', pick(['1', '2', '+Inf'])]);
        if (rnd() < 0.5) labels.push(['z', pick(['p', 'q'])]);
        lines.push(`${name}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}} ${n}`);
        const key = JSON.stringify([name, ...labels]);
        if (seen.has(key) && firstDuplicate < 0) firstDuplicate = lines.length;
        seen.add(key);
      }
      const text = lines.join('\n') + '\n';
      if (firstDuplicate < 0) {
        expect(parseExposition(text, 'text').samples.length, text).toBe(12);
        parsedWhole++;
      } else {
        expect(() => parseExposition(text, 'text'), text).toThrow(ExpositionError);
        try {
          parseExposition(text, 'text');
        } catch (err) {
          expect((err as ExpositionError).line, text).toBe(firstDuplicate);
          expect((err as ExpositionError).message, text).toMatch(/^duplicate series/);
        }
        duplicates++;
      }
    }
    expect(parsedWhole).toBeGreaterThan(10);
    expect(duplicates).toBeGreaterThan(10);
    // The case that once slipped through: lines between two buckets that the run did not see.
    const between = '# TYPE h histogram\nh_bucket{a="1",le="1"} 1\nother{a="2",le="5"} 1\nother2{a="2",le="6"} 1\nh_bucket{a="2",le="2"} 1\nh_bucket{a="1",le="2"} 1\n';
    expect(parseExposition(between, 'text').samples).toHaveLength(5);
  });

  it('takes a repeated leading run of labels, and still checks the labels after it', () => {
    const errorOf = (text: string): string => {
      try {
        parseExposition(text, 'text');
      } catch (err) {
        if (err instanceof ExpositionError) return `${err.line}:${err.column}: ${err.message}`;
        throw err;
      }
      return 'no error';
    };
    const run = ['h_bucket{a="1",b="2",le="1"} 1', 'h_bucket{a="1",b="2",le="2"} 2', 'h_bucket{a="1",b="2",le="3",a="9"} 3', ''];
    expect(errorOf(run.join('\n'))).toBe('3:29: duplicate label name "a"');
    expect(errorOf('x{b="1",c="2"} 1\nx{b="1",a="3"} 1\nx{a="3",b="1"} 1\n')).toBe('3:1: duplicate series "x{a=\\"3\\",b=\\"1\\"}"');
    const grown = 'x_count{a="1"} 1\nx_sum{a="1" , b="2"} 2\nx_total{a="1",} 3\n';
    expect(parseExposition(grown, 'text').samples.map((s) => s.labels)).toEqual([
      { __name__: 'x_count', a: '1' },
      { __name__: 'x_sum', a: '1', b: '2' },
      { __name__: 'x_total', a: '1' },
    ]);
  });
});
