import type { ApplicationState } from './application.js';
import type { ServeController } from './controller.js';
import type { DeploymentState } from './deployment.js';
import type { JsonObject } from './deploy-schema.js';
import { dumpDeploymentConfig } from './effective-config.js';
import { replicaActorName, replicaLogPath } from './ray-ids.js';
import type { Replica } from './replica.js';
import type { SimContext } from './sim-context.js';

/**
 * GET /api/serve/applications/ bodies, shaped like the captured Ray 2.58 responses: keys Ray
 * leaves unset are absent (no deploy_mode), the rest in Ray's order.
 */
export const SERVE_NOT_RUNNING_BODY = {
  deploy_mode: 'MULTI_APP',
  controller_info: {},
  proxies: {},
  applications: {},
  target_capacity: null,
};

function replicaDetails(ctx: SimContext, app: string, d: DeploymentState, r: Replica, state?: string): JsonObject {
  const placed = r.workerId !== undefined;
  return {
    node_id: placed ? ctx.node.nodeId : null,
    node_ip: placed ? ctx.node.ip : null,
    node_instance_id: placed ? '' : null,
    actor_id: r.actorId,
    actor_name: replicaActorName(app, d.name, r.id),
    worker_id: r.workerId ?? null,
    log_file_path: placed ? replicaLogPath(app, d.name, r.id) : null,
    replica_id: r.id,
    state: state ?? r.state,
    pid: r.pid ?? null,
    start_time_s: (r.startTime ?? r.createdAt) / 1000,
  };
}

function deploymentDetails(ctx: SimContext, app: ApplicationState, d: DeploymentState): JsonObject {
  const gpus = d.config.ray_actor_options.num_gpus;
  const required: JsonObject = { CPU: d.config.ray_actor_options.num_cpus ?? 1 };
  if (typeof gpus === 'number' && gpus > 0) required.GPU = gpus;
  return {
    name: d.name,
    status: d.status,
    status_trigger: d.statusTrigger,
    message: d.message,
    deployment_config: dumpDeploymentConfig(d.config),
    target_num_replicas: d.targetNumReplicas,
    required_resources: required,
    replicas: d.replicasList.filter((r) => r.state !== 'STOPPED').map((r) => replicaDetails(ctx, app.name, d, r)),
    recent_dead_replicas: d.dead.map((r) => replicaDetails(ctx, app.name, d, r, 'STOPPED')),
  };
}

function applicationDetails(ctx: SimContext, app: ApplicationState): JsonObject {
  const targets = app.targetDeployments;
  const deployments: JsonObject = {};
  if (targets) {
    for (const name of targets) {
      const d = app.deployments.get(name);
      if (d) deployments[name] = deploymentDetails(ctx, app, d);
    }
  }
  const nodes: JsonObject = {};
  if (targets) {
    for (const name of targets) {
      const calls = app.deployments.get(name)?.behaviour().calls;
      nodes[name] = {
        name,
        app_name: app.name,
        outbound_deployments: calls ? [{ name: calls, app_name: app.name }] : [],
        is_ingress: name === app.ingress,
      };
    }
  }
  return {
    name: app.name,
    route_prefix: app.routePrefix,
    docs_path: null,
    status: app.status,
    message: app.message,
    last_deployed_time_s: app.lastDeployedTimeS,
    deployed_app_config: app.deployedAppConfig,
    source: app.source,
    deployments,
    external_scaler_enabled: false,
    deployment_topology: targets ? { app_name: app.name, nodes, ingress_deployment: app.ingress ?? null } : null,
  };
}

function actorDetails(ctx: SimContext, actorId: string, actorName: string, workerId: string, logFile: string): JsonObject {
  return {
    node_id: ctx.node.nodeId,
    node_ip: ctx.node.ip,
    node_instance_id: '',
    actor_id: actorId,
    actor_name: actorName,
    worker_id: workerId,
    log_file_path: logFile,
  };
}

function stats(ctx: SimContext, mean: number): JsonObject {
  const jitter = ctx.random.next();
  return { mean: mean * (0.9 + 0.2 * jitter), std: mean * 0.8, min: mean * 0.6, max: mean * (8 + 4 * jitter) };
}

function controllerHealthMetrics(ctx: SimContext, c: ServeController): JsonObject {
  const now = ctx.now() / 1000;
  const uptime = now - c.startedAt / 1000;
  return {
    timestamp: now,
    controller_start_time: c.startedAt / 1000,
    uptime_s: uptime,
    last_control_loop_time: now - 0.05,
    num_control_loops: c.numControlLoops,
    loop_duration_s: stats(ctx, 0.0025),
    loops_per_second: uptime > 0 ? c.numControlLoops / uptime : 0,
    last_sleep_duration_s: 0.1005,
    expected_sleep_duration_s: 0.1,
    event_loop_delay_s: 0.0005,
    num_asyncio_tasks: 10,
    deployment_state_update_duration_s: stats(ctx, 0.0004),
    application_state_update_duration_s: stats(ctx, 0.0005),
    proxy_state_update_duration_s: stats(ctx, 0.00003),
    node_update_duration_s: stats(ctx, 0.000018),
    handle_metrics_delay_ms: stats(ctx, 5.8),
    replica_metrics_delay_ms: {},
    process_memory_mb: 129 + c.apps.size * 1.5,
  };
}

export function serveInstanceDetails(ctx: SimContext, c: ServeController, apiType?: string): JsonObject {
  const proxyName = `SERVE_PROXY_ACTOR-${ctx.node.nodeId}`;
  const applications: JsonObject = {};
  for (const app of c.apps.values()) {
    if (apiType === undefined || app.source === apiType) applications[app.name] = applicationDetails(ctx, app);
  }
  return {
    controller_info: actorDetails(ctx, c.actorId, 'SERVE_CONTROLLER_ACTOR', c.workerId, `/serve/controller_${c.pid}.log`),
    proxy_location: c.proxyLocation,
    http_options: { ...c.httpOptions },
    grpc_options: { ...c.grpcOptions },
    proxies: {
      [ctx.node.nodeId]: {
        ...actorDetails(ctx, c.proxy.actorId, proxyName, c.proxy.workerId, `/serve/proxy_${ctx.node.ip}.log`),
        status: 'HEALTHY',
      },
    },
    applications,
    target_capacity: c.targetCapacity,
    target_groups: [
      {
        targets: [{ ip: ctx.node.ip, port: c.httpOptions.port, instance_id: '', name: proxyName }],
        route_prefix: '/',
        protocol: 'HTTP',
        app_name: '',
        ingress_request_router_targets: [],
        ingress_deployment_name: '',
      },
    ],
    controller_health_metrics: controllerHealthMetrics(ctx, c),
  };
}
