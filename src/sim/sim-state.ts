import type { ServeController } from './controller.js';
import type { DeploymentConfig } from './effective-config.js';
import type { NodeModel } from './node.js';

/** Plain-data introspection of the simulator, for tests and the demo. */
export interface ReplicaState {
  readonly id: string;
  readonly state: string;
  readonly ongoing: number;
  readonly rssMb: number;
  readonly workerId: string | undefined;
  readonly pendingAllocation: boolean;
}

export interface DeploymentStateView {
  readonly name: string;
  readonly status: string;
  readonly statusTrigger: string;
  readonly message: string;
  readonly targetNumReplicas: number;
  readonly config: DeploymentConfig;
  readonly autoscalingRegistered: boolean;
  /** Requests waiting in routers, and assigned or waiting, across every handle. */
  readonly queued: number;
  readonly ongoing: number;
  readonly replicas: readonly ReplicaState[];
  readonly deadReplicas: readonly string[];
}

export interface AppStateView {
  readonly name: string;
  readonly status: string;
  readonly message: string;
  readonly source: string;
  readonly routePrefix: string | null;
  /** Every live deployment, including those GET hides while the app is DEPLOY_FAILED. */
  readonly deployments: Readonly<Record<string, DeploymentStateView>>;
}

export interface SimState {
  readonly now: number;
  readonly serveRunning: boolean;
  readonly apps: Readonly<Record<string, AppStateView>>;
  readonly node: { readonly cpuDemand: number; readonly contention: number; readonly memUsedBytes: number; readonly memTotalBytes: number };
  /** HTTP responses so far by status code. */
  readonly http: Readonly<Record<string, number>>;
}

export function describeState(now: number, controller: ServeController | undefined, node: NodeModel): SimState {
  const apps: Record<string, AppStateView> = {};
  for (const app of controller?.apps.values() ?? []) {
    const deployments: Record<string, DeploymentStateView> = {};
    for (const d of app.deployments.values()) {
      deployments[d.name] = {
        name: d.name,
        status: d.status,
        statusTrigger: d.statusTrigger,
        message: d.message,
        targetNumReplicas: d.targetNumReplicas,
        config: d.config,
        autoscalingRegistered: d.autoscalingRegistered,
        queued: d.queuedAtHandles(),
        ongoing: d.ongoingAtHandles(),
        replicas: d.replicasList.map((r) => ({
          id: r.id,
          state: r.state,
          ongoing: r.ongoing,
          rssMb: r.rssMb(),
          workerId: r.workerId,
          pendingAllocation: r.pendingAllocation,
        })),
        deadReplicas: d.dead.map((r) => r.id),
      };
    }
    apps[app.name] = { name: app.name, status: app.status, message: app.message, source: app.source, routePrefix: app.routePrefix, deployments };
  }
  const http: Record<string, number> = {};
  for (const [code, n] of controller?.proxy.statusCounts ?? []) http[String(code)] = n;
  return {
    now,
    serveRunning: controller !== undefined,
    apps,
    node: { cpuDemand: node.cpuDemand(), contention: node.contention(), memUsedBytes: node.memUsedBytes(), memTotalBytes: node.memTotalBytes },
    http,
  };
}
