import type { DeploymentBehaviour } from './app-catalog.js';
import { MAX_LATENCY_WINDOW_MS, UTILIZATION_WINDOW_MS } from './constants.js';
import type { ReplicaState } from './constants.js';
import type { DeploymentConfig } from './effective-config.js';
import { requiredCpus } from './effective-config.js';
import type { TimedEvent } from './event-queue.js';
import { M } from './metric-catalogue.js';
import type { MetricsProcess } from './metrics-registry.js';
import type { NodeTenant } from './node.js';
import { replicaComponent } from './ray-ids.js';
import type { Outcome, SimRequest } from './request.js';
import { settle } from './request.js';
import type { SimContext } from './sim-context.js';
import { workerProcess } from './sim-context.js';

/** What a replica needs from its deployment. */
export interface ReplicaOwner {
  readonly app: string;
  readonly name: string;
  readonly route: string;
  readonly config: DeploymentConfig;
  behaviour(): DeploymentBehaviour;
  /** A slot freed up or a replica became routable: routers should try again. */
  onCapacity(): void;
  /** A call through a handle to another deployment of the app, from this replica's process. */
  callDownstream(from: Replica, deployment: string, parent: SimRequest, done: (o: Outcome) => void): void;
}

interface InFlight {
  readonly startedAt: number;
  event: TimedEvent | undefined;
}

/**
 * One replica actor: scheduled when its num_cpus fit, started after scheduling + __init__,
 * running up to max_ongoing_requests requests at once, stopped gracefully, or killed (OOM).
 */
export class Replica implements NodeTenant {
  readonly id: string;
  readonly actorId: string;
  readonly createdAt: number;
  state: ReplicaState = 'STARTING';
  workerId: string | undefined;
  pid: number | undefined;
  /** Epoch ms when the actor process started (GET start_time_s). */
  startTime: number | undefined;
  readyAt: number | undefined;
  stoppedAt: number | undefined;
  /** Killed (OOM) and not yet noticed by the controller's health check. */
  dead = false;
  /** The deployment's target version this replica runs (restart key). */
  readonly version: string;
  reconfigureKey: string;
  metrics: MetricsProcess | undefined;
  readonly numCpus: number;
  readonly numGpus: number;
  private allocated = false;
  private readonly inflight = new Map<SimRequest, InFlight>();
  private leakedMb = 0;
  private busyIntegral = 0;
  private busySince = 0;
  private readonly busyHistory: { at: number; integral: number }[] = [];
  private readonly latencies: { at: number; ms: number }[] = [];

  constructor(
    private readonly ctx: SimContext,
    readonly owner: ReplicaOwner,
    version: string,
    reconfigureKey: string,
  ) {
    this.id = ctx.ids.shortId();
    this.actorId = ctx.ids.actorId();
    this.createdAt = ctx.now();
    this.version = version;
    this.reconfigureKey = reconfigureKey;
    this.numCpus = requiredCpus(owner.config);
    const gpus = owner.config.ray_actor_options.num_gpus;
    this.numGpus = typeof gpus === 'number' ? gpus : 0;
  }

  get component(): string {
    return replicaComponent(this.owner.app, this.owner.name);
  }

  get ongoing(): number {
    return this.inflight.size;
  }

  /** Still waiting for free CPUs (Ray: PENDING_ALLOCATION). */
  get pendingAllocation(): boolean {
    return this.state === 'STARTING' && !this.allocated;
  }

  get alive(): boolean {
    return this.allocated && !this.dead && this.state !== 'STOPPED';
  }

  /** Tries to place the actor; once placed, the process starts and __init__ runs. */
  tryStart(onReady: () => void): void {
    if (this.allocated || this.state !== 'STARTING') return;
    if (!this.ctx.node.tryAllocate(this.numCpus)) return;
    this.allocated = true;
    const b = this.owner.behaviour();
    const schedule = this.ctx.random.lognormal(b.scheduleMs, 0.15);
    const init = this.ctx.random.lognormal(b.initMs, 0.1);
    this.ctx.queue.schedule(this.ctx.now() + schedule, () => {
      if (this.state !== 'STARTING' || this.dead) return;
      this.workerId = this.ctx.ids.workerId();
      this.pid = this.ctx.ids.pid();
      this.startTime = this.ctx.now();
      this.metrics = workerProcess(this.ctx, this.workerId);
      this.metrics.onCollect(() => this.collect());
      this.metrics.inc(M.replicaStarts, this.labels(), this.ctx.now());
    });
    this.ctx.queue.schedule(this.ctx.now() + schedule + init, () => {
      if (this.state !== 'STARTING' || this.dead) return;
      this.state = 'RUNNING';
      this.readyAt = this.ctx.now();
      this.busySince = this.ctx.now();
      this.initMs = init;
      onReady();
    });
  }

  /** __init__ duration, for ray_serve_replica_initialization_latency_ms. */
  initMs = 0;

  labels(): Record<string, string> {
    return { application: this.owner.app, deployment: this.owner.name, replica: this.id };
  }

  routable(): boolean {
    return this.state === 'RUNNING' && !this.dead;
  }

  hasCapacity(): boolean {
    return this.routable() && this.inflight.size < this.owner.config.max_ongoing_requests;
  }

  private accrueBusy(): void {
    const now = this.ctx.now();
    this.busyIntegral += this.inflight.size * (now - this.busySince);
    this.busySince = now;
  }

  /** Runs a request: user code for a sampled time, then a downstream call if the code makes one. */
  accept(req: SimRequest): void {
    this.accrueBusy();
    const now = this.ctx.now();
    const entry: InFlight = { startedAt: now, event: undefined };
    this.inflight.set(req, entry);
    req.cancel = () => this.finish(req, undefined);
    const b = this.owner.behaviour();
    entry.event = this.ctx.queue.schedule(now + this.serviceTime(b), () => {
      entry.event = undefined;
      if (this.ctx.random.chance(b.errorRate)) return this.finish(req, { kind: 'error', exception: 'RuntimeError' });
      if (!b.calls) return this.finish(req, { kind: 'ok' });
      this.owner.callDownstream(this, b.calls, req, (outcome) => this.finish(req, outcome));
    });
  }

  private serviceTime(b: DeploymentBehaviour): number {
    let t = this.ctx.random.lognormal(b.serviceMs, b.serviceSigma);
    if (b.tailProbability > 0 && this.ctx.random.chance(b.tailProbability)) t *= b.tailMultiplier;
    // CPU-bound code slows down with the node's CPU contention; awaiting code does not.
    const cpuBound = Math.min(1, b.cpuPerRequest * 2);
    return t * (1 + (this.ctx.node.contention() - 1) * cpuBound);
  }

  /** `outcome` undefined: cancelled (the proxy timed it out); nothing is answered from here. */
  private finish(req: SimRequest, outcome: Outcome | undefined): void {
    const entry = this.inflight.get(req);
    if (!entry) return;
    this.accrueBusy();
    this.inflight.delete(req);
    if (entry.event) entry.event.cancelled = true;
    const now = this.ctx.now();
    const ms = now - entry.startedAt;
    const labels = { ...this.labels(), route: this.owner.route };
    this.metrics?.observe(M.processingLatency, labels, ms, now);
    this.latencies.push({ at: now, ms });
    if (outcome?.kind === 'ok') this.metrics?.inc(M.replicaRequests, labels, now);
    if (outcome?.kind === 'error') this.metrics?.inc(M.replicaErrors, { ...labels, exception_type: outcome.exception }, now);
    this.leakedMb += this.owner.behaviour().leakMbPerRequest;
    if (outcome) settle(req, outcome);
    this.owner.onCapacity();
  }

  /** The process died (OOM): every request on it fails; the controller notices at its next health check. */
  kill(exception: string): void {
    if (this.dead) return;
    this.dead = true;
    this.accrueBusy();
    const pending = [...this.inflight.keys()];
    for (const entry of this.inflight.values()) if (entry.event) entry.event.cancelled = true;
    this.inflight.clear();
    for (const req of pending) settle(req, { kind: 'error', exception });
    this.metrics?.stop();
    this.releaseResources();
  }

  /** Graceful stop: no new requests; wait for ongoing ones up to graceful_shutdown_timeout_s. */
  stop(onStopped: (durationMs: number) => void): void {
    if (this.state === 'STOPPING' || this.state === 'STOPPED') return;
    const began = this.ctx.now();
    this.state = 'STOPPING';
    const cfg = this.owner.config;
    const loopMs = cfg.graceful_shutdown_wait_loop_s * 1000;
    const check = () => {
      const elapsed = this.ctx.now() - began;
      if (this.inflight.size > 0 && !this.dead && elapsed < cfg.graceful_shutdown_timeout_s * 1000) {
        this.ctx.queue.schedule(this.ctx.now() + loopMs, check);
        return;
      }
      if (this.inflight.size > 0) this.kill('RayActorError');
      this.ctx.queue.schedule(this.ctx.now() + 300 + this.ctx.random.int(1200), () => {
        this.markStopped();
        onStopped(this.ctx.now() - began);
      });
    };
    this.ctx.queue.schedule(began + (this.allocated ? loopMs : 0), check);
  }

  markStopped(): void {
    this.state = 'STOPPED';
    this.stoppedAt = this.ctx.now();
    this.metrics?.stop();
    this.releaseResources();
  }

  private releaseResources(): void {
    if (!this.allocated) return;
    this.allocated = false;
    this.ctx.node.release(this.numCpus);
  }

  cpuCores(): number {
    if (!this.alive || this.state === 'STARTING') return this.alive ? 0.3 : 0;
    const b = this.owner.behaviour();
    return Math.min(Math.max(1, this.numCpus), b.idleCpu + this.inflight.size * b.cpuPerRequest);
  }

  rssMb(): number {
    if (!this.alive) return 0;
    const b = this.owner.behaviour();
    if (this.state === 'STARTING') return this.workerId ? b.baseRssMb * 0.6 : 0;
    return b.baseRssMb + this.inflight.size * b.rssPerRequestMb + this.leakedMb;
  }

  gpuMemMb(): number {
    return this.alive ? this.rssMb() * 0.5 : 0;
  }

  busy(): boolean {
    return this.inflight.size > 0;
  }

  private collect(): void {
    const now = this.ctx.now();
    const m = this.metrics!;
    const labels = this.labels();
    this.accrueBusy();
    m.set(M.processingQueries, labels, this.inflight.size, now);
    this.busyHistory.push({ at: now, integral: this.busyIntegral });
    while (this.busyHistory.length > 1 && this.busyHistory[0]!.at < now - UTILIZATION_WINDOW_MS) this.busyHistory.shift();
    const first = this.busyHistory[0]!;
    const window = Math.max(1, now - Math.min(first.at, this.readyAt ?? now));
    const used = this.busyIntegral - (first.at < (this.readyAt ?? now) ? 0 : first.integral);
    const util = (100 * used) / (window * this.owner.config.max_ongoing_requests);
    m.set(M.utilization, labels, Math.min(100, util), now);
    while (this.latencies.length > 0 && this.latencies[0]!.at < now - MAX_LATENCY_WINDOW_MS) this.latencies.shift();
    if (this.latencies.length > 0) {
      const max = this.latencies.reduce((a, l) => Math.max(a, l.ms), 0);
      m.set(M.maxProcessingLatency, { ...labels, route: this.owner.route }, max, now);
    }
  }
}
