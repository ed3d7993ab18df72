/**
 * Prometheus matches label values with Go's RE2, fully anchored (`^(?:re)$`). JavaScript's
 * RegExp is close but not equal; this translates the RE2 syntax people write in PromQL and
 * refuses what JavaScript would silently read differently, so a matcher never gives a wrong
 * answer. RE2 has no look-around or back-references, so those are errors here too, as there.
 */
export class GoRegexpError extends Error {
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'GoRegexpError';
  }
}

/** Characters JavaScript (u mode) accepts after a backslash outside a class as themselves. */
const JS_SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/'.split(''));
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
/** RE2's \s is ASCII whitespace without \v; JavaScript's is Unicode-wide. */
const RE2_SPACE = '\\t\\n\\f\\r ';
const PERL_CLASS_IN_SET: Readonly<Record<string, string>> = { d: '0-9', w: '0-9A-Za-z_', s: RE2_SPACE };

function isPunct(c: string): boolean {
  return /^[!-/:-@[-`{-~]$/.test(c);
}

function hexEscape(c: string): string {
  return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
}

interface Translation {
  source: string;
  flags: string;
}

/** Translates an RE2 pattern into a JavaScript source and flags (unanchored). */
export function translateGoRegexp(pattern: string): Translation {
  let flags = 'u';
  let i = 0;
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'U') throw new GoRegexpError('the (?U) ungreedy flag is not supported', true);
      if (!flags.includes(f)) flags += f;
    }
    i = lead[0].length;
  }
  let out = '';
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const [text, next] = translateEscape(pattern, i, false);
      out += text;
      i = next;
    } else if (c === '[') {
      const [text, next] = translateClass(pattern, i);
      out += text;
      i = next;
    } else if (c === '(') {
      if (pattern.startsWith('(?P<', i)) {
        out += '(?<';
        i += 4;
      } else if (pattern.startsWith('(?:', i)) {
        out += '(?:';
        i += 3;
      } else if (pattern.startsWith('(?<', i) && /^\(\?<[A-Za-z_]/.test(pattern.slice(i))) {
        out += '(?<';
        i += 3;
      } else if (pattern[i + 1] === '?') {
        if (/^\(\?(=|!|<=|<!)/.test(pattern.slice(i))) {
          throw new GoRegexpError(`invalid or unsupported Perl syntax: \`${pattern.slice(i, i + 3)}\``);
        }
        throw new GoRegexpError(`flag groups such as \`${pattern.slice(i, i + 5)}\` are supported only at the start`, true);
      } else {
        out += c;
        i++;
      }
    } else if (c === '{') {
      const rep = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (rep) {
        const min = Number(rep[1]);
        const max = rep[3] ? Number(rep[3]) : min;
        if (min > 1000 || max > 1000 || (rep[3] && max < min)) {
          throw new GoRegexpError(`invalid repeat count: \`${rep[0]}\``);
        }
        out += rep[0];
        i += rep[0].length;
      } else {
        out += '\\{';
        i++;
      }
    } else if (c === '}') {
      out += '\\}';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return { source: out, flags };
}

function translateEscape(pattern: string, i: number, inClass: boolean): [string, number] {
  const c = pattern[i + 1];
  if (c === undefined) throw new GoRegexpError('trailing backslash at end of expression');
  if (/[1-9]/.test(c)) throw new GoRegexpError(`invalid escape sequence: \`\\${c}\` (back-references are not RE2)`);
  if (c === 'Q') {
    const end = pattern.indexOf('\\E', i + 2);
    const literal = end === -1 ? pattern.slice(i + 2) : pattern.slice(i + 2, end);
    const escaped = [...literal].map((ch) => (isPunct(ch) ? hexEscape(ch) : ch)).join('');
    return [escaped, end === -1 ? pattern.length : end + 2];
  }
  if (c === 'A' && !inClass) return ['(?<![\\s\\S])', i + 2];
  if (c === 'z' && !inClass) return ['(?![\\s\\S])', i + 2];
  if (c === 's') return [inClass ? RE2_SPACE : `[${RE2_SPACE}]`, i + 2];
  if (c === 'S' && !inClass) return [`[^${RE2_SPACE}]`, i + 2];
  if (c === 'p' || c === 'P') {
    const named = /^\\[pP]\{(\^?)([A-Za-z_]+)\}/.exec(pattern.slice(i));
    const single = /^\\[pP]([A-Za-z])/.exec(pattern.slice(i));
    if (named) {
      const negate = (c === 'P') !== (named[1] === '^');
      return [`\\${negate ? 'P' : 'p'}{${named[2]}}`, i + named[0].length];
    }
    if (single) return [`\\${c}{${single[1]}}`, i + 2];
    throw new GoRegexpError('invalid character class range');
  }
  if ('dDwWbBntrfv'.includes(c)) return ['\\' + c, i + 2];
  if (c === 'x') {
    const hex = /^\\x(\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{2})/.exec(pattern.slice(i));
    if (!hex) throw new GoRegexpError('invalid escape sequence: `\\x`');
    const code = parseInt(hex[1]!.replace(/[{}]/g, ''), 16);
    return [`\\u{${code.toString(16)}}`, i + hex[0].length];
  }
  if (c === '0') {
    const oct = /^\\([0-7]{1,3})/.exec(pattern.slice(i));
    const code = parseInt(oct![1]!, 8);
    return [`\\u{${code.toString(16)}}`, i + oct![0].length];
  }
  if (c === 'C') throw new GoRegexpError('\\C (any byte) is not supported', true);
  if (isPunct(c)) {
    if (JS_SYNTAX_CHARS.has(c) || (inClass && c === '-')) return ['\\' + c, i + 2];
    return [hexEscape(c), i + 2];
  }
  throw new GoRegexpError(`invalid escape sequence: \`\\${c}\``);
}

function translateClass(pattern: string, start: number): [string, number] {
  let i = start + 1;
  let out = '[';
  if (pattern[i] === '^') {
    out += '^';
    i++;
  }
  // In RE2 a `]` right after `[` or `[^` is a literal; in JavaScript `[]` is an empty class.
  if (pattern[i] === ']') {
    out += '\\]';
    i++;
  }
  while (i < pattern.length && pattern[i] !== ']') {
    const c = pattern[i]!;
    if (c === '[' && pattern[i + 1] === ':') {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
      if (!posix || POSIX_CLASSES[posix[2]!] === undefined) throw new GoRegexpError('invalid character class range');
      if (posix[1]) throw new GoRegexpError('negated POSIX classes are not supported', true);
      out += POSIX_CLASSES[posix[2]!];
      i += posix[0].length;
    } else if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== undefined && PERL_CLASS_IN_SET[next] !== undefined) {
        out += PERL_CLASS_IN_SET[next];
        i += 2;
      } else if (next === 'S' || next === 'D' || next === 'W') {
        if (next === 'S') throw new GoRegexpError('\\S inside a character class is not supported', true);
        out += '\\' + next;
        i += 2;
      } else {
        const [text, nextIndex] = translateEscape(pattern, i, true);
        out += text;
        i = nextIndex;
      }
    } else if (c === '[') {
      out += '\\[';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (i >= pattern.length) throw new GoRegexpError('missing closing ]');
  return [out + ']', i + 1];
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 2000;

/**
 * Compiles an RE2 pattern fully anchored, as Prometheus does for =~, !~ and label_replace.
 * Compiled patterns are cached: rules evaluate the same few patterns over and over.
 */
export function compileAnchoredGoRegexp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { source, flags } = translateGoRegexp(pattern);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, flags);
  } catch (err) {
    throw new GoRegexpError(`error parsing regexp: ${(err as Error).message}`);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, re);
  return re;
}
