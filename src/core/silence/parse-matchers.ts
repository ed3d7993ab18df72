import type { Matcher } from './silence.js';
import { anchoredRegex } from './silence.js';

export type ParseMatchersResult =
  | { readonly ok: true; readonly matchers: readonly Matcher[] }
  | { readonly ok: false; readonly errors: readonly string[] };

const MATCHER = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/s;

/** True when the token looks like a matcher (has an operator after a label name). */
export function looksLikeMatcher(token: string): boolean {
  return MATCHER.test(token);
}

/**
 * Parses one matcher token: `name=value`, `name!="value with spaces"`, `name=~"emb.*"`.
 * Quoted values take JSON-style escapes; bare values are taken as written.
 */
export function parseMatcher(token: string): { ok: true; matcher: Matcher } | { ok: false; error: string } {
  const m = MATCHER.exec(token.trim());
  if (!m) return { ok: false, error: `"${token}" is not a matcher; write name=value, name!=value, name=~regex or name!~regex` };
  const [, name, op, rawValue] = m as unknown as [string, string, Matcher['op'], string];
  let value = rawValue.trim();
  if (value.startsWith('"') || value.startsWith("'")) {
    const quote = value[0]!;
    if (value.length < 2 || !value.endsWith(quote)) return { ok: false, error: `${name}${op}${value}: the quoted value is not closed` };
    const inner = value.slice(1, -1);
    if (quote === '"') {
      try {
        value = JSON.parse(`"${inner}"`) as string;
      } catch {
        return { ok: false, error: `${name}${op}${value}: bad escape in the quoted value` };
      }
    } else {
      value = inner;
    }
  }
  if (op === '=~' || op === '!~') {
    try {
      anchoredRegex(value);
    } catch (err) {
      return { ok: false, error: `${name}${op}"${value}": not a valid regular expression (${(err as Error).message})` };
    }
  }
  return { ok: true, matcher: { name, op, value } };
}

/**
 * Parses matcher tokens (already split on whitespace outside quotes). Accepts the PromQL-ish
 * form too: `{alertname="X", severity="critical"}`. Every problem is reported, not just the first.
 * Like Alertmanager, refuses a set that would match every alert (all matchers match "").
 */
export function parseMatchers(tokens: readonly string[]): ParseMatchersResult {
  const parts = tokens
    .flatMap((t) => splitOnCommas(t.replace(/^\{/, '').replace(/\}$/, '')))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (parts.length === 0) return { ok: false, errors: ['give at least one matcher, e.g. alertname=RayServeQueueBuildingUp'] };
  const matchers: Matcher[] = [];
  const errors: string[] = [];
  for (const p of parts) {
    const r = parseMatcher(p);
    if (r.ok) matchers.push(r.matcher);
    else errors.push(r.error);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (matchers.every((m) => matchesEmpty(m))) {
    errors.push('these matchers would silence every alert; add one that needs a label value, e.g. alertname=…');
    return { ok: false, errors };
  }
  return { ok: true, matchers };
}

function matchesEmpty(m: Matcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return anchoredRegex(m.value).test('');
    case '!~':
      return !anchoredRegex(m.value).test('');
  }
}

/** Splits on commas that are outside quotes. */
function splitOnCommas(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      cur += c;
      if (c === '\\' && i + 1 < text.length) cur += text[++i]!;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
