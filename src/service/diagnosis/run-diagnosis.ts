import type { Clock } from '../../core/clock.js';
import { buildDiagnosis } from '../../core/diagnosis/build-diagnosis.js';
import type { ContextQueryName, ContextResults } from '../../core/diagnosis/context-queries.js';
import { CONTEXT_QUERIES, contextFromResults } from '../../core/diagnosis/context-queries.js';
import type { DiagnosisTarget, ProbeResult, RemediationGuardrails, TriggeringAlert } from '../../core/diagnosis/diagnosis-input.js';
import { selectProbes } from '../../core/diagnosis/select-probes.js';
import { seriesScope } from '../../core/diagnosis/series-scope.js';
import type { Labels } from '../../core/labels.js';
import type { Checklist } from '../../core/model/checklist.js';
import type { Diagnosis } from '../../core/model/diagnosis.js';
import type { RuleGroup } from '../../core/model/rule.js';
import type { InstantSample, QueryEngine, QueryValue } from '../../core/query/types.js';
import type { ServeInstanceDetails } from '../../core/serve/serve-types.js';
import { expandTemplate } from '../../core/templates/render-template.js';
import { describeError } from '../../errors.js';

/**
 * The I/O side of a diagnosis: run the probes through the QueryEngine at one time, read
 * GET /api/serve/applications/, and hand everything to the pure buildDiagnosis.
 *
 * The Slack slash command, the notifier and `serve-medic diagnose` receive the `diagnose`
 * function this factory returns, by injection.
 */
export interface DiagnoseDeps {
  readonly queryEngine: QueryEngine;
  readonly serveApi: { getApplications(): Promise<ServeInstanceDetails> };
  readonly groups: readonly RuleGroup[];
  readonly checklist: Checklist;
  /** config.remediation (plus `kuberay` when config.ray.kuberay is set). */
  readonly guardrails: RemediationGuardrails;
  /** config.cluster_name */
  readonly cluster: string;
  readonly clock: Clock;
  /** When serve-medic last changed a deployment, for the cooldown; optional. */
  readonly lastRemediationAt?: (application: string, deployment: string) => Promise<number | undefined>;
  /** Called for each probe or context query that failed (a bad backend, an unsupported function). */
  readonly onQueryError?: (expr: string, error: string) => void;
  /** Queries run at once against the backend (Prometheus over HTTP likes a bound). */
  readonly concurrency?: number;
}

export interface DiagnoseRequest extends DiagnosisTarget {
  /** The alert being diagnosed; probes render its labels. Absent for a request from a person. */
  readonly alert?: TriggeringAlert;
  /** Evaluation time; the clock's now by default. */
  readonly atMs?: number;
}

export type Diagnose = (request: DiagnoseRequest) => Promise<Diagnosis>;

/**
 * The target of an alert: its application and deployment labels, or those inside Ray's
 * `Component="ray::ServeReplica:<app>:<deployment>"`. Undefined for alerts about no application.
 */
export function diagnosisTargetOf(labels: Labels): DiagnosisTarget | undefined {
  const scope = seriesScope(labels);
  if (!scope.application) return undefined;
  return { application: scope.application, ...(scope.deployment ? { deployment: scope.deployment } : {}) };
}

/** Label values go into double-quoted PromQL strings: keep a quote or backslash from ending them. */
function escapeForPromql(labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[k] = v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return out;
}

/** Renders `{{ $labels.x }}` (and the rest of the alert template language) in a probe expression. */
export function renderProbeExpr(expr: string, labels: Labels, value = 0): string {
  return expandTemplate(expr, { labels: escapeForPromql(labels), value }, 'probe');
}

function vectorOf(value: QueryValue): readonly InstantSample[] {
  if (value.resultType === 'vector') return value.result;
  if (value.resultType === 'scalar') return [{ labels: {}, timestampMs: value.result.timestampMs, value: value.result.value }];
  return [];
}

async function boundedAll<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return out;
}

export function createDiagnose(deps: DiagnoseDeps): Diagnose {
  const rules = deps.groups.flatMap((g) => g.rules);
  const limit = deps.concurrency ?? 8;

  return async (request) => {
    const atMs = request.atMs ?? deps.clock.now();
    const labels: Labels = {
      ...(request.alert?.labels ?? {}),
      application: request.application,
      ...(request.deployment ? { deployment: request.deployment } : {}),
    };
    const query = async (expr: string): Promise<{ samples: readonly InstantSample[]; error?: string }> => {
      try {
        return { samples: vectorOf(await deps.queryEngine.instantQuery(expr, atMs)) };
      } catch (err) {
        const error = describeError(err);
        deps.onQueryError?.(expr, error);
        return { samples: [], error };
      }
    };

    const selection = selectProbes(deps.groups, request.alert?.name);
    const probeTasks = selection.probes.map(({ rule, probe }) => async (): Promise<ProbeResult> => {
      const expr = renderProbeExpr(probe.expr, labels, request.alert?.value ?? 0);
      const { samples, error } = await query(expr);
      return { probe, rule: rule.alert, expr, samples, ...(error !== undefined ? { error } : {}) };
    });
    const contextNames = Object.keys(CONTEXT_QUERIES) as ContextQueryName[];
    const contextTasks = contextNames.map((name) => async () => {
      const { samples, error } = await query(renderProbeExpr(CONTEXT_QUERIES[name], labels));
      return [name, error === undefined ? samples : undefined] as const;
    });

    const servePromise = deps.serveApi.getApplications().then(
      (serve) => ({ serve }),
      (err: unknown) => ({ serveError: describeError(err) }),
    );
    const [probeResults, contextEntries, serveOutcome] = await Promise.all([
      boundedAll(probeTasks, limit),
      boundedAll(contextTasks, limit),
      servePromise,
    ]);
    const context = contextFromResults(Object.fromEntries(contextEntries) as ContextResults);
    const lastRemediationAtMs =
      request.deployment && deps.lastRemediationAt ? await deps.lastRemediationAt(request.application, request.deployment) : undefined;

    return buildDiagnosis({
      cluster: deps.cluster,
      target: { application: request.application, ...(request.deployment ? { deployment: request.deployment } : {}) },
      checklist: deps.checklist,
      rules,
      ...(request.alert ? { alert: request.alert } : {}),
      probeResults,
      context,
      ...serveOutcome,
      guardrails: deps.guardrails,
      ...(lastRemediationAtMs !== undefined ? { lastRemediationAtMs } : {}),
      nowMs: atMs,
    });
  };
}
