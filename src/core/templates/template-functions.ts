import { goSprintf } from './go-printf.js';
import { humanize, humanize1024, humanizeDuration, humanizePercentage } from './humanize.js';
import { goQuote, goTypeName, str, type TemplateValue } from './template-value.js';
import { titleCase } from './title-case.js';

/**
 * The template functions serve-medic supports: the ones alert rules actually use. Each call
 * either returns a value or throws an Error whose message Go would put after
 * "error calling NAME: ".
 */
export interface TemplateFunction {
  /** How many arguments (the piped value counts as the last one); printf takes 1 or more. */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** What the arguments must be: anything convertible to a number, strings, or a format. */
  readonly params: 'number' | 'string' | 'format';
  readonly call: (args: readonly TemplateValue[]) => TemplateValue;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF = /^[+-]?inf(?:inity)?$/i;

/** strconv.ParseFloat(s, 64) for decimal text, Inf and NaN, with Go's error texts. */
function parseGoFloat(s: string): number {
  if (INF.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!DECIMAL.test(s)) throw new Error(`strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
  const v = Number(s);
  if (!Number.isFinite(v)) throw new Error(`strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`);
  return v;
}

/** Prometheus's ConvertToFloat: numbers as they are, strings parsed. */
export function convertToFloat(v: TemplateValue): number {
  switch (v.kind) {
    case 'float':
    case 'int':
      return v.value;
    case 'string':
      return parseGoFloat(v.value);
    case 'map':
      throw new Error(`can't convert ${goTypeName(v)} to float`);
  }
}

const numeric = (fn: (v: number) => string): TemplateFunction => ({
  minArgs: 1,
  maxArgs: 1,
  params: 'number',
  call: (args) => str(fn(convertToFloat(args[0]!))),
});

const textual = (fn: (v: string) => string): TemplateFunction => ({
  minArgs: 1,
  maxArgs: 1,
  params: 'string',
  call: (args) => str(fn(args[0]!.kind === 'string' ? args[0]!.value : '')),
});

export const TEMPLATE_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  humanize: numeric(humanize),
  humanize1024: numeric(humanize1024),
  humanizePercentage: numeric(humanizePercentage),
  humanizeDuration: numeric(humanizeDuration),
  printf: {
    minArgs: 1,
    maxArgs: Infinity,
    params: 'format',
    call: (args) => str(goSprintf(args[0]!.kind === 'string' ? args[0]!.value : '', args.slice(1))),
  },
  toUpper: textual((s) => s.toUpperCase()),
  toLower: textual((s) => s.toLowerCase()),
  title: textual(titleCase),
};

/** Prometheus template functions (and Go builtins) that serve-medic does not implement. */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'graphLink',
  'tableLink', 'sortByLabel', 'stripPort', 'stripDomain', 'humanizeTimestamp', 'toTime', 'toDuration', 'now',
  'pathPrefix', 'externalURL', 'parseDuration', 'urlQueryEscape', 'and', 'or', 'not', 'len', 'index', 'slice',
  'print', 'println', 'html', 'js', 'urlquery', 'call', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
]);

export const SUPPORTED_SUMMARY =
  'supported: $labels.NAME, $value, $externalLabels.NAME (or .Labels.NAME, .Value, .ExternalLabels.NAME), ' +
  'string and number constants, pipelines, and the functions ' +
  Object.keys(TEMPLATE_FUNCTIONS).join(', ');
