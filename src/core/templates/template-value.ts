import { goQuote } from '../go/go-quote.js';
import { formatGoFloat } from '../go/format-go-float.js';

/**
 * A value inside a template, typed the way Go sees it: Prometheus gives templates strings
 * (label values), a float64 ($value), untyped constants (ints and floats) and label maps.
 */
export type TemplateValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'map'; readonly value: Readonly<Record<string, string>> };

export const str = (value: string): TemplateValue => ({ kind: 'string', value });
export const float = (value: number): TemplateValue => ({ kind: 'float', value });

/** The Go type name, as it appears in Go's error texts ("%!d(float64=1.5)"). */
export { goQuote };

export function goTypeName(v: TemplateValue): string {
  switch (v.kind) {
    case 'string':
      return 'string';
    case 'float':
      return 'float64';
    case 'int':
      return 'int';
    case 'map':
      return 'map[string]string';
  }
}

/** What fmt.Print (and so `{{ x }}`) prints: floats shortest ("1.234567e+06"), maps sorted. */
export function printValue(v: TemplateValue): string {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'float':
      return formatGoFloat(v.value, 'g', -1);
    case 'int':
      return String(v.value);
    case 'map': {
      const names = Object.keys(v.value).sort();
      return `map[${names.map((n) => `${n}:${v.value[n]}`).join(' ')}]`;
    }
  }
}

