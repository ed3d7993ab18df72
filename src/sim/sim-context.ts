import type { Labels } from '../core/labels.js';
import type { CodeCatalog, DeploymentBehaviour } from './app-catalog.js';
import { RAY_VERSION } from './constants.js';
import type { EventQueue } from './event-queue.js';
import type { MetricsRegistry } from './metrics-registry.js';
import { MetricsProcess } from './metrics-registry.js';
import type { NodeModel } from './node.js';
import type { Random } from './random.js';
import type { RayIds } from './ray-ids.js';

/** What every part of the model shares: time, randomness, ids, metrics and the node. */
export interface SimContext {
  now(): number;
  readonly queue: EventQueue;
  readonly random: Random;
  readonly ids: RayIds;
  readonly registry: MetricsRegistry;
  readonly node: NodeModel;
  readonly sessionName: string;
  readonly catalog: CodeCatalog;
  /** Behaviour overrides set at run time (a model that becomes slow, a leak that starts). */
  behaviour(importPath: string, app: string, deployment: string): DeploymentBehaviour;
  /** Changes whenever a behaviour override is set, so callers may cache behaviour(). */
  behaviourGeneration(): number;
}

export const OTEL_SCOPE_LABELS: Labels = {
  otel_scope_name: 'ray._private.telemetry.open_telemetry_metric_recorder',
  otel_scope_schema_url: '',
  otel_scope_version: '',
};

/** A core worker's metrics process (controller, proxy, replica): Ray's global labels. */
export function workerProcess(ctx: SimContext, workerId: string): MetricsProcess {
  const labels: Labels = {
    Component: 'core_worker',
    NodeAddress: ctx.node.ip,
    SessionName: ctx.sessionName,
    Version: RAY_VERSION,
    WorkerId: workerId,
    ...OTEL_SCOPE_LABELS,
  };
  return ctx.registry.add(new MetricsProcess(labels, ctx.now(), ctx.random.int(10_000)));
}
