import { humanizeDuration } from '../duration.js';
import type { RemediationAction } from '../model/checklist.js';
import type { ProposalBounds } from './proposal.js';
import { configCeiling, type GuardrailConfig } from '../model/guardrails.js';

/** config.remediation, as far as the guardrails read it. */
export interface GuardrailSettings extends GuardrailConfig {
  readonly max_per_hour: number;
}

/** What serve-medic itself changed lately, from the limits store. */
export interface RecentChanges {
  /** When this deployment was last changed by serve-medic (any proposal). */
  readonly lastChangeAtMs?: number;
  /** Changes applied to the cluster in the last hour. */
  readonly changesInLastHour: number;
}

/** The largest value one step may reach from `from`: x maxStep, but always at least +1. */
export function stepLimit(from: number, maxStep: number): number {
  return Math.max(from + 1, Math.floor(from * maxStep));
}

/**
 * The tighter of the diagnosis's bounds (the rule's remediation spec and the config, as the
 * diagnosis computed them) and the config as it is now.
 */
export function effectiveBounds(action: RemediationAction, key: string, bounds: ProposalBounds, s: GuardrailSettings): ProposalBounds {
  return {
    ceiling: Math.min(bounds.ceiling, configCeiling(action, key, s).value),
    maxStep: Math.min(bounds.maxStep, s.max_step_factor),
    cooldownMs: Math.max(bounds.cooldownMs, s.cooldown),
  };
}

export interface GuardrailInput {
  readonly action: RemediationAction;
  readonly application: string;
  readonly deployment: string;
  readonly from: number;
  readonly to: number;
  readonly bounds: ProposalBounds;
  readonly settings: GuardrailSettings;
  readonly recent: RecentChanges;
  readonly nowMs: number;
}

/**
 * Why a fix may not be made now, or undefined when every guardrail allows it: the deployment's
 * switch, its ceiling, the largest step, its cooldown, and the cluster's changes per hour.
 * Rollbacks do not come here: undoing serve-medic's own change is never held back by them.
 */
export function checkGuardrails(g: GuardrailInput): string | undefined {
  const key = `${g.application}/${g.deployment}`;
  if (g.settings.deployments[key]?.enabled === false) return `automatic changes are disabled for ${key} (remediation.deployments["${key}"].enabled)`;
  const b = effectiveBounds(g.action, key, g.bounds, g.settings);
  if (g.to > b.ceiling) return `${g.to} is above the ceiling of ${b.ceiling} for ${key}`;
  const limit = stepLimit(g.from, b.maxStep);
  if (g.to > limit) return `${g.from} -> ${g.to} is more than one step of x${b.maxStep} (at most ${limit})`;
  if (g.recent.lastChangeAtMs !== undefined && g.nowMs - g.recent.lastChangeAtMs < b.cooldownMs) {
    const ago = humanizeDuration(g.nowMs - g.recent.lastChangeAtMs);
    return `${key} was changed ${ago} ago; the cooldown is ${humanizeDuration(b.cooldownMs)}`;
  }
  if (g.recent.changesInLastHour >= g.settings.max_per_hour) {
    return `${g.recent.changesInLastHour} change(s) were applied to this cluster in the last hour; remediation.max_per_hour is ${g.settings.max_per_hour}`;
  }
  return undefined;
}
