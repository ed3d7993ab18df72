import type { ChecklistItem, RemediationAction } from './checklist.js';

/** One piece of evidence: a probe or a config fact, with the value that matched. */
export interface Evidence {
  readonly source: 'probe' | 'alert' | 'config' | 'status';
  /** e.g. "queued requests", "p99 processing latency". */
  readonly name: string;
  /** The human reading: "queue 340 (threshold 10)". */
  readonly text: string;
  readonly value?: number;
  /** The PromQL that produced it, for the curious. */
  readonly expr?: string;
}

export interface RankedItem {
  readonly item: ChecklistItem;
  /** Higher is stronger; items are sorted by it, highest first. */
  readonly score: number;
  readonly evidence: readonly Evidence[];
}

export interface ConfigFinding {
  readonly id: string;
  readonly severity: 'info' | 'warning' | 'critical';
  /** e.g. "max_ongoing_requests 5 is 1.25x target_ongoing_requests 4; the guide says 2-3x". */
  readonly message: string;
  readonly checklistId?: string;
}

export interface ReplicaSummary {
  readonly running: number;
  readonly target?: number;
  readonly min?: number;
  readonly max?: number;
  readonly fixed?: number;
  readonly autoscaling: boolean;
  /** Deployment status from the REST API (HEALTHY, UPDATING, …), or the app's when deployments are hidden. */
  readonly status?: string;
  readonly note?: string;
}

export interface SuggestedRemediation {
  readonly action: RemediationAction;
  readonly application: string;
  readonly deployment: string;
  /** The field it changes: "autoscaling_config.max_replicas", "max_ongoing_requests", … */
  readonly field: string;
  readonly from: number;
  readonly to: number;
  /** Why: the checklist item it addresses. */
  readonly checklistId: string;
  readonly bounds: { readonly ceiling: number; readonly maxStep: number; readonly cooldownMs: number };
  readonly expectedEffect: string;
}

export interface Diagnosis {
  readonly cluster: string;
  readonly application: string;
  readonly deployment?: string;
  /** The alert that triggered it, when there is one. */
  readonly alertName?: string;
  readonly items: readonly RankedItem[];
  readonly configFindings: readonly ConfigFinding[];
  readonly replicas?: ReplicaSummary;
  readonly remediation?: SuggestedRemediation;
  /** Why no remediation is offered (manual only, guardrails, unknown config, …). */
  readonly remediationNote?: string;
  /** Items no signal can reveal, offered as things to check. */
  readonly toCheck: readonly { readonly item: ChecklistItem; readonly reason: string }[];
  readonly generatedAtMs: number;
}
