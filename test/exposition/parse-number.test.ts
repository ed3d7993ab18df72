import { describe, expect, it } from 'vitest';
import { parseFloatToken, parseInt64Token, parseRealNumber } from '../../src/core/exposition/parse-number.js';

const float = (s: string) => parseFloatToken(s, 0, s.length);
const real = (s: string) => parseRealNumber(s, 0, s.length);
const int64 = (s: string) => parseInt64Token(s, 0, s.length);

describe('parseFloatToken', () => {
  it.each([
    ['0', 0], ['-0', -0], ['+3', 3], ['18342.0', 18342], ['0.1', 0.1], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E+3', 1000],
    ['2.5e-3', 0.0025], ['0000000000000000000000000000000000000000001.2e-1', 0.12], ['1.3299999999999998', 1.3299999999999998],
    ['123456789012345', 123456789012345], ['1234567890123456789', 1234567890123456800], ['9223372036854775808', 9223372036854775808],
    ['0.000000000000000000001', 1e-21], ['1e-400', 0], ['Inf', Infinity], ['+inf', Infinity], ['-INF', -Infinity],
    ['infinity', Infinity], ['-Infinity', -Infinity], ['NaN', NaN], ['nan', NaN],
  ])('reads %j', (token, value) => {
    expect(float(token)).toBe(value);
  });

  it('gives the same double as Number() for every fast-path shape', () => {
    for (const token of ['0.1', '0.2', '0.3', '1.1', '2.675', '123.456', '999999999999.999', '0.000001', '4.35', '8.0e0']) {
      expect(float(token), token).toBe(Number(token));
    }
  });

  it.each(['', '+', '-', '.', 'e3', '1e', '1e+', '1.2.3', '1_000', '0x1', '0X1p-3', '0b1', '0o1', '+NaN', '-nan', 'infin', 'Infinityy',
    '1 ', ' 1', '1e400', '-1e400', 'NaNa', '١'])('refuses %j', (token) => {
    expect(float(token)).toBeUndefined();
  });
});

describe('parseRealNumber (OpenMetrics timestamps and bounds)', () => {
  it('reads decimals and refuses the special values', () => {
    expect(real('1.5e3')).toBe(1500);
    expect(real('-2')).toBe(-2);
    expect(real('12345678901234567890.1234567890')).toBe(12345678901234567000);
    for (const token of ['Inf', '+Inf', 'NaN', '', '1z']) expect(real(token), token).toBeUndefined();
  });
});

describe('parseInt64Token (text-format timestamps)', () => {
  it('reads signed integers within int64', () => {
    expect(int64('1395066363000')).toBe(1395066363000);
    expect(int64('-2')).toBe(-2);
    expect(int64('+15')).toBe(15);
    // The nearest double to int64's maximum is 2^63.
    expect(int64('0009223372036854775807')).toBe(2 ** 63);
    expect(int64('-9223372036854775808')).toBe(-9223372036854775808);
  });

  it('refuses fractions, exponents and values beyond int64', () => {
    for (const token of ['2.72', '1e3', '', '-', '9223372036854775808', '-9223372036854775809', '12345678901234567890']) {
      expect(int64(token), token).toBeUndefined();
    }
  });
});
