import { parseExposition } from '../../../src/core/exposition/parse-exposition.js';
import type { FlatSample } from '../../../src/sim/scenarios/evaluate-signature.js';

/**
 * Reads the simulator's exposition with the project's own parser (text 0.0.4, or OpenMetrics when
 * it ends in `# EOF`), so every assertion on numbers is also a check that the output parses.
 */
export function readSamples(exposition: string): FlatSample[] {
  const format = /# EOF\n?$/.test(exposition) ? 'openmetrics' : 'text';
  return parseExposition(exposition, format).samples.map((s) => {
    const { __name__: name = '', ...labels } = s.labels;
    return { name, labels, value: s.value };
  });
}

/** Sum of the samples of one name whose labels include `match`. */
export function total(samples: readonly FlatSample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

export function series(samples: readonly FlatSample[], name: string, match: Record<string, string> = {}): FlatSample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
