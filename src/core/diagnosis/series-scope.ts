import type { Labels } from '../labels.js';
import type { DiagnosisTarget } from './diagnosis-input.js';

/**
 * Which application/deployment a probe's result series is about. Serve series carry
 * `application` and `deployment`; Ray's per-component memory and CPU series carry only
 * `Component="ray::ServeReplica:<app>:<deployment>"` (with a `.method` suffix for some actor
 * tasks); node series (CPU, GPU) carry neither and concern the whole cluster.
 */
export interface SeriesScope {
  readonly application?: string;
  readonly deployment?: string;
  /** Node or GPU the series is about, for the evidence text. */
  readonly where?: string;
}

const COMPONENT = /^ray::ServeReplica:([^:]+):([^.]+)/;

export function seriesScope(labels: Labels): SeriesScope {
  let application = labels.application || undefined;
  let deployment = labels.deployment || undefined;
  const component = labels.Component ? COMPONENT.exec(labels.Component) : null;
  if (component) {
    application ??= component[1];
    deployment ??= component[2];
  }
  let where: string | undefined;
  if (labels.GpuIndex !== undefined && labels.ip) where = `GPU ${labels.GpuIndex} on ${labels.ip}`;
  else if (labels.ip) where = `node ${labels.ip}`;
  else if (labels.NodeAddress && !deployment) where = `node ${labels.NodeAddress}`;
  return {
    ...(application ? { application } : {}),
    ...(deployment ? { deployment } : {}),
    ...(where ? { where } : {}),
  };
}

/** A series belongs to the target unless it names another application or deployment. */
export function inTarget(scope: SeriesScope, target: DiagnosisTarget): boolean {
  if (scope.application !== undefined && scope.application !== target.application) return false;
  if (target.deployment !== undefined && scope.deployment !== undefined && scope.deployment !== target.deployment) return false;
  return true;
}

/** "embeddings/Embedder", "embeddings", "node 10.0.0.1", or "" for a cluster-wide series. */
export function describeScope(scope: SeriesScope): string {
  if (scope.deployment && scope.application) return `${scope.application}/${scope.deployment}`;
  if (scope.application) return scope.where ? `${scope.application} (${scope.where})` : scope.application;
  return scope.where ?? '';
}
