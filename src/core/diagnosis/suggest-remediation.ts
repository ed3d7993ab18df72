import { humanizeDuration } from '../duration.js';
import type { RemediationAction } from '../model/checklist.js';
import type { ConfigFinding, RankedItem, SuggestedRemediation } from '../model/diagnosis.js';
import type { AlertRule, RemediationSpec } from '../model/rule.js';
import type { ApplicationDetails } from '../serve/serve-types.js';
import type { DiagnosisContext, RemediationGuardrails } from './diagnosis-input.js';
import { configCeiling } from '../model/guardrails.js';
import type { DeploymentView } from './deployment-view.js';
import {
  autoscalingOf,
  isAutoscaling,
  maxOngoingOf,
  maxReplicasOf,
  minReplicasOf,
  num,
  numReplicasOf,
  targetOngoingOf,
} from './deployment-view.js';

/**
 * The change serve-medic proposes, within the guardrails, or the reason it proposes none.
 *
 * It walks the confirmed items in rank order and takes the first whose fix is automatic:
 *  - the action follows the deployment's kind and is never a switch between fixed and
 *    autoscaling: raise_num_replicas for a fixed deployment, raise_max_replicas (or
 *    raise_min_replicas for cold starts) for an autoscaling one; when max_ongoing_requests is
 *    below target_ongoing_requests autoscaling cannot work at all, so the capacity fix is
 *    set_max_ongoing_requests to 2x the target (the guide's 2-3x rule);
 *  - the bounds are the tighter of the rule's `remediation` (the triggering rule, else a rule
 *    that lists the item) and the config: the per-deployment ceiling, else the default
 *    ceiling; the smaller max step; the longer cooldown;
 *  - the new value is what the load calls for (total requests / target_ongoing_requests) when
 *    the metrics say, else one max step, never above the ceiling. At the ceiling, no proposal.
 * Anything the REST API cannot change (request_timeout_s, code, GPUs) stays in the item's
 * manual fix and never becomes a remediation.
 */
export interface SuggestParams {
  readonly application: string;
  readonly app?: ApplicationDetails;
  readonly view?: DeploymentView;
  readonly items: readonly RankedItem[];
  readonly findings: readonly ConfigFinding[];
  readonly triggering?: AlertRule;
  readonly rules: readonly AlertRule[];
  readonly guardrails: RemediationGuardrails;
  readonly context: DiagnosisContext;
  /** Replicas the autoscaler wants for the focal deployment, from a probe, when known. */
  readonly wantedReplicas?: number;
  readonly lastRemediationAtMs?: number;
  readonly nowMs: number;
  readonly serveError?: string;
}

export interface Suggestion {
  readonly remediation?: SuggestedRemediation;
  readonly note?: string;
}

type Family = 'replicas' | 'min' | 'ongoing';
const FAMILY: Readonly<Record<RemediationAction, Family>> = {
  raise_max_replicas: 'replicas',
  raise_num_replicas: 'replicas',
  raise_min_replicas: 'min',
  set_max_ongoing_requests: 'ongoing',
};

const FIELD: Readonly<Record<RemediationAction, string>> = {
  raise_max_replicas: 'autoscaling_config.max_replicas',
  raise_min_replicas: 'autoscaling_config.min_replicas',
  raise_num_replicas: 'num_replicas',
  set_max_ongoing_requests: 'max_ongoing_requests',
};

/** The spec for an action on an item: the triggering rule's, else a rule listing the item. */
function specFor(action: RemediationAction, itemId: string, p: SuggestParams): RemediationSpec | undefined {
  const fits = (r: AlertRule) => r.remediation !== undefined && r.checklist.includes(itemId) && FAMILY[r.remediation.action] === FAMILY[action];
  if (p.triggering && fits(p.triggering)) return p.triggering.remediation;
  return p.rules.find(fits)?.remediation;
}

/** Which action fits this item on this deployment, or why none does. */
function chooseAction(item: RankedItem, view: DeploymentView, autoscalingBroken: boolean): RemediationAction | string {
  const actions = item.item.remediation.actions;
  const capacity = actions.includes('raise_max_replicas') || actions.includes('raise_num_replicas');
  if (isAutoscaling(view)) {
    if (autoscalingBroken && (capacity || actions.includes('set_max_ongoing_requests'))) return 'set_max_ongoing_requests';
    if (actions.includes('raise_min_replicas')) return 'raise_min_replicas';
    if (actions.includes('raise_max_replicas')) return 'raise_max_replicas';
    if (actions.includes('set_max_ongoing_requests')) return 'set_max_ongoing_requests';
    return `${item.item.title}: no automatic action for an autoscaling deployment`;
  }
  if (actions.includes('raise_num_replicas')) return 'raise_num_replicas';
  if (actions.includes('set_max_ongoing_requests')) return 'set_max_ongoing_requests';
  return `${view.name} has a fixed num_replicas: serve-medic never switches a deployment to autoscaling (that restarts the whole application); add an autoscaling_config by hand`;
}

function guard(p: SuggestParams): string | undefined {
  if (p.serveError !== undefined || !p.app) return `the Serve REST API could not be read${p.serveError ? ` (${p.serveError})` : ''}: no change is proposed without the current config`;
  if (p.app.source === 'imperative' || !p.app.deployed_app_config) {
    return `${p.application} was deployed imperatively (serve.run): the REST API cannot change it`;
  }
  const status = String(p.app.status ?? '');
  if (status === 'DEPLOY_FAILED' || status === 'DELETING') return `${p.application} is ${status}: fix or restore its config first; serve-medic changes nothing in it meanwhile`;
  if (status === 'DEPLOYING') return `${p.application} is DEPLOYING: serve-medic changes nothing until the current update finishes or fails`;
  if (!p.view) return `no single deployment of ${p.application} to change could be identified: diagnose ${p.application}/DEPLOYMENT`;
  if (!p.view.effective) return `the config of ${p.application}/${p.view.name} is not visible in the Serve API (status ${status || 'unknown'}): no change while it is unknown`;
  const key = `${p.application}/${p.view.name}`;
  if (p.guardrails.deployments[key]?.enabled === false) return `automatic changes are disabled for ${key} (remediation.deployments["${key}"].enabled)`;
  return undefined;
}

interface Plan {
  readonly from: number;
  readonly to: number;
  readonly ceiling: number;
  readonly ceilingSource: string;
  readonly maxStep: number;
  readonly cooldownMs: number;
}

function plan(action: RemediationAction, itemId: string, view: DeploymentView, p: SuggestParams): Plan | string {
  const key = `${p.application}/${view.name}`;
  const spec = specFor(action, itemId, p);
  const cfg = configCeiling(action, key, p.guardrails);
  let ceiling = cfg.value;
  let ceilingSource = cfg.source;
  if (spec && spec.ceiling < ceiling) {
    ceiling = spec.ceiling;
    ceilingSource = `the rule's remediation.ceiling`;
  }
  const maxStep = Math.min(spec?.max_step ?? Infinity, p.guardrails.max_step_factor);
  const cooldownMs = Math.max(spec?.cooldown_ms ?? 0, p.guardrails.cooldown);
  const stepLimit = (from: number) => Math.max(from + 1, Math.floor(from * maxStep));

  let from: number;
  let wanted: number | undefined;
  switch (action) {
    case 'raise_max_replicas':
      from = maxReplicasOf(view);
      wanted = p.wantedReplicas !== undefined ? Math.ceil(p.wantedReplicas) : undefined;
      break;
    case 'raise_num_replicas':
      from = numReplicasOf(view);
      break;
    case 'raise_min_replicas': {
      from = minReplicasOf(view);
      wanted = from + 1; // one warm replica more; 0 -> 1 is the guide's fix
      const max = maxReplicasOf(view);
      if (max < ceiling) {
        ceiling = max;
        ceilingSource = 'max_replicas';
      }
      break;
    }
    case 'set_max_ongoing_requests': {
      from = maxOngoingOf(view);
      if (!isAutoscaling(view)) return `${key} has no target_ongoing_requests to size max_ongoing_requests against (the guide's 2-3x rule)`;
      wanted = Math.ceil(2 * targetOngoingOf(view));
      if (wanted <= from) return `max_ongoing_requests ${from} already meets the guide's 2-3x target_ongoing_requests`;
      break;
    }
  }
  const to = Math.min(wanted !== undefined && wanted > from ? wanted : stepLimit(from), stepLimit(from), ceiling);
  if (to <= from) return `${FIELD[action]} of ${key} is already ${from}, the ceiling (${ceilingSource} = ${ceiling})`;
  return { from, to, ceiling, ceilingSource, maxStep, cooldownMs };
}

function effectText(action: RemediationAction, pl: Plan, view: DeploymentView, p: SuggestParams): string {
  const a = autoscalingOf(view);
  const wanted = p.wantedReplicas !== undefined ? Math.ceil(p.wantedReplicas) : undefined;
  let text: string;
  switch (action) {
    case 'raise_max_replicas': {
      const delay = num(a?.upscale_delay_s) ?? 30;
      text =
        `the autoscaler may add up to ${pl.to - pl.from} replica(s)` +
        (wanted !== undefined && wanted > pl.from ? `; the load calls for ${wanted}` : '') +
        `; queued requests should drain within a minute or two of the new replicas starting (upscale_delay_s ${delay} s plus the replica start)`;
      if (wanted !== undefined && wanted > pl.ceiling) text += `; ${wanted} is beyond the ceiling of ${pl.ceiling}: check where the traffic comes from too`;
      else if (wanted !== undefined && wanted > pl.to) text += `; reaching ${wanted} takes further steps (at most x${pl.maxStep} each)`;
      break;
    }
    case 'raise_num_replicas':
      text = `${pl.to - pl.from} more replica(s) start now: concurrent capacity rises from ${pl.from * maxOngoingOf(view)} to ${pl.to * maxOngoingOf(view)} requests (max_ongoing_requests ${maxOngoingOf(view)} each)`;
      break;
    case 'raise_min_replicas':
      text = `${pl.to} replica(s) stay warm when idle, so the first requests after a quiet period no longer wait for a replica to start (at the cost of ${pl.to - pl.from} idle replica(s))`;
      break;
    case 'set_max_ongoing_requests': {
      const t = targetOngoingOf(view);
      const below = pl.from < t;
      text =
        `each replica accepts up to ${pl.to} requests (${Number((pl.to / t).toFixed(2))}x target_ongoing_requests ${t}); ` +
        (below ? 'replicas can now reach the target, so autoscaling starts working' : 'fewer requests wait at the router') +
        '; replicas are reconfigured in place, not restarted';
      break;
    }
  }
  const family = FAMILY[action];
  if ((family === 'replicas' || family === 'min') && isAutoscaling(view) && !view.override?.autoscaling_config) {
    text += `. ${p.application} has no autoscaling_config override for ${view.name} yet: adding one makes Ray restart every replica of ${p.application} once`;
  }
  return text;
}

export function suggestRemediation(p: SuggestParams): Suggestion {
  // With an alert, only the causes its rule is about are fixed automatically: a cold start
  // noticed while diagnosing CPU contention is shown, not acted on.
  const own = p.triggering ? new Set(p.triggering.checklist) : undefined;
  const candidates = p.items.filter((i) => i.item.remediation.automatic && (!own || own.has(i.item.id)));
  const blocked = guard(p);
  // An application that cannot be changed says so first: it is what the reader must fix.
  if (blocked && p.app && /DEPLOY_FAILED|DELETING|DEPLOYING/.test(String(p.app.status ?? ''))) return { note: blocked };
  if (candidates.length === 0) {
    const top = p.items[0];
    return top ? { note: `no automatic fix applies: "${top.item.title}" is fixed by hand` } : {};
  }
  if (blocked) return { note: blocked };
  const view = p.view!;
  const key = `${p.application}/${view.name}`;
  const autoscalingBroken = p.findings.some((f) => f.id.startsWith('max-ongoing-below-target') && (f.id === 'max-ongoing-below-target' || f.id.endsWith(`:${view.name}`)));

  const reasons: string[] = [];
  for (const item of candidates) {
    const action = chooseAction(item, view, autoscalingBroken);
    if (!(action in FAMILY)) {
      reasons.push(action);
      continue;
    }
    const a = action as RemediationAction;
    const pl = plan(a, item.item.id, view, p);
    if (typeof pl === 'string') {
      reasons.push(pl);
      continue;
    }
    if (p.lastRemediationAtMs !== undefined && p.nowMs - p.lastRemediationAtMs < pl.cooldownMs) {
      return { note: `${key} was changed ${humanizeDuration(p.nowMs - p.lastRemediationAtMs)} ago; the cooldown is ${humanizeDuration(pl.cooldownMs)}` };
    }
    const notes = [...reasons];
    if (p.guardrails.kuberay) notes.push('a KubeRay RayService owns this config: the operator reverts REST changes, so patch the RayService resource as well');
    const remediation: SuggestedRemediation = {
      action: a,
      application: p.application,
      deployment: view.name,
      field: FIELD[a],
      from: pl.from,
      to: pl.to,
      checklistId: item.item.id,
      bounds: { ceiling: pl.ceiling, maxStep: pl.maxStep, cooldownMs: pl.cooldownMs },
      expectedEffect: effectText(a, pl, view, p),
    };
    return notes.length > 0 ? { remediation, note: notes.join('; ') } : { remediation };
  }
  return { note: reasons.join('; ') };
}
