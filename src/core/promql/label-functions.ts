import { compileAnchoredGoRegexp } from '../store/go-regexp.js';
import { assertUniqueLabelSets, withLabels } from './label-sets.js';
import { evalError } from './promql-errors.js';
import type { Sample } from './values.js';

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/**
 * Go's Regexp.ExpandString: $1, ${1}, $name, ${name}, $$. A name is the longest run of
 * letters, digits and underscores, so "$1_x" refers to a group called "1_x" (usually empty),
 * a classic label_replace surprise kept here on purpose.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar === -1) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const brace = template[i] === '{';
    let j = brace ? i + 1 : i;
    const nameStart = j;
    while (j < template.length) {
      const cp = template.codePointAt(j)!;
      const ch = String.fromCodePoint(cp);
      if (!NAME_CHAR.test(ch)) break;
      j += ch.length;
    }
    const name = template.slice(nameStart, j);
    if (name === '' || (brace && template[j] !== '}')) {
      out += '$';
      continue;
    }
    if (brace) j++;
    i = j;
    let num = /^\d+$/.test(name) && !(name.length > 1 && name.startsWith('0')) && name.length <= 9 ? Number(name) : -1;
    if (num >= match.length) num = -1;
    if (num >= 0) out += match[num] ?? '';
    else out += match.groups?.[name] ?? '';
  }
  return out + template.slice(i);
}

export function labelReplace(samples: readonly Sample[], dst: string, replacement: string, src: string, pattern: string): Sample[] {
  let re: RegExp;
  try {
    re = compileAnchoredGoRegexp(pattern);
  } catch {
    throw evalError(`invalid regular expression in label_replace(): ${pattern}`);
  }
  if (!LABEL_NAME_RE.test(dst)) throw evalError(`invalid destination label name in label_replace(): ${dst}`);
  const out = samples.map((s) => {
    const match = re.exec(s.labels[src] ?? '');
    if (!match) return s;
    return { ...s, labels: withLabels(s.labels, { [dst]: expandTemplate(replacement, match) }) };
  });
  assertUniqueLabelSets(out);
  return out;
}

export function labelJoin(samples: readonly Sample[], dst: string, separator: string, sources: readonly string[]): Sample[] {
  for (const src of sources) {
    if (!LABEL_NAME_RE.test(src)) throw evalError(`invalid source label name in label_join(): ${src}`);
  }
  if (!LABEL_NAME_RE.test(dst)) throw evalError(`invalid destination label name in label_join(): ${dst}`);
  const out = samples.map((s) => ({
    ...s,
    labels: withLabels(s.labels, { [dst]: sources.map((n) => s.labels[n] ?? '').join(separator) }),
  }));
  assertUniqueLabelSets(out);
  return out;
}
