import { readFileSync } from 'node:fs';
import { loadRules } from '../../src/adapters/rules/load-rules.js';
import type { DiagnosisInput, ProbeResult, RemediationGuardrails } from '../../src/core/diagnosis/diagnosis-input.js';
import type { Labels } from '../../src/core/labels.js';
import type { Checklist } from '../../src/core/model/checklist.js';
import type { AlertRule, RuleGroup } from '../../src/core/model/rule.js';
import type { ServeInstanceDetails } from '../../src/core/serve/serve-types.js';

/**
 * Inputs for the pure diagnosis: the shipped checklist and rules, real GET bodies captured from
 * Ray Serve 2.58 (test/fixtures/ray), and probe results built by hand.
 */
const REPO = new URL('../../', import.meta.url).pathname;

export async function shippedRules(): Promise<{ groups: readonly RuleGroup[]; rules: readonly AlertRule[]; checklist: Checklist }> {
  const loaded = await loadRules(['rules'], { cwd: REPO });
  if (loaded.errors.length > 0 || !loaded.checklist) throw new Error(loaded.errors.join('\n'));
  return { groups: loaded.groups, rules: loaded.groups.flatMap((g) => g.rules), checklist: loaded.checklist };
}

/** A captured GET /api/serve/applications/ (a fresh copy each time: tests mutate it). */
export function capturedGet(name: string): ServeInstanceDetails {
  return JSON.parse(readFileSync(new URL(`../fixtures/ray/${name}.json`, import.meta.url), 'utf8')) as ServeInstanceDetails;
}

/**
 * get_04: app_fast/Echo autoscaling (min 2, max 3, target_ongoing_requests 2,
 * max_ongoing_requests 5) with two RUNNING replicas; app_slow/Sleeper fixed at 1 replica.
 */
export function runningCluster(): ServeInstanceDetails {
  return capturedGet('get_04_after_min2_scaled');
}

export const DEFAULT_GUARDRAILS: RemediationGuardrails = {
  deployments: {},
  default_max_replicas_ceiling: 20,
  default_max_ongoing_requests_ceiling: 64,
  max_step_factor: 2,
  cooldown: 15 * 60_000,
};

export function rule(rules: readonly AlertRule[], name: string): AlertRule {
  const found = rules.find((r) => r.alert === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
}

/** A probe result: the named probe of a rule returning the given series (empty = not confirmed). */
export function probeResult(r: AlertRule, probeName: string, series: readonly { labels: Labels; value: number }[]): ProbeResult {
  const probe = r.diagnose.find((p) => p.name === probeName);
  if (!probe) throw new Error(`rule ${r.alert} has no probe "${probeName}"`);
  return { probe, rule: r.alert, expr: probe.expr, samples: series.map((s) => ({ labels: s.labels, value: s.value, timestampMs: 0 })) };
}

export const NOW = Date.UTC(2026, 0, 1, 12);

export function baseInput(over: Partial<DiagnosisInput> & Pick<DiagnosisInput, 'checklist' | 'rules' | 'target'>): DiagnosisInput {
  return {
    cluster: 'test',
    probeResults: [],
    context: { metricsSeen: true, autoscalingTarget: { Echo: 2 }, healthyReplicas: { Echo: 2, Sleeper: 1 } },
    serve: runningCluster(),
    guardrails: DEFAULT_GUARDRAILS,
    nowMs: NOW,
    ...over,
  };
}
