import type { ChecklistItem } from '../model/checklist.js';
import type { ConfigFinding, Diagnosis, Evidence, RankedItem } from '../model/diagnosis.js';
import type { AlertRule } from '../model/rule.js';
import type { ApplicationDetails } from '../serve/serve-types.js';
import { checkConfig } from './check-config.js';
import type { ItemEvidence } from './collect-probe-evidence.js';
import { collectProbeEvidence, emptyItemEvidence, formatValue, probeStrength } from './collect-probe-evidence.js';
import { exceedFactor, probeThreshold } from './probe-threshold.js';
import type { DiagnosisInput } from './diagnosis-input.js';
import type { DeploymentView } from './deployment-view.js';
import { appDetails, deploymentNames, deploymentView } from './deployment-view.js';
import { suggestRemediation } from './suggest-remediation.js';
import { summarizeReplicas } from './summarize-replicas.js';

/**
 * The diagnosis: which checklist item(s) explain the alert, with the values that matched, the
 * configuration findings, replicas now vs min/max, the proposed fix within the guardrails, and
 * what no signal can reveal. A pure function of its input (the clock value is `nowMs`).
 *
 * Ranking. An item is confirmed by a probe that returned a series of the target, or by a
 * config/status finding of severity warning or critical. Its score is
 *   tier + Σ probe strengths + Σ finding points (+ the alert's own strength)
 * where the tier is 1000 for an item of the triggering rule's `checklist` confirmed by a probe,
 * 500 for one confirmed only by a finding, 0 for any other confirmed item (and always 0 without
 * an alert); a probe's strength is 10-30 by how far past its threshold the value is
 * (collect-probe-evidence.ts); a critical finding adds 25, a warning 15; and when the rule has
 * a probe that asks exactly what its alert asks, the alert adds its own strength (its value
 * against the rule's threshold, 10-30) to that probe's item. So the alert's own probe-confirmed
 * items come first, then the others by strength of evidence. Ties keep the order of the rule's
 * checklist, then of rules/checklist.yaml.
 */
const TIER_OWN_PROBE = 1000;
const TIER_OWN_FINDING = 500;
const FINDING_POINTS = { critical: 25, warning: 15, info: 0 } as const;

interface Scored {
  readonly item: ChecklistItem;
  readonly ev: ItemEvidence;
  findingPoints: number;
  readonly findingEvidence: Evidence[];
}

function rank(scored: Map<string, Scored>, own: readonly string[], order: ReadonlyMap<string, number>): RankedItem[] {
  const ownSet = new Set(own);
  const tier = (s: Scored) => (!ownSet.has(s.item.id) ? 0 : s.ev.probes.size > 0 ? TIER_OWN_PROBE : TIER_OWN_FINDING);
  const pos = (id: string) => (ownSet.has(id) ? own.indexOf(id) : own.length + (order.get(id) ?? 0));
  return [...scored.values()]
    .map((s) => ({ s, score: Math.round(tier(s) + s.ev.strength + s.findingPoints) }))
    .sort((a, b) => b.score - a.score || pos(a.s.item.id) - pos(b.s.item.id))
    .map(({ s, score }) => ({ item: s.item, score, evidence: [...s.ev.evidence, ...s.findingEvidence] }));
}

/** The deployment the evidence points at, when the target names only the application. */
function focalDeployment(input: DiagnosisInput, app: ApplicationDetails | undefined, preliminary: readonly RankedItem[], evidence: Map<string, ItemEvidence>): string | undefined {
  if (input.target.deployment) return input.target.deployment;
  for (const ranked of preliminary) {
    const deps = evidence.get(ranked.item.id)?.deployments;
    if (deps && deps.size > 0) return [...deps.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
  }
  if (!app) return undefined;
  const names = deploymentNames(app);
  if (names.length === 1) return names[0];
  const topology = app.deployment_topology as { ingress_deployment?: unknown } | null | undefined;
  return typeof topology?.ingress_deployment === 'string' ? topology.ingress_deployment : undefined;
}

/** The rule's expression with its application matcher in either form, without spacing. */
function normalizeExpr(expr: string): string {
  return expr
    .replace(/application\s*=\s*"\{\{\s*\$labels\.application\s*\}\}"/g, 'application=*')
    .replace(/application\s*!=\s*""/g, 'application=*')
    .replace(/\s+/g, '');
}

/** The probe of a rule that asks exactly what the rule's alert asks, scoped to one application. */
function selfProbe(rule: AlertRule): AlertRule['diagnose'][number] | undefined {
  const own = normalizeExpr(rule.expr);
  return rule.diagnose.find((p) => normalizeExpr(p.expr) === own);
}

function toCheckFor(input: DiagnosisInput, triggering: AlertRule | undefined, confirmed: readonly string[]): Diagnosis['toCheck'] {
  const unobservable = input.checklist.items.filter((i) => i.signal === 'none');
  let wanted: Set<string>;
  if (!triggering && confirmed.length === 0) wanted = new Set(unobservable.map((i) => i.id));
  else {
    const seeds = new Set([...(triggering?.checklist ?? []), ...confirmed]);
    wanted = new Set(input.rules.filter((r) => r.checklist.some((id) => seeds.has(id))).flatMap((r) => r.checklist));
    for (const id of seeds) wanted.add(id);
  }
  return unobservable.filter((i) => wanted.has(i.id)).map((item) => ({ item, reason: item.unobservable_reason ?? 'no metric or config shows it' }));
}

export function buildDiagnosis(input: DiagnosisInput): Diagnosis {
  const byId = new Map(input.checklist.items.map((i) => [i.id, i]));
  const order = new Map(input.checklist.items.map((i, n) => [i.id, n]));
  const triggering = input.alert ? input.rules.find((r) => r.alert === input.alert!.name) : undefined;
  const own = triggering?.checklist ?? [];
  const evidence = collectProbeEvidence(input.probeResults, input.target);
  const app = appDetails(input.serve, input.target.application);

  const scored = new Map<string, Scored>();
  const scoredFor = (id: string): Scored | undefined => {
    const item = byId.get(id);
    if (!item) return undefined;
    let s = scored.get(id);
    if (!s) scored.set(id, (s = { item, ev: evidence.get(id) ?? emptyItemEvidence(), findingPoints: 0, findingEvidence: [] }));
    return s;
  };
  for (const id of evidence.keys()) scoredFor(id);

  const preliminary = rank(scored, own, order);
  const focal = focalDeployment(input, app, preliminary, evidence);

  // Configuration findings, for the focal deployment or every deployment of the app.
  const findings: ConfigFinding[] = [];
  let views: DeploymentView[] = [];
  if (!input.serve) {
    findings.push({ id: 'serve-api-unavailable', severity: 'info', message: `the Serve REST API could not be read${input.serveError ? ` (${input.serveError})` : ''}: configuration not checked` });
  } else if (!app) {
    const known = Object.keys(input.serve.applications ?? {}).sort();
    findings.push({ id: 'app-not-found', severity: 'critical', message: `application ${input.target.application} does not exist (applications: ${known.join(', ') || 'none'})` });
  } else {
    views = (focal ? [focal] : deploymentNames(app)).map((name) => deploymentView(app, name));
    const confirmed = new Set(evidence.keys());
    const relevant = new Set([...own, ...confirmed]);
    findings.push(
      ...checkConfig({
        serve: input.serve,
        application: input.target.application,
        app,
        deployments: views,
        context: input.context,
        relevant,
        confirmed,
        ...(input.alert ? { alertName: input.alert.name } : {}),
      }),
    );
  }
  for (const f of findings) {
    if (!f.checklistId || f.severity === 'info') continue;
    const s = scoredFor(f.checklistId);
    if (!s) continue;
    s.findingPoints += FINDING_POINTS[f.severity];
    s.findingEvidence.push({ source: /^(app|deployment)-status/.test(f.id) ? 'status' : 'config', name: 'config', text: f.message });
  }

  // The firing alert is evidence too. When one of its rule's probes re-checks the alert's own
  // condition, the alert confirms that probe's item once more, graded like a probe.
  let alertItem: string | undefined;
  if (input.alert && triggering) {
    const self = selfProbe(triggering);
    const s = self ? scored.get(self.confirms) : undefined;
    if (s && s.ev.probes.size > 0) {
      s.findingPoints += probeStrength(exceedFactor(input.alert.value, probeThreshold(triggering.expr)));
      alertItem = s.item.id;
    }
  }
  let items = rank(scored, own, order);
  if (input.alert && triggering) {
    const alertEvidence: Evidence = { source: 'alert', name: input.alert.name, text: `firing with value ${formatValue(input.alert.value)}`, value: input.alert.value };
    const target = items.find((i) => i.item.id === alertItem) ?? items.find((i) => own.includes(i.item.id));
    if (target) items = items.map((i) => (i === target ? { ...i, evidence: [alertEvidence, ...i.evidence] } : i));
    else if (items.length === 0 && own[0] && byId.get(own[0])) items = [{ item: byId.get(own[0])!, score: 1, evidence: [alertEvidence] }];
  }

  const view = focal && app ? deploymentView(app, focal) : undefined;
  const replicas = view && app ? summarizeReplicas(app, view, input.context) : undefined;
  const target = focal ? input.context.autoscalingTarget?.[focal] : undefined;
  const load = focal ? input.context.autoscalingLoad?.[focal] : undefined;
  const suggestion = suggestRemediation({
    application: input.target.application,
    ...(app ? { app } : {}),
    ...(view ? { view } : {}),
    items,
    findings,
    ...(triggering ? { triggering } : {}),
    rules: input.rules,
    guardrails: input.guardrails,
    context: input.context,
    ...(target && load !== undefined ? { wantedReplicas: load / target } : {}),
    ...(input.lastRemediationAtMs !== undefined ? { lastRemediationAtMs: input.lastRemediationAtMs } : {}),
    nowMs: input.nowMs,
    ...(input.serveError !== undefined ? { serveError: input.serveError } : {}),
  });

  return {
    cluster: input.cluster,
    application: input.target.application,
    ...(focal ? { deployment: focal } : {}),
    ...(input.alert ? { alertName: input.alert.name } : {}),
    items,
    configFindings: findings,
    ...(replicas ? { replicas } : {}),
    ...(suggestion.remediation ? { remediation: suggestion.remediation } : {}),
    ...(suggestion.note ? { remediationNote: suggestion.note } : {}),
    toCheck: toCheckFor(input, triggering, items.map((i) => i.item.id)),
    generatedAtMs: input.nowMs,
  };
}
