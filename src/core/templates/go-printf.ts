import { formatGoFloat, type FloatVerb } from '../go/format-go-float.js';
import { goQuote, goTypeName, printValue, type TemplateValue } from './template-value.js';

/**
 * Go's fmt.Sprintf for the verbs alert templates use (%v %s %q %d %f %F %e %E %g %G %%), with
 * flags, width and precision, and Go's in-band error texts: "%!d(float64=1.5)",
 * "%!d(MISSING)", "%!(EXTRA int=2)".
 */
export const PRINTF_VERBS = 'vsqdfFeEgG%';

export interface FormatSpec {
  readonly minus: boolean;
  readonly plus: boolean;
  readonly space: boolean;
  readonly zero: boolean;
  readonly width?: number;
  readonly prec?: number;
  /** '' when the format ends right after the flags ("%!(NOVERB)"). */
  readonly verb: string;
  /** Index of the '%' in the format. */
  readonly index: number;
}

/** Splits a format into literal text and conversion specs. */
export function scanFormat(format: string): (string | FormatSpec)[] {
  const parts: (string | FormatSpec)[] = [];
  let text = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch !== '%') {
      text += ch;
      i++;
      continue;
    }
    if (text) parts.push(text);
    text = '';
    const index = i++;
    const flags = { minus: false, plus: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') {
        flags.minus = true;
        flags.zero = false; // Go pads with zeros only on the left
      }
      else if (f === '+') flags.plus = true;
      else if (f === ' ') flags.space = true;
      else if (f === '0') flags.zero = !flags.minus;
      else if (f !== '#') break;
    }
    let width: number | undefined;
    let prec: number | undefined;
    const w = /^\d+/.exec(format.slice(i));
    if (w) {
      width = Number(w[0]);
      i += w[0].length;
    }
    if (format[i] === '.') {
      i++;
      const p = /^\d+/.exec(format.slice(i));
      prec = p ? Number(p[0]) : 0;
      if (p) i += p[0].length;
    }
    const verb = i < format.length ? String.fromCodePoint(format.codePointAt(i)!) : '';
    i += verb.length;
    parts.push({ ...flags, width, prec, verb, index });
  }
  if (text) parts.push(text);
  return parts;
}

function pad(s: string, spec: FormatSpec, zeroAllowed: boolean): string {
  const len = [...s].length;
  if (spec.width === undefined || spec.width <= len) return s;
  const fill = spec.width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  return (zeroAllowed && spec.zero ? '0' : ' ').repeat(fill) + s;
}

/** fmt's fmtFloat: sign handling, and no zero padding for Inf and NaN. */
function formatFloatArg(v: number, verb: FloatVerb, prec: number, spec: FormatSpec): string {
  const raw = formatGoFloat(v, verb, spec.prec ?? prec);
  let num = raw[0] === '-' || raw[0] === '+' ? raw : '+' + raw;
  if (spec.space && num[0] === '+' && !spec.plus) num = ' ' + num.slice(1);
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !spec.space && !spec.plus) num = num.slice(1);
    return pad(num, spec, false);
  }
  if (spec.plus || num[0] !== '+') {
    if (spec.zero && !spec.minus && spec.width !== undefined && spec.width > num.length) {
      return num[0] + '0'.repeat(spec.width - num.length) + num.slice(1);
    }
    return pad(num, spec, false);
  }
  return pad(num.slice(1), spec, true);
}

function formatIntArg(v: number, spec: FormatSpec): string {
  let digits = Math.abs(v).toString();
  if (spec.prec !== undefined) digits = spec.prec === 0 && v === 0 ? '' : digits.padStart(spec.prec, '0');
  const sign = v < 0 ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  if (spec.zero && spec.prec === undefined && !spec.minus && spec.width !== undefined) {
    return sign + digits.padStart(spec.width - sign.length, '0');
  }
  return pad(sign + digits, spec, false);
}

function formatArg(arg: TemplateValue, spec: FormatSpec): string | null {
  switch (arg.kind) {
    case 'float': {
      const verb = spec.verb === 'v' ? 'g' : spec.verb;
      if (!'eEfFgG'.includes(verb) || verb === '') return null;
      return formatFloatArg(arg.value, verb as FloatVerb, verb === 'g' || verb === 'G' ? -1 : 6, spec);
    }
    case 'int':
      return spec.verb === 'v' || spec.verb === 'd' ? formatIntArg(arg.value, spec) : null;
    case 'string': {
      if (spec.verb === 'q') return pad(goQuote(arg.value), spec, false);
      if (spec.verb !== 'v' && spec.verb !== 's') return null;
      const runes = [...arg.value];
      return pad(spec.prec === undefined ? arg.value : runes.slice(0, spec.prec).join(''), spec, false);
    }
    case 'map':
      return spec.verb === 'v' ? pad(printValue(arg), spec, false) : null;
  }
}

/** fmt.Sprintf(format, args...). */
export function goSprintf(format: string, args: readonly TemplateValue[]): string {
  let out = '';
  let next = 0;
  for (const part of scanFormat(format)) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    if (part.verb === '%') {
      out += '%';
      continue;
    }
    if (part.verb === '') {
      out += '%!(NOVERB)';
      continue;
    }
    const arg = args[next++];
    if (arg === undefined) {
      out += `%!${part.verb}(MISSING)`;
      continue;
    }
    const formatted = formatArg(arg, part);
    if (formatted !== null) {
      out += formatted;
    } else {
      // Go prints the bad argument with %v and the same flags, width and precision.
      out += `%!${part.verb}(${goTypeName(arg)}=${formatArg(arg, { ...part, verb: 'v' }) ?? printValue(arg)})`;
    }
  }
  if (next < args.length) {
    out += `%!(EXTRA ${args
      .slice(next)
      .map((a) => `${goTypeName(a)}=${printValue(a)}`)
      .join(', ')})`;
  }
  return out;
}
