/**
 * The troubleshooting checklist (rules/checklist.yaml): every item of the Ray Serve
 * performance & troubleshooting guide, with what to check and the fix.
 */
export type RemediationAction = 'raise_min_replicas' | 'raise_max_replicas' | 'raise_num_replicas' | 'set_max_ongoing_requests';

export const REMEDIATION_ACTIONS: readonly RemediationAction[] = [
  'raise_min_replicas',
  'raise_max_replicas',
  'raise_num_replicas',
  'set_max_ongoing_requests',
];

export interface ChecklistItem {
  /** Stable kebab-case id, e.g. "latency-queue-building-up". */
  readonly id: string;
  readonly title: string;
  /** The guide section it comes from, e.g. "High Latency Checklist #1". */
  readonly section: string;
  /** What to look at to confirm it (metrics, config, logs). */
  readonly check: string;
  /** What the guide says to do. */
  readonly fix: string;
  /** How it is detected: by metrics, by the Serve REST config/status, or not at all. */
  readonly signal: 'metrics' | 'config' | 'metrics+config' | 'none';
  /** Why no signal can reveal it, when signal is none (e.g. sync FastAPI handlers). */
  readonly unobservable_reason?: string;
  /** Whether serve-medic can apply the fix through the REST API, and with which action(s). */
  readonly remediation: { readonly automatic: boolean; readonly actions: readonly RemediationAction[]; readonly manual: string };
}

export interface Checklist {
  readonly items: readonly ChecklistItem[];
}
