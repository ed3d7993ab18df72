import type { DeploymentBehaviour } from './app-catalog.js';
import { AutoscalingState, clampReplicas } from './autoscaler.js';
import type { DeploymentStatus, DeploymentStatusTrigger } from './constants.js';
import { SLOW_STARTUP_WARNING_MS } from './constants.js';
import type { DeploymentConfig } from './effective-config.js';
import { reconfigureKey, restartKey } from './effective-config.js';
import { M } from './metric-catalogue.js';
import type { MetricsProcess } from './metrics-registry.js';
import { formatPyJson } from './py-float.js';
import type { ReplicaOwner } from './replica.js';
import { Replica } from './replica.js';
import type { Outcome, SimRequest } from './request.js';
import type { RouterCaller, RoutingTarget } from './router.js';
import { Router } from './router.js';
import type { SimContext } from './sim-context.js';

/** What a deployment needs from its application. */
export interface DeploymentHost {
  readonly name: string;
  readonly importPath: string;
  route(): string;
  deployment(name: string): DeploymentState | undefined;
  readonly controllerMetrics: MetricsProcess;
}

const KEEP_DEAD_MS = 600_000;
const KEEP_DEAD_MAX = 10;
const RECONFIGURE_MS = 250;

/**
 * One deployment's target state and its replicas: reconciles replicas towards the target
 * (rolling restarts, graceful stops), runs health checks, the autoscaler, and the status
 * machine of DeploymentStatusInfo.
 */
export class DeploymentState implements ReplicaOwner, RoutingTarget {
  config: DeploymentConfig;
  version: string;
  private reconfigKey: string;
  targetNumReplicas: number;
  status: DeploymentStatus = 'UPDATING';
  statusTrigger: DeploymentStatusTrigger = 'CONFIG_UPDATE_STARTED';
  message = '';
  readonly replicasList: Replica[] = [];
  readonly dead: Replica[] = [];
  autoscaling: AutoscalingState | undefined;
  /** False after Ray's "Deregistering autoscaling state" (rollback from DEPLOY_FAILED). */
  autoscalingRegistered = false;
  deleting = false;
  private readonly routers = new Map<string, Router>();
  private readonly nextHealthCheck = new Map<Replica, number>();
  private lastSlowWarning = -Infinity;

  constructor(
    private readonly ctx: SimContext,
    private readonly host: DeploymentHost,
    readonly name: string,
    config: DeploymentConfig,
    codeVersion: string,
  ) {
    this.config = config;
    this.version = `${codeVersion}:${restartKey(config)}`;
    this.reconfigKey = reconfigureKey(config);
    this.targetNumReplicas = this.initialTarget();
    this.registerAutoscaling();
  }

  get app(): string {
    return this.host.name;
  }

  get route(): string {
    return this.host.route();
  }

  private cachedBehaviour: { generation: number; behaviour: DeploymentBehaviour } | undefined;

  behaviour(): DeploymentBehaviour {
    const generation = this.ctx.behaviourGeneration();
    if (this.cachedBehaviour?.generation !== generation) {
      this.cachedBehaviour = { generation, behaviour: this.ctx.behaviour(this.host.importPath, this.app, this.name) };
    }
    return this.cachedBehaviour.behaviour;
  }

  replicas(): readonly Replica[] {
    return this.replicasList;
  }

  private initialTarget(): number {
    const a = this.config.autoscaling_config;
    return a ? (a.initial_replicas ?? a.min_replicas) : (this.config.num_replicas ?? 1);
  }

  registerAutoscaling(): void {
    if (!this.config.autoscaling_config) {
      this.autoscaling = undefined;
      this.autoscalingRegistered = false;
      return;
    }
    this.autoscaling = new AutoscalingState(this.ctx.now(), this.ctx.random.int(10_000), this.targetNumReplicas);
    this.autoscalingRegistered = true;
  }

  /** DeploymentState.deploy(): returns false when nothing changed (a no-op, as on Ray). */
  deploy(config: DeploymentConfig, codeVersion: string): boolean {
    const version = `${codeVersion}:${restartKey(config)}`;
    const same = version === this.version && JSON.stringify(config) === JSON.stringify(this.config);
    if (same) return false;
    const old = this.config;
    const onlyNumReplicas =
      version === this.version &&
      !old.autoscaling_config &&
      !config.autoscaling_config &&
      JSON.stringify({ ...old, num_replicas: 0 }) === JSON.stringify({ ...config, num_replicas: 0 });
    this.config = config;
    this.version = version;
    this.reconfigKey = reconfigureKey(config);
    const previousTarget = this.targetNumReplicas;
    const a = config.autoscaling_config;
    if (a) {
      const base = a.initial_replicas ?? (old.autoscaling_config ? previousTarget : a.min_replicas);
      this.targetNumReplicas = clampReplicas(base, a);
    } else {
      this.targetNumReplicas = config.num_replicas ?? 1;
    }
    if (a && (!old.autoscaling_config || !this.autoscalingRegistered)) this.registerAutoscaling();
    if (!a) this.registerAutoscaling();
    if (onlyNumReplicas && this.targetNumReplicas !== previousTarget) {
      this.setScaling(previousTarget, 'CONFIG_UPDATE_STARTED');
    } else {
      this.setStatus('UPDATING', 'CONFIG_UPDATE_STARTED', '');
    }
    return true;
  }

  private setStatus(status: DeploymentStatus, trigger: DeploymentStatusTrigger, message: string): void {
    this.status = status;
    this.statusTrigger = trigger;
    this.message = message;
  }

  private setScaling(from: number, trigger: DeploymentStatusTrigger): void {
    const up = this.targetNumReplicas > from;
    this.setStatus(up ? 'UPSCALING' : 'DOWNSCALING', trigger, `${up ? 'Upscaling' : 'Downscaling'} from ${from} to ${this.targetNumReplicas} replicas.`);
  }

  startDeleting(): void {
    this.deleting = true;
    this.targetNumReplicas = 0;
    this.autoscaling = undefined;
    this.autoscalingRegistered = false;
  }

  get deleted(): boolean {
    return this.deleting && this.replicasList.length === 0;
  }

  routerFor(caller: RouterCaller): Router {
    let router = this.routers.get(caller.actorId);
    if (!router) this.routers.set(caller.actorId, (router = new Router(this.ctx, caller, this)));
    return router;
  }

  onCapacity(): void {
    for (const router of this.routers.values()) router.tryAssign();
  }

  onStarved(): void {
    this.autoscaling?.pushNow(this.ctx.now(), this.ongoingAtHandles());
  }

  ongoingAtHandles(): number {
    let n = 0;
    for (const router of this.routers.values()) n += router.ongoing();
    return n;
  }

  queuedAtHandles(): number {
    let n = 0;
    for (const router of this.routers.values()) n += router.queued();
    return n;
  }

  callDownstream(from: Replica, deployment: string, parent: SimRequest, done: (o: Outcome) => void): void {
    const target = this.host.deployment(deployment);
    if (!target || !from.metrics) return done({ kind: 'error', exception: 'DeploymentUnavailableError' });
    const child: SimRequest = {
      id: parent.id,
      route: parent.route,
      method: parent.method,
      deadline: parent.deadline,
      enqueuedAt: this.ctx.now(),
      settled: false,
      cancel: undefined,
      onSettled: done,
    };
    target.routerFor({ actorId: from.actorId, process: from.metrics, handleSource: 'REPLICA' }).submit(child);
  }

  /** One control loop: autoscale, health-check, reconcile replicas, update status. */
  tick(now: number): void {
    this.autoscale(now);
    this.healthChecks(now);
    this.reconcile();
    this.updateStatus(now);
    this.pruneDead(now);
  }

  private autoscale(now: number): void {
    const a = this.config.autoscaling_config;
    if (!a || !this.autoscaling || !this.autoscalingRegistered || this.deleting) return;
    if (this.autoscaling.handleTick(now, this.ongoingAtHandles())) {
      this.host.controllerMetrics.observe(M.handleMetricsDelay, { application: this.app, deployment: this.name }, this.ctx.random.lognormal(12, 0.5), now);
    }
    const running = this.replicasList.filter((r) => r.routable()).length;
    const decision = this.autoscaling.decide(now, a, this.targetNumReplicas, running);
    const target = clampReplicas(decision, a);
    if (target === this.targetNumReplicas) return;
    const from = this.targetNumReplicas;
    this.targetNumReplicas = target;
    if (this.status !== 'UPDATING' && this.status !== 'UNHEALTHY') this.setScaling(from, 'AUTOSCALING');
  }

  private healthChecks(now: number): void {
    for (const r of this.replicasList) {
      if (r.state !== 'RUNNING' && r.state !== 'UPDATING') continue;
      const due = this.nextHealthCheck.get(r) ?? (r.readyAt ?? now) + this.config.health_check_period_s * 1000;
      if (now < due) {
        this.nextHealthCheck.set(r, due);
        continue;
      }
      this.nextHealthCheck.set(r, due + this.config.health_check_period_s * 1000);
      const labels = { application: this.app, deployment: this.name };
      if (!r.dead) {
        this.host.controllerMetrics.observe(M.healthCheckLatency, labels, this.ctx.random.lognormal(140, 0.2), now);
        continue;
      }
      this.host.controllerMetrics.inc(M.healthCheckFailures, { ...labels, replica: r.id }, now);
      this.host.controllerMetrics.set(M.replicaHealthy, { ...labels, replica: r.id }, 0, now);
      r.markStopped();
      this.retire(r);
      this.setStatus('UNHEALTHY', 'HEALTH_CHECK_FAILED', "A replica's health check failed. This deployment will be UNHEALTHY until the replica recovers or a new deploy happens.");
    }
  }

  private retire(r: Replica): void {
    const i = this.replicasList.indexOf(r);
    if (i >= 0) this.replicasList.splice(i, 1);
    this.nextHealthCheck.delete(r);
    this.dead.unshift(r);
    this.onCapacity();
  }

  private startReplica(): void {
    const r = new Replica(this.ctx, this, this.version, this.reconfigKey);
    this.replicasList.push(r);
  }

  private stopReplica(r: Replica): void {
    r.stop((durationMs) => {
      this.host.controllerMetrics.observe(M.shutdownDuration, { application: this.app, deployment: this.name }, durationMs, this.ctx.now());
      this.retire(r);
    });
  }

  private reconcile(): void {
    const live = this.replicasList.filter((r) => r.state !== 'STOPPING' && !r.dead);
    const outdated = live.filter((r) => r.version !== this.version);
    if (outdated.length > 0) {
      const pendingNew = live.filter((r) => r.version === this.version && r.state === 'STARTING').length;
      const stopping = this.replicasList.filter((r) => r.state === 'STOPPING').length;
      const budget = Math.max(1, Math.floor(this.config.rolling_update_percentage * this.targetNumReplicas)) - pendingNew - stopping;
      outdated.sort((a, b) => Number(b.state === 'STARTING') - Number(a.state === 'STARTING'));
      for (const r of outdated.slice(0, Math.max(0, budget))) this.stopReplica(r);
    }
    const active = this.replicasList.filter((r) => r.state !== 'STOPPING' && !r.dead);
    if (active.length < this.targetNumReplicas) {
      for (let i = active.length; i < this.targetNumReplicas; i++) this.startReplica();
    } else if (active.length > this.targetNumReplicas) {
      const order = (r: Replica) => (r.version !== this.version ? 0 : r.pendingAllocation ? 1 : r.state === 'STARTING' ? 2 : 3);
      const victims = [...active].sort((a, b) => order(a) - order(b) || a.ongoing - b.ongoing);
      for (const r of victims.slice(0, active.length - this.targetNumReplicas)) this.stopReplica(r);
    }
    const key = this.reconfigKey;
    for (const r of this.replicasList) {
      if (r.pendingAllocation) r.tryStart(() => this.onReady(r));
      if (r.state === 'RUNNING' && r.version === this.version && r.reconfigureKey !== key) {
        r.state = 'UPDATING';
        r.reconfigureKey = key;
        this.ctx.queue.schedule(this.ctx.now() + RECONFIGURE_MS, () => {
          if (r.state === 'UPDATING') r.state = 'RUNNING';
          this.onCapacity();
        });
      }
    }
  }

  private onReady(r: Replica): void {
    const now = this.ctx.now();
    const labels = { application: this.app, deployment: this.name };
    this.host.controllerMetrics.observe(M.startupLatency, labels, now - r.createdAt, now);
    this.host.controllerMetrics.observe(M.initLatency, labels, r.initMs, now);
    this.onCapacity();
  }

  private converged(): boolean {
    const current = this.replicasList.filter((r) => r.version === this.version && r.state === 'RUNNING' && !r.dead);
    return current.length === this.targetNumReplicas && this.replicasList.length === current.length;
  }

  private updateStatus(now: number): void {
    if (this.converged()) {
      if (this.status === 'HEALTHY') return;
      const trigger: DeploymentStatusTrigger =
        this.status === 'UPSCALING' ? 'UPSCALE_COMPLETED' : this.status === 'DOWNSCALING' ? 'DOWNSCALE_COMPLETED' : this.status === 'UNHEALTHY' ? 'UNSPECIFIED' : 'CONFIG_UPDATE_COMPLETED';
      this.setStatus('HEALTHY', trigger, '');
      return;
    }
    const slow = this.replicasList.filter((r) => r.state === 'STARTING' && now - r.createdAt > SLOW_STARTUP_WARNING_MS);
    if (slow.length === 0 || this.status === 'UNHEALTHY' || now - this.lastSlowWarning < SLOW_STARTUP_WARNING_MS) return;
    this.lastSlowWarning = now;
    const pending = slow.filter((r) => r.pendingAllocation);
    const where = `Deployment '${this.name}' in application '${this.app}'`;
    if (pending.length > 0) {
      const required = formatPyJson({ CPU: pending[0]!.numCpus });
      const available = formatPyJson({ CPU: this.ctx.node.availableCpus() });
      this.message = `${where} has ${pending.length} replicas that have taken more than ${SLOW_STARTUP_WARNING_MS / 1000}s to be scheduled. This may be due to waiting for the cluster to auto-scale or for a runtime environment to be installed. Resources required for each replica: ${required}, total resources available: ${available}. Use \`ray status\` for more details.`;
    } else {
      this.message = `${where} has ${slow.length} replicas that have taken more than ${SLOW_STARTUP_WARNING_MS / 1000}s to initialize. This may be caused by a slow __init__ or reconfigure method.`;
    }
  }

  private pruneDead(now: number): void {
    while (this.dead.length > KEEP_DEAD_MAX) this.dead.pop();
    while (this.dead.length > 0 && now - (this.dead[this.dead.length - 1]!.stoppedAt ?? now) > KEEP_DEAD_MS) this.dead.pop();
  }

  /** Controller-side gauges for this deployment, refreshed before each report. */
  collect(now: number, status: (s: DeploymentStatus) => number): void {
    const m = this.host.controllerMetrics;
    const labels = { application: this.app, deployment: this.name };
    for (const r of this.replicasList) {
      if ((r.state === 'RUNNING' || r.state === 'UPDATING') && r.readyAt !== undefined) m.set(M.replicaHealthy, { ...labels, replica: r.id }, 1, now);
    }
    m.set(M.deploymentStatus, labels, status(this.status), now);
    m.set(M.targetReplicas, labels, this.targetNumReplicas, now);
    const a = this.config.autoscaling_config;
    if (a && this.autoscaling && this.autoscalingRegistered) {
      m.set(M.desiredReplicas, labels, this.autoscaling.desired, now);
      m.set(M.totalRequests, labels, this.autoscaling.totalRequests, now);
      m.set(M.targetOngoing, labels, a.target_ongoing_requests, now);
      m.set(M.policyTime, { ...labels, policy_scope: 'deployment' }, 0.02 + this.ctx.random.next() * 0.03, now);
    }
  }
}
