import type { Labels } from '../labels.js';
import { syntaxError } from './promql-errors.js';
import { unquoteString } from './unquote-string.js';

/**
 * A metric as promtool's test files write it: `name{a="1", b='2'}`, `{__name__="name"}`,
 * `name` or `{}`. Returns the labels (name as __name__) and where the text after the metric
 * starts. Throws PROMQL_SYNTAX.
 */
export function parseMetricPrefix(text: string): { labels: Labels; end: number } {
  let i = skipSpace(text, 0);
  const out: Record<string, string> = {};
  const name = /^[A-Za-z_:][\w:]*/.exec(text.slice(i));
  if (name) {
    out['__name__'] = name[0];
    i += name[0].length;
  }
  const afterName = i;
  i = skipSpace(text, i);
  if (text[i] !== '{') {
    if (!name) throw syntaxError(text, i, i >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[i])}`);
    return { labels: sorted(out), end: afterName };
  }
  i++;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] === '}') {
      i++;
      break;
    }
    const label = /^[A-Za-z_]\w*/.exec(text.slice(i));
    if (!label) throw syntaxError(text, i, `unexpected ${describe(text, i)} in label set, expected label name`);
    i = skipSpace(text, i + label[0].length);
    if (text[i] !== '=' || text[i + 1] === '~') throw syntaxError(text, i, `unexpected ${describe(text, i)} in label set, expected "="`);
    i = skipSpace(text, i + 1);
    const str = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)/.exec(text.slice(i));
    if (!str) throw syntaxError(text, i, `unexpected ${describe(text, i)} in label set, expected string`);
    const value = unquoteString(str[0]);
    if (value === undefined) throw syntaxError(text, i, `error unquoting string ${str[0]}`);
    out[label[0]] = value;
    i = skipSpace(text, i + str[0].length);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') {
      i++;
      break;
    }
    throw syntaxError(text, i, `unexpected ${describe(text, i)} in label set, expected "," or "}"`);
  }
  return { labels: sorted(out), end: i };
}

/** A whole metric string; anything after it is an error. */
export function parseMetric(text: string): Labels {
  const { labels, end } = parseMetricPrefix(text);
  const rest = skipSpace(text, end);
  if (rest < text.length) throw syntaxError(text, rest, `unexpected ${describe(text, rest)}`);
  return labels;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function describe(text: string, i: number): string {
  return i >= text.length ? 'end of input' : JSON.stringify(text[i]);
}

function sorted(labels: Record<string, string>): Labels {
  const out: Record<string, string> = {};
  for (const n of Object.keys(labels).sort()) out[n] = labels[n]!;
  return Object.freeze(out);
}
