import type { Labels } from '../labels.js';

/** One label matcher, Alertmanager style. Regex matchers are fully anchored. */
export interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface Silence {
  /** Short id users type in `/serve-medic unsilence ID`. */
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  /** Slack user id (U…) of whoever created it, or "cli"/"api". */
  readonly createdBy: string;
  readonly reason: string;
  readonly createdAtMs: number;
  /** Set when it was ended early with `unsilence`. */
  readonly expiredBy?: string;
}

const regexCache = new Map<string, RegExp>();

/** Compiles a matcher's value as Prometheus does: the whole label value must match. */
export function anchoredRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`, 's');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

/** A missing label matches as the empty string, as in Prometheus and Alertmanager. */
export function matcherMatches(m: Matcher, labels: Labels): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchoredRegex(m.value).test(v);
    case '!~':
      return !anchoredRegex(m.value).test(v);
  }
}

export function matchersMatch(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matcherMatches(m, labels));
}

export function isSilenceActive(s: Silence, nowMs: number): boolean {
  return s.startsAtMs <= nowMs && nowMs < s.endsAtMs;
}

/** The first active silence that mutes these labels, if any. */
export function findSilence(silences: readonly Silence[], labels: Labels, nowMs: number): Silence | undefined {
  return silences.find((s) => isSilenceActive(s, nowMs) && matchersMatch(s.matchers, labels));
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
