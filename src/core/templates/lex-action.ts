import type { TemplateProblem } from './template-ast.js';

/**
 * Splits the inside of one `{{ … }}` action into tokens, the way Go's text/template lexer
 * does for the subset serve-medic supports. Throws a TemplateProblem on anything else.
 */
export type Token =
  | { readonly t: 'string'; readonly value: string; readonly pos: number; readonly text: string }
  | { readonly t: 'number'; readonly value: number; readonly isFloat: boolean; readonly pos: number; readonly text: string }
  | { readonly t: 'ident'; readonly name: string; readonly pos: number; readonly text: string }
  /** `$name.a.b` ($ alone has name "$"). */
  | { readonly t: 'var'; readonly name: string; readonly fields: readonly string[]; readonly pos: number; readonly text: string }
  /** `.A.B`, or `.` alone (no fields). */
  | { readonly t: 'field'; readonly fields: readonly string[]; readonly pos: number; readonly text: string }
  | { readonly t: '|' | '(' | ')'; readonly pos: number; readonly text: string };

export interface LexedAction {
  readonly tokens: readonly Token[];
  /** Index just after the closing `}}`. */
  readonly end: number;
  /** The action ended with ` -}}`: trim the whitespace that follows. */
  readonly trimRight: boolean;
}

const SPACE = /[ \t\r\n]/;
const IDENT_START = /[\p{L}_]/u;
const IDENT_CHAR = /[\p{L}\p{N}_]/u;
const ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

export function problem(index: number, message: string): TemplateProblem {
  return { index, message };
}

/** A Go interpreted string literal starting at `start` (the opening quote). */
function lexQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    const ch = text[i]!;
    if (ch === '\n') break;
    if (ch !== '\\') {
      value += ch;
      i++;
      continue;
    }
    const e = text[i + 1] ?? '';
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (ESCAPES[e] !== undefined) {
      value += ESCAPES[e];
      i += 2;
    } else if (hex > 0 && new RegExp(`^[0-9a-fA-F]{${hex}}`).test(text.slice(i + 2))) {
      value += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + hex), 16));
      i += 2 + hex;
    } else if (/^[0-7]{3}/.test(text.slice(i + 1))) {
      value += String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      throw problem(i, 'unknown escape sequence in quoted string');
    }
  }
  if (text[i] !== '"') throw problem(start, 'unterminated quoted string');
  return { value, end: i + 1 };
}

const NUMBER = /^[+-]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

function lexNumber(text: string, start: number): Token {
  const m = NUMBER.exec(text.slice(start));
  const raw = m?.[0] ?? '';
  const after = text[start + raw.length] ?? '';
  if (!m || IDENT_CHAR.test(after) || after === '.') throw problem(start, `bad number syntax: ${text.slice(start).split(/[\s}|()]/)[0]}`);
  const hex = /^[+-]?0[xX]/.test(raw);
  const isFloat = !hex && /[.eE]/.test(raw);
  let value: number;
  if (hex) value = (raw.startsWith('-') ? -1 : 1) * parseInt(raw.replace(/^[+-]?0[xX]/, ''), 16);
  else if (!isFloat && /^[+-]?0\d/.test(raw)) value = (raw.startsWith('-') ? -1 : 1) * parseInt(raw.replace(/^[+-]?0/, ''), 8);
  else value = Number(raw);
  return { t: 'number', value, isFloat, pos: start, text: raw };
}

/** `.a.b` chains: returns the field names and the index after them. */
function lexFields(text: string, start: number): { fields: string[]; end: number } {
  const fields: string[] = [];
  let i = start;
  while (text[i] === '.' && IDENT_START.test(text[i + 1] ?? '')) {
    let j = i + 1;
    while (j < text.length && IDENT_CHAR.test(text[j]!)) j++;
    fields.push(text.slice(i + 1, j));
    i = j;
  }
  return { fields, end: i };
}

/** Lexes from `start` (just inside `{{` and any trim marker) to the closing delimiter. */
export function lexAction(text: string, start: number, open: number): LexedAction {
  const tokens: Token[] = [];
  let i = start;
  for (;;) {
    let spaced = false;
    while (i < text.length && SPACE.test(text[i]!)) {
      i++;
      spaced = true;
    }
    if (spaced && text.startsWith('-}}', i)) return { tokens, end: i + 3, trimRight: true };
    if (text.startsWith('}}', i)) return { tokens, end: i + 2, trimRight: false };
    if (i >= text.length) throw problem(open, 'unclosed action');
    const ch = text[i]!;
    const next = text[i + 1] ?? '';
    if (ch === '"') {
      const q = lexQuoted(text, i);
      tokens.push({ t: 'string', value: q.value, pos: i, text: text.slice(i, q.end) });
      i = q.end;
    } else if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) throw problem(i, 'unterminated raw quoted string');
      tokens.push({ t: 'string', value: text.slice(i + 1, close), pos: i, text: text.slice(i, close + 1) });
      i = close + 1;
    } else if (ch === '|' || ch === '(' || ch === ')') {
      tokens.push({ t: ch, pos: i, text: ch });
      i++;
    } else if (ch === '$') {
      let j = i + 1;
      while (j < text.length && IDENT_CHAR.test(text[j]!)) j++;
      const f = lexFields(text, j);
      tokens.push({ t: 'var', name: text.slice(i, j), fields: f.fields, pos: i, text: text.slice(i, f.end) });
      i = f.end;
    } else if (/\d/.test(ch) || ((ch === '-' || ch === '+' || ch === '.') && /[\d.]/.test(next) && next !== ch)) {
      const n = lexNumber(text, i);
      tokens.push(n);
      i += n.text.length;
    } else if (ch === '.') {
      const f = lexFields(text, i);
      const end = f.fields.length === 0 ? i + 1 : f.end;
      tokens.push({ t: 'field', fields: f.fields, pos: i, text: text.slice(i, end) });
      i = end;
    } else if (IDENT_START.test(ch)) {
      let j = i + 1;
      while (j < text.length && IDENT_CHAR.test(text[j]!)) j++;
      tokens.push({ t: 'ident', name: text.slice(i, j), pos: i, text: text.slice(i, j) });
      i = j;
    } else if (ch === ':' || ch === '=') {
      throw problem(i, 'variable declarations and assignments are not supported in serve-medic templates');
    } else if (ch === "'") {
      throw problem(i, 'character constants are not supported in serve-medic templates; use a "string"');
    } else {
      throw problem(i, `unexpected ${JSON.stringify(ch)} in command`);
    }
  }
}
