import { describe, expect, it } from 'vitest';
import { isServeMedicError } from '../../src/errors.js';
import { ExpositionError, expositionErrorAt } from '../../src/core/exposition/exposition-error.js';
import { findInvalidUtf8 } from '../../src/core/exposition/find-invalid-utf8.js';
import { formatFromContentType, parseExposition } from '../../src/core/exposition/parse-exposition.js';
import { labelsKey } from '../../src/core/labels.js';

describe('formatFromContentType', () => {
  it.each([
    ['application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores', 'openmetrics'],
    ['Application/OpenMetrics-Text', 'openmetrics'],
    ['application/openmetrics-text', 'openmetrics'],
    ['text/plain; version=0.0.4; charset=utf-8', 'text'],
    ['text/plain', 'text'],
    ['application/json', 'text'],
    ['', 'text'],
    [undefined, 'text'],
  ] as const)('%j is %s', (contentType, format) => {
    expect(formatFromContentType(contentType)).toBe(format);
  });
});

describe('ExpositionError', () => {
  it('is a ServeMedicError with code EXPOSITION_INVALID, a position and a bare message', () => {
    const err = expositionErrorAt('ok 1\nbad line\n', 9, 'something is wrong');
    expect(err).toBeInstanceOf(ExpositionError);
    expect(isServeMedicError(err, 'EXPOSITION_INVALID')).toBe(true);
    expect(err.retryable).toBe(false);
    expect([err.line, err.column, err.message]).toEqual([2, 5, 'something is wrong']);
    expect(err.details).toEqual({ line: 2, column: 5 });
  });

  it('counts columns in code points, so characters beyond the BMP count once', () => {
    const input = 'm{a="🙂🙂",b=x} 1\n';
    const err = expositionErrorAt(input, input.indexOf('x'), 'here');
    expect(err.column).toBe(12);
    expect(expositionErrorAt(input, input.length + 10, 'past the end').line).toBe(2);
  });
});

describe('findInvalidUtf8', () => {
  it.each([
    [[0x61, 0x62], -1],
    [[...Buffer.from('Björn ☃ 🙂')], -1],
    [[0x61, 0xff], 1],
    [[0x80], 0],
    [[0xc0, 0xaf], 0],
    [[0xe0, 0x80, 0xaf], 0],
    [[0xed, 0xa0, 0x80], 0],
    [[0xf4, 0x90, 0x80, 0x80], 0],
    [[0x61, 0xe2, 0x98], 1],
    [[0xe2, 0x28, 0xa1], 0],
  ])('%j -> %i', (bytes, offset) => {
    expect(findInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
  });
});

describe('label objects', () => {
  it('are plain objects whose keys follow the line, usable with labelsKey', () => {
    const parsed = parseExposition('m{b="2",a="1"} 1\nm{a="1",b="3"} 2\n', 'text');
    const [first, second] = parsed.samples;
    expect(Object.getPrototypeOf(first!.labels)).toBe(Object.prototype);
    expect(Object.keys(first!.labels)).toEqual(['__name__', 'b', 'a']);
    expect(labelsKey(first!.labels)).toBe('{__name__="m",a="1",b="2"}');
    expect(labelsKey(second!.labels)).toBe('{__name__="m",a="1",b="3"}');
  });

  it('keep __proto__ as a label without touching the prototype, in any position', () => {
    const parsed = parseExposition('p{__proto__="x"} 1\np{a="1",__proto__="y"} 2\np{a="2",__proto__="z"} 3\n', 'text');
    for (const [i, value] of ['x', 'y', 'z'].entries()) {
      const labels = parsed.samples[i]!.labels;
      expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value).toBe(value);
    }
  });

  it('are built right for many different label layouts in one exposition', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `layout{l${i}="v${i}",common="c"} ${i}`);
    const parsed = parseExposition(lines.join('\n') + '\n', 'text');
    parsed.samples.forEach((s, i) => expect(s.labels).toStrictEqual({ __name__: 'layout', [`l${i}`]: `v${i}`, common: 'c' }));
  });
});
