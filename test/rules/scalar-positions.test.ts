import { describe, expect, it } from 'vitest';
import { isMap, isScalar, LineCounter, parseDocument, type Scalar } from 'yaml';
import { scalarOffset } from '../../src/core/rules/scalar-positions.js';

/** Where value[index] of the scalar under `key` is, as 1-based line:col. */
function position(text: string, key: string, index: number): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (!isMap(doc.contents)) throw new Error('not a map');
  const node = doc.contents.get(key, true);
  if (!isScalar(node)) throw new Error('not a scalar');
  const { line, col } = lineCounter.linePos(scalarOffset(text, node as Scalar, index));
  return `${line}:${col}`;
}

describe('positions inside YAML scalars', () => {
  it('maps plain and quoted single-line values, escapes included', () => {
    expect(position('expr: up == 0\n', 'expr', 3)).toBe('1:10');
    expect(position("expr: 'it''s up'\n", 'expr', 5)).toBe('1:14');
    expect(position('expr: "a\\"b\\tc"\n', 'expr', 4)).toBe('1:14');
  });

  it('maps every line of a literal block scalar, more-indented lines included', () => {
    const text = 'expr: |\n  sum(x)\n\n    + on(a) y\nnext: 1\n';
    expect(position(text, 'expr', 0)).toBe('2:3');
    expect(position(text, 'expr', 8)).toBe('4:3');
    expect(position(text, 'expr', 10)).toBe('4:5');
  });

  it('maps folded block scalars and multi-line plain scalars, where line breaks became spaces', () => {
    const folded = 'expr: >-\n  sum(x)\n  + y\n\n  and z\n';
    // value: "sum(x) + y\nand z"
    expect(position(folded, 'expr', 7)).toBe('3:3');
    expect(position(folded, 'expr', 11)).toBe('5:3');
    const plain = 'expr: sum(x)\n  + y\n';
    expect(position(plain, 'expr', 7)).toBe('2:3');
  });

  it('points just after the value for an index at its end (a parser\'s "unexpected end of input")', () => {
    expect(position('expr: sum(\n', 'expr', 4)).toBe('1:11');
    expect(position('expr: |\n  sum(\n', 'expr', 4)).toBe('2:7');
  });
});
