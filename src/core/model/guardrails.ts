import type { RemediationAction } from './checklist.js';

/**
 * The guardrails of config.remediation that both the diagnosis (which sizes a fix) and the
 * remediation (which checks it again before applying) read. One definition and one ceiling
 * lookup, so the two can never disagree about a bound.
 */
export interface GuardrailConfig {
  readonly deployments: Readonly<
    Record<
      string,
      {
        readonly max_replicas_ceiling?: number;
        readonly min_replicas_ceiling?: number;
        readonly num_replicas_ceiling?: number;
        readonly max_ongoing_requests_ceiling?: number;
        readonly enabled: boolean;
      }
    >
  >;
  readonly default_max_replicas_ceiling: number;
  readonly default_max_ongoing_requests_ceiling: number;
  readonly max_step_factor: number;
  /** Milliseconds. */
  readonly cooldown: number;
}

const CEILING_KEY = {
  raise_max_replicas: 'max_replicas_ceiling',
  raise_min_replicas: 'min_replicas_ceiling',
  raise_num_replicas: 'num_replicas_ceiling',
  set_max_ongoing_requests: 'max_ongoing_requests_ceiling',
} as const satisfies Record<RemediationAction, string>;

/** The ceiling the config sets for an action on "app/deployment": its own, else the default; and which key set it. */
export function configCeiling(action: RemediationAction, key: string, g: GuardrailConfig): { value: number; source: string } {
  const name = CEILING_KEY[action];
  const own = g.deployments[key]?.[name];
  if (own !== undefined) return { value: own, source: `remediation.deployments["${key}"].${name}` };
  return action === 'set_max_ongoing_requests'
    ? { value: g.default_max_ongoing_requests_ceiling, source: 'remediation.default_max_ongoing_requests_ceiling' }
    : { value: g.default_max_replicas_ceiling, source: 'remediation.default_max_replicas_ceiling' };
}
