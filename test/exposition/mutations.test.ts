import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExpositionError } from '../../src/core/exposition/exposition-error.js';
import { parseExposition } from '../../src/core/exposition/parse-exposition.js';
import type { ExpositionFormat } from '../../src/core/exposition/types.js';
import { VALID_OPENMETRICS_CASES } from './cases/openmetrics-cases.js';
import { VALID_TEXT_CASES } from './cases/text-format-cases.js';

/** mulberry32: small, seeded, and the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const head = (name: string, lines: number) =>
  readFileSync(new URL(`../fixtures/exposition/${name}`, import.meta.url), 'utf8').split('\n').slice(0, lines).join('\n') + '\n';

const SEEDS: readonly { input: string; format: ExpositionFormat }[] = [
  ...VALID_TEXT_CASES.map((c) => ({ input: c.input, format: 'text' as const })),
  ...VALID_OPENMETRICS_CASES.map((c) => ({ input: c.input, format: 'openmetrics' as const })),
  { input: head('metrics_example.prom', 60), format: 'text' },
  { input: head('metrics_during_load.prom', 40), format: 'text' },
  { input: head('metrics_openmetrics.om.txt', 40) + '# EOF\n', format: 'openmetrics' },
];

/** Characters that matter to the grammars, plus awkward Unicode: NUL, BOM, lone surrogates, emoji. */
const ALPHABET = ['{', '}', '"', '=', ',', '#', ' ', '\t', '\n', '\r', '\\', 'n', 'a', '_', ':', '.', '0', '1', 'e', '+', '-',
  'I', 'N', 'le', 'quantile', '# EOF', '_total', '\u0000', '\ufeff', '\ud800', '\udc00', '😀', 'ä', '\u2028'];

function mutate(input: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const at = () => Math.floor(random() * (input.length + 1));
  let out = input;
  const rounds = 1 + Math.floor(random() * 4);
  for (let r = 0; r < rounds; r++) {
    const i = Math.min(at(), out.length);
    const j = Math.min(out.length, i + 1 + Math.floor(random() * 12));
    switch (Math.floor(random() * 7)) {
      case 0: // insert a grammar character
        out = out.slice(0, i) + pick(ALPHABET) + out.slice(i);
        break;
      case 1: // delete a stretch
        out = out.slice(0, i) + out.slice(j);
        break;
      case 2: // duplicate a stretch (often a whole line)
        out = out.slice(0, j) + out.slice(i, j) + out.slice(j);
        break;
      case 3: // swap two characters
        if (i + 1 < out.length) out = out.slice(0, i) + out[i + 1] + out[i] + out.slice(i + 2);
        break;
      case 4: // random code point, any plane
        out = out.slice(0, i) + String.fromCodePoint(Math.floor(random() * 0x110000)) + out.slice(i);
        break;
      case 5: // truncate
        out = out.slice(0, i);
        break;
      default: // replace one character
        out = out.slice(0, i) + pick(ALPHABET) + out.slice(i + 1);
        break;
    }
  }
  return out;
}

/** Parses, and checks that the only possible outcomes are a result or a well-placed ExpositionError. */
function parseOrLocate(input: string, format: ExpositionFormat): 'ok' | 'error' {
  try {
    const parsed = parseExposition(input, format);
    expect(parsed.format).toBe(format);
    return 'ok';
  } catch (err) {
    if (!(err instanceof ExpositionError)) {
      throw new Error(`${format} input ${JSON.stringify(input)} threw ${String(err)}`, { cause: err });
    }
    const lines = input.split('\n');
    const ok =
      Number.isInteger(err.line) &&
      Number.isInteger(err.column) &&
      err.line >= 1 &&
      err.column >= 1 &&
      err.line <= lines.length &&
      err.column <= [...lines[err.line - 1]!].length + 1 &&
      err.message.length > 0;
    if (!ok) throw new Error(`${format} input ${JSON.stringify(input)}: bad position ${err.line}:${err.column} (${err.message})`);
    return 'error';
  }
}

describe('mutated expositions', () => {
  it('yield a result or an ExpositionError with a position inside the input, in both formats', () => {
    const random = prng(20260101);
    const deadline = Date.now() + 4000;
    const outcomes = { ok: 0, error: 0 };
    let runs = 0;
    for (; runs < 20000 && Date.now() < deadline; runs++) {
      const seed = SEEDS[Math.floor(random() * SEEDS.length)]!;
      const mutated = mutate(seed.input, random);
      outcomes[parseOrLocate(mutated, seed.format)]++;
      // The other format too: text fed to the OpenMetrics parser and back must fail cleanly.
      parseOrLocate(mutated, seed.format === 'text' ? 'openmetrics' : 'text');
    }
    expect(runs).toBeGreaterThan(2000);
    // Both outcomes occur, so the mutations neither always break nor never touch the grammar.
    expect(outcomes.ok).toBeGreaterThan(runs / 50);
    expect(outcomes.error).toBeGreaterThan(runs / 5);
  });

  it('survive pathological inputs without deep recursion or quadratic scans', () => {
    const big = 200_000;
    const inputs = [
      '{'.repeat(big),
      'a{' + 'b="c",'.repeat(big / 6) + '} 1\n',
      'a{b="' + '\\\\'.repeat(big / 2) + '"} 1\n',
      'a{b="' + 'x'.repeat(big),
      '#\n'.repeat(big / 2),
      'x 1\n'.repeat(big / 4),
      'm'.repeat(big) + ' 1\n',
      '"'.repeat(big),
      '\n'.repeat(big),
      '# HELP '.repeat(big / 7),
      'a 1 # {' + 'a="b",'.repeat(big / 6) + '} 1\n# EOF\n',
      // Tab-separated lines have no space to search for: each search must not run to the end.
      Array.from({ length: big / 2 }, (_, i) => `m${i}\t1`).join('\n') + '\n',
      // A new label name on every line, in descending order: the worst case for keeping names sorted.
      Array.from({ length: big / 10 }, (_, i) => `m{l${String(big - i).padStart(7, '0')}="v"} 1`).join('\n') + '\n',
      // One line with thousands of distinct labels, in descending order.
      `m{${Array.from({ length: big / 10 }, (_, i) => `l${String(big - i).padStart(7, '0')}="v"`).join(',')}} 1\n# EOF\n`,
    ];
    for (const input of inputs) {
      parseOrLocate(input, 'text');
      parseOrLocate(input, 'openmetrics');
    }
  });
});
