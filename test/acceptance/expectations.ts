import type { Labels } from '../../src/core/labels.js';

/**
 * For each simulator scenario (src/sim/scenarios): the alert that must fire, on which
 * application/deployment, and the checklist item the diagnosis must name first.
 */
export interface ScenarioExpectation {
  readonly scenario: string;
  readonly alert: string;
  readonly labels: Labels;
  readonly firstItem: string;
}

export const EXPECTATIONS: readonly ScenarioExpectation[] = [
  { scenario: 'traffic-spike', alert: 'ServeQueueBuildingUp', labels: { application: 'embeddings', deployment: 'Embedder' }, firstItem: 'latency-queue-building-up' },
  { scenario: 'pinned-at-max', alert: 'ServeAutoscalerPinnedAtMax', labels: { application: 'embeddings', deployment: 'Embedder' }, firstItem: 'capacity-pinned-at-max-replicas' },
  { scenario: 'replicas-not-scaling', alert: 'ServeAutoscalerPinnedAtMax', labels: { application: 'embeddings', deployment: 'Embedder' }, firstItem: 'replicas-not-scaling' },
  { scenario: 'backpressure-503', alert: 'ServeRequestsRejected503', labels: { application: 'app_slow' }, firstItem: 'requests-rejected-503' },
  { scenario: 'request-timeouts', alert: 'ServeRequestTimeouts408', labels: { application: 'app_slow' }, firstItem: 'timeouts-408' },
  { scenario: 'cold-start', alert: 'ServeColdStart', labels: { application: 'embeddings', deployment: 'Embedder' }, firstItem: 'cold-start-scale-to-zero' },
  { scenario: 'slow-model', alert: 'ServeProcessingLatencyHigh', labels: { application: 'text_ml', deployment: 'Summarizer' }, firstItem: 'latency-processing-time-high' },
  { scenario: 'high-tail-latency', alert: 'ServeHighTailLatency', labels: { application: 'embeddings' }, firstItem: 'high-tail-latency' },
  { scenario: 'cpu-contention', alert: 'ServeReplicaNodeCpuSaturated', labels: { application: 'embeddings', deployment: 'Embedder' }, firstItem: 'latency-cpu-contention' },
  { scenario: 'oom-restarts', alert: 'ServeReplicasRestarting', labels: { application: 'text_ml', deployment: 'Summarizer' }, firstItem: 'oom-memory-leak' },
  { scenario: 'stuck-updating', alert: 'ServeDeploymentStuckUpdating', labels: { application: 'text_ml', deployment: 'Summarizer' }, firstItem: 'deployment-stuck-updating' },
];
