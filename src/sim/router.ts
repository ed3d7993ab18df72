import type { DeploymentConfig } from './effective-config.js';
import { M } from './metric-catalogue.js';
import type { MetricsProcess } from './metrics-registry.js';
import type { Replica } from './replica.js';
import type { SimRequest } from './request.js';
import { settle } from './request.js';
import type { SimContext } from './sim-context.js';

/** The process a handle lives in: the proxy for ingress traffic, a replica for calls between deployments. */
export interface RouterCaller {
  readonly actorId: string;
  readonly process: MetricsProcess;
  readonly handleSource: 'PROXY' | 'REPLICA';
}

export interface RoutingTarget {
  readonly app: string;
  readonly name: string;
  readonly config: DeploymentConfig;
  replicas(): readonly Replica[];
  /** A request is waiting and no replica runs: handles push metrics at once (scale from zero). */
  onStarved(): void;
}

/** FIFO with O(1) shift; a cancelled request is skipped when it reaches the head. */
class RequestQueue {
  private items: (SimRequest | undefined)[] = [];
  private head = 0;
  length = 0;

  push(req: SimRequest): void {
    this.items.push(req);
    this.length += 1;
  }

  shift(): SimRequest | undefined {
    while (this.head < this.items.length) {
      const req = this.items[this.head++];
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (req) {
        this.length -= 1;
        return req;
      }
    }
    return undefined;
  }

  remove(req: SimRequest): void {
    const i = this.items.indexOf(req, this.head);
    if (i < 0) return;
    this.items[i] = undefined;
    this.length -= 1;
  }
}

/**
 * A deployment handle's router: a FIFO queue in the caller, power-of-two-choices among
 * replicas below max_ongoing_requests, and backpressure past max_queued_requests.
 */
export class Router {
  readonly handleId: string;
  private readonly queue = new RequestQueue();
  private assigned: SimRequest[] = [];

  constructor(
    private readonly ctx: SimContext,
    readonly caller: RouterCaller,
    readonly target: RoutingTarget,
  ) {
    this.handleId = ctx.ids.shortId();
    caller.process.onCollect(() => this.collect());
  }

  private handleLabels(): Record<string, string> {
    return { actor_id: this.caller.actorId, application: this.target.app, deployment: this.target.name, handle: this.handleId };
  }

  /** Requests this handle holds: waiting in its queue plus assigned and not finished. */
  ongoing(): number {
    this.assigned = this.assigned.filter((r) => !r.settled);
    return this.queue.length + this.assigned.length;
  }

  queued(): number {
    return this.queue.length;
  }

  submit(req: SimRequest): void {
    const now = this.ctx.now();
    const p = this.caller.process;
    p.inc(M.routerRequests, { ...this.handleLabels(), route: req.route }, now);
    p.inc(
      M.handleRequests,
      { application: this.target.app, deployment: this.target.name, handle: `${this.target.app}#${this.target.name}#${this.handleId}`, route: req.route },
      now,
    );
    const cfg = this.target.config;
    if (cfg.max_queued_requests !== -1 && this.queue.length >= cfg.max_queued_requests) {
      const body = `Request dropped due to backpressure (num_queued_requests=${this.queue.length}, max_queued_requests=${cfg.max_queued_requests}).`;
      settle(req, { kind: 'rejected', status: cfg.backpressure_config.status_code, body });
      return;
    }
    req.enqueuedAt = now;
    this.queue.push(req);
    req.cancel = () => this.queue.remove(req);
    this.tryAssign();
    if (this.queue.length > 0 && !this.target.replicas().some((r) => r.routable())) this.target.onStarved();
  }

  tryAssign(): void {
    while (this.queue.length > 0) {
      const candidates = this.target.replicas().filter((r) => r.hasCapacity());
      if (candidates.length === 0) return;
      let chosen = candidates[this.ctx.random.int(candidates.length)]!;
      if (candidates.length > 1) {
        let other = candidates[this.ctx.random.int(candidates.length - 1)]!;
        if (other === chosen) other = candidates[candidates.length - 1]!;
        if (other.ongoing < chosen.ongoing) chosen = other;
      }
      const req = this.queue.shift();
      if (!req) return;
      const now = this.ctx.now();
      this.caller.process.observe(
        M.fulfillmentTime,
        { actor_id: this.caller.actorId, application: this.target.app, deployment: this.target.name, handle_source: this.caller.handleSource },
        now - req.enqueuedAt,
        now,
      );
      this.assigned.push(req);
      chosen.accept(req);
    }
  }

  private collect(): void {
    const now = this.ctx.now();
    const p = this.caller.process;
    const labels = this.handleLabels();
    p.set(M.queuedQueries, labels, this.queue.length, now);
    p.set(M.ongoingAtReplicas, labels, this.ongoing() - this.queue.length, now);
    const replicas = this.target.replicas().filter((r) => r.routable());
    const tasks = Math.min(this.queue.length, Math.max(1, replicas.length) * 2);
    const schedLabels = { actor_id: this.caller.actorId, app: this.target.app, application: this.target.app, deployment: this.target.name, handle_source: this.caller.handleSource };
    p.set(M.schedulingTasks, schedLabels, tasks, now);
    p.set(M.schedulingBackoff, schedLabels, replicas.some((r) => r.hasCapacity()) ? 0 : tasks, now);
    for (const r of replicas) {
      p.set(M.routerQueueLen, { actor_id: this.caller.actorId, application: this.target.app, deployment: this.target.name, handle_source: this.caller.handleSource, replica_id: r.id }, r.ongoing, now);
    }
  }
}
