import type { GuardrailConfig } from '../model/guardrails.js';
import type { Labels } from '../labels.js';
import type { Checklist } from '../model/checklist.js';
import type { AlertRule, DiagnoseProbe } from '../model/rule.js';
import type { InstantSample } from '../query/types.js';
import type { ServeInstanceDetails } from '../serve/serve-types.js';

/**
 * Everything the pure diagnosis needs, gathered by the runner (src/service/diagnosis): the
 * probes' results at one time, the Serve REST GET, the guardrails from the config, and the
 * clock value. Nothing here does I/O.
 */

/** What to diagnose: an application, or one deployment of it. */
export interface DiagnosisTarget {
  readonly application: string;
  readonly deployment?: string;
}

/** One probe and what it returned (an empty vector means "not confirmed"). */
export interface ProbeResult {
  readonly probe: DiagnoseProbe;
  /** The alert rule the probe belongs to. */
  readonly rule: string;
  /** The expression as run, with the alert's labels rendered in. */
  readonly expr: string;
  readonly samples: readonly InstantSample[];
  /** Set when the query failed; the probe then counts as not confirmed. */
  readonly error?: string;
}

/**
 * Facts the diagnosis asks for besides the probes (see CONTEXT_QUERIES): per deployment, the
 * healthy replicas and autoscaling metrics; for the cluster, the GPU count. Undefined when the
 * query failed or returned nothing at all.
 */
export interface DiagnosisContext {
  /** sum of ray_serve_deployment_replica_healthy, by deployment name. */
  readonly healthyReplicas?: Readonly<Record<string, number>>;
  /** target_ongoing_requests per deployment whose autoscaling metrics exist. */
  readonly autoscalingTarget?: Readonly<Record<string, number>>;
  /** total_requests (queued + running) per autoscaling deployment, the autoscaler's input. */
  readonly autoscalingLoad?: Readonly<Record<string, number>>;
  /** Number of GPUs the nodes report (ray_node_gpus_utilization series). */
  readonly gpuCount?: number;
  /** True when the metrics backend had any Serve series for the application. */
  readonly metricsSeen: boolean;
}

/** The remediation guardrails of the config (config.remediation), plus whether KubeRay owns the config. */
export interface RemediationGuardrails extends GuardrailConfig {
  /** Set when a KubeRay RayService owns the Serve config (REST changes are reverted). */
  readonly kuberay?: boolean;
}

export interface TriggeringAlert {
  readonly name: string;
  readonly value: number;
  readonly labels: Labels;
}

export interface DiagnosisInput {
  readonly cluster: string;
  readonly target: DiagnosisTarget;
  readonly checklist: Checklist;
  /** Every loaded rule (remediation specs of related rules are looked up here). */
  readonly rules: readonly AlertRule[];
  /** The alert that triggered the diagnosis; absent for `diagnose` from the CLI or Slack. */
  readonly alert?: TriggeringAlert;
  readonly probeResults: readonly ProbeResult[];
  readonly context: DiagnosisContext;
  /** GET /api/serve/applications/; undefined when the REST API could not be read. */
  readonly serve?: ServeInstanceDetails;
  /** Why `serve` is missing, for the note. */
  readonly serveError?: string;
  readonly guardrails: RemediationGuardrails;
  /** When serve-medic last changed this deployment (cooldown). */
  readonly lastRemediationAtMs?: number;
  readonly nowMs: number;
}
