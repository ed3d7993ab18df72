import { compileAnchoredGoRegexp } from './go-regexp.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector; a missing label matches as the empty string, as in Prometheus. */
export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/** A matcher ready to test values; regex results are remembered per value (label values repeat). */
export interface CompiledMatcher extends LabelMatcher {
  matches(value: string): boolean;
}

const MEMO_LIMIT = 10_000;

export function compileMatcher(matcher: LabelMatcher): CompiledMatcher {
  const { name, type, value } = matcher;
  switch (type) {
    case '=':
      return { name, type, value, matches: (v) => v === value };
    case '!=':
      return { name, type, value, matches: (v) => v !== value };
    case '=~':
    case '!~': {
      const re = compileAnchoredGoRegexp(value);
      const positive = type === '=~';
      const memo = new Map<string, boolean>();
      return {
        name,
        type,
        value,
        matches: (v) => {
          let hit = memo.get(v);
          if (hit === undefined) {
            hit = re.test(v);
            if (memo.size >= MEMO_LIMIT) memo.clear();
            memo.set(v, hit);
          }
          return hit === positive;
        },
      };
    }
  }
}

export function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}

/** Whether the matcher accepts a series that lacks the label (Prometheus's "empty matcher"). */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return compileAnchoredGoRegexp(m.value).test('');
    case '!~':
      return !compileAnchoredGoRegexp(m.value).test('');
  }
}
