import { ApplicationState } from './application.js';
import type { AppSource } from './application.js';
import { APP_STATUS_CODE, DEPLOYMENT_STATUS_CODE, PROXY_STATUS_HEALTHY } from './constants.js';
import type { AppRequest, DeployRequest, HttpOptions, JsonObject } from './deploy-schema.js';
import { M } from './metric-catalogue.js';
import type { MetricsProcess } from './metrics-registry.js';
import { HttpProxy } from './proxy.js';
import type { SimContext } from './sim-context.js';
import { workerProcess } from './sim-context.js';

/**
 * The Serve controller and the head node's proxy, started by the first PUT and stopped by
 * DELETE. apply_config semantics: every app in the body is (re)applied and shows DEPLOYING;
 * declarative apps missing from the body are deleted; imperative apps are left alone;
 * http_options and grpc_options count only when Serve starts.
 */
export class ServeController {
  readonly actorId: string;
  readonly workerId: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly metrics: MetricsProcess;
  readonly proxy: HttpProxy;
  readonly apps = new Map<string, ApplicationState>();
  readonly proxyLocation: string;
  readonly httpOptions: HttpOptions;
  readonly grpcOptions: JsonObject;
  targetCapacity: number | null;
  numControlLoops = 0;

  constructor(
    private readonly ctx: SimContext,
    first: DeployRequest,
  ) {
    this.actorId = ctx.ids.actorId();
    this.workerId = ctx.ids.workerId();
    this.pid = ctx.ids.pid();
    this.startedAt = ctx.now();
    this.proxyLocation = first.proxyLocation;
    this.httpOptions = first.httpOptions;
    this.grpcOptions = first.grpcOptions;
    this.targetCapacity = first.targetCapacity;
    this.metrics = workerProcess(ctx, this.workerId);
    this.metrics.onCollect(() => this.collect());
    this.proxy = new HttpProxy(ctx, () => this.apps.values(), first.httpOptions.request_timeout_s);
  }

  applyConfig(request: DeployRequest): void {
    this.targetCapacity = request.targetCapacity;
    const names = new Set(request.applications.map((a) => a.name));
    for (const app of this.apps.values()) {
      if (app.source === 'declarative' && !names.has(app.name) && app.status !== 'DELETING') app.startDeleting();
    }
    for (const a of request.applications) this.deploy(a, 'declarative');
  }

  /** serve.run(): an imperative app, which a PUT that omits it leaves alone. */
  deploy(request: AppRequest, source: AppSource): void {
    let app = this.apps.get(request.name);
    if (!app || app.status === 'DELETING' || app.source !== source) {
      if (app) for (const d of app.deployments.values()) d.startDeleting();
      app = new ApplicationState(this.ctx, request.name, source, this.metrics);
      this.apps.set(request.name, app);
    }
    app.apply(request);
  }

  tick(now: number): void {
    this.numControlLoops += 1;
    for (const [name, app] of this.apps) {
      app.tick(now);
      if (app.deleted) this.apps.delete(name);
    }
  }

  /** serve.shutdown(): every app and every replica goes at once. */
  shutdown(): void {
    for (const app of this.apps.values()) {
      for (const d of app.deployments.values()) for (const r of d.replicasList) r.markStopped();
    }
    this.apps.clear();
    this.metrics.stop();
    this.proxy.process.stop();
  }

  private collect(): void {
    const now = this.ctx.now();
    const m = this.metrics;
    for (const app of this.apps.values()) {
      m.set(M.applicationStatus, { application: app.name }, APP_STATUS_CODE[app.status], now);
      for (const d of app.deployments.values()) d.collect(now, (s) => DEPLOYMENT_STATUS_CODE[s]);
    }
    m.set(M.proxyStatus, { node_id: this.ctx.node.nodeId, node_ip_address: this.ctx.node.ip }, PROXY_STATUS_HEALTHY, now);
    m.set(M.controlLoops, { actor_id: this.actorId }, this.numControlLoops, now);
    m.set(M.controlLoopDuration, {}, 0.002 + this.ctx.random.next() * 0.002, now);
  }
}
