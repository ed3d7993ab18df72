import type { InstantSample, QueryValue } from '../query/types.js';

/**
 * What an alerting rule's expression must give: a vector, or a scalar (one alert with no
 * labels), as in Prometheus's rule query function. Anything else is an evaluation error.
 */
export type RuleResult = { readonly vector: readonly InstantSample[] } | { readonly error: string };

export function toAlertVector(value: QueryValue): RuleResult {
  switch (value.resultType) {
    case 'vector':
      return { vector: value.result };
    case 'scalar':
      return { vector: [{ labels: {}, timestampMs: value.result.timestampMs, value: value.result.value }] };
    default:
      return { error: `rule result is not a vector or scalar (got a ${value.resultType})` };
  }
}
