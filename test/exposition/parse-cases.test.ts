import { describe, expect, it } from 'vitest';
import { ExpositionError } from '../../src/core/exposition/exposition-error.js';
import { parseExposition } from '../../src/core/exposition/parse-exposition.js';
import type { ExpositionFormat } from '../../src/core/exposition/types.js';
import type { InvalidCase, ValidCase } from './cases/case-types.js';
import { metadataRecord, toSample } from './cases/case-types.js';
import { INVALID_OPENMETRICS_CASES, VALID_OPENMETRICS_CASES } from './cases/openmetrics-cases.js';
import { INVALID_TEXT_CASES, VALID_TEXT_CASES } from './cases/text-format-cases.js';

function errorOf(input: string, format: ExpositionFormat): ExpositionError {
  try {
    parseExposition(input, format);
  } catch (err) {
    if (err instanceof ExpositionError) return err;
    throw err;
  }
  throw new Error('expected the input to be rejected, but it parsed');
}

function describeFormat(format: ExpositionFormat, valid: readonly ValidCase[], invalid: readonly InvalidCase[]): void {
  describe(`${format} format`, () => {
    it.each(valid.map((c) => [c.name, c] as const))('parses: %s', (_name, c) => {
      const parsed = parseExposition(c.input, format);
      expect(parsed.format).toBe(format);
      expect(parsed.samples).toStrictEqual(c.samples.map(toSample));
      if (c.metadata) expect(metadataRecord(parsed)).toStrictEqual(c.metadata);
      expect(parsed.exemplars).toStrictEqual(c.exemplars ?? []);
    });

    it.each(invalid.map((c) => [c.name, c] as const))('rejects: %s', (_name, c) => {
      const err = errorOf(c.input, format);
      const [line, column, message] = c.error;
      expect(`${err.line}:${err.column}: ${err.message}`).toContain(`${line}:${column}: `);
      expect(err.message).toContain(message);
      expect(err.code).toBe('EXPOSITION_INVALID');
    });
  });
}

describeFormat('text', VALID_TEXT_CASES, INVALID_TEXT_CASES);
describeFormat('openmetrics', VALID_OPENMETRICS_CASES, INVALID_OPENMETRICS_CASES);

describe('the two formats side by side', () => {
  it('reads a text exposition that is also valid OpenMetrics apart from # EOF the same way', () => {
    const body = '# TYPE temp gauge\n# HELP temp Temperature.\ntemp{room="a"} 21.5\ntemp{room="b"} -3\n';
    const text = parseExposition(body, 'text');
    const om = parseExposition(body + '# EOF\n', 'openmetrics');
    expect(om.samples).toStrictEqual(text.samples);
    expect(om.metadata).toStrictEqual(text.metadata);
  });

  it('reads text timestamps as milliseconds and OpenMetrics ones as seconds', () => {
    expect(parseExposition('t 1 1500\n', 'text').samples[0]?.timestampMs).toBe(1500);
    expect(parseExposition('t 1 1.5\n# EOF\n', 'openmetrics').samples[0]?.timestampMs).toBe(1500);
  });

  it('tolerates blanks in the text format that OpenMetrics rejects', () => {
    expect(parseExposition('m{ a = "1" } 1\n', 'text').samples).toHaveLength(1);
    expect(errorOf('m{ a="1"} 1\n# EOF\n', 'openmetrics').column).toBe(3);
  });
});
