import type { TimedEvent } from './event-queue.js';
import { M } from './metric-catalogue.js';
import type { MetricsProcess } from './metrics-registry.js';
import type { ApplicationState } from './application.js';
import { formatPyRepr } from './py-float.js';
import type { Outcome, SimRequest } from './request.js';
import { settle } from './request.js';
import type { RouterCaller } from './router.js';
import type { SimContext } from './sim-context.js';
import { workerProcess } from './sim-context.js';

/** One answered HTTP request, kept for tests and the demo. */
export interface ProxyResponse {
  readonly at: number;
  readonly path: string;
  readonly application: string;
  readonly status: number;
  readonly body: string;
  readonly latencyMs: number;
}

const RECENT_RESPONSES = 200;

/**
 * The HTTP proxy on the head node: matches the route prefix, hands the request to the ingress
 * deployment's router, answers 404 / 408 / 500 / 503 as Ray's proxy does, and records the
 * ray_serve_num_http_* and latency metrics.
 */
export class HttpProxy implements RouterCaller {
  readonly actorId: string;
  readonly workerId: string;
  readonly pid: number;
  readonly process: MetricsProcess;
  readonly handleSource = 'PROXY' as const;
  readonly recent: ProxyResponse[] = [];
  /** Responses so far by status code, all routes. */
  readonly statusCounts = new Map<number, number>();
  private ongoing = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly apps: () => Iterable<ApplicationState>,
    private readonly requestTimeoutS: number | null,
  ) {
    this.actorId = ctx.ids.actorId();
    this.workerId = ctx.ids.workerId();
    this.pid = ctx.ids.pid();
    this.process = workerProcess(ctx, this.workerId);
    this.process.onCollect(() =>
      this.process.set(M.ongoingHttp, { node_id: ctx.node.nodeId, node_ip_address: ctx.node.ip }, this.ongoing, ctx.now()),
    );
  }

  private match(path: string): ApplicationState | undefined {
    let best: ApplicationState | undefined;
    for (const app of this.apps()) {
      const prefix = app.routePrefix;
      if (prefix === null || app.status === 'DELETING' || !app.ingress) continue;
      const hit = prefix === '/' || path === prefix || path.startsWith(prefix + '/');
      if (hit && (!best || prefix.length > (best.routePrefix ?? '').length)) best = app;
    }
    return best;
  }

  /** An HTTP request arrives; `timeoutS` is the x-request-timeout-seconds header, if sent. */
  receive(path: string, method: string, timeoutS?: number): void {
    const now = this.ctx.now();
    const app = this.match(path);
    const ingress = app?.ingress ? app.deployments.get(app.ingress) : undefined;
    if (!app || !ingress) {
      const body = `Path '${path}' not found. Ping http://.../-/routes for available routes.`;
      this.record({ application: '', route: '', deployment: '', method, path, status: 404, body, startedAt: now });
      return;
    }
    this.ongoing += 1;
    const limit = timeoutS ?? this.requestTimeoutS ?? undefined;
    const route = app.route();
    let timeoutEvent: TimedEvent | undefined;
    const req: SimRequest = {
      id: this.ctx.ids.requestId(),
      route,
      method,
      deadline: limit === undefined ? undefined : now + limit * 1000,
      enqueuedAt: now,
      settled: false,
      cancel: undefined,
      onSettled: (outcome: Outcome) => {
        if (timeoutEvent) timeoutEvent.cancelled = true;
        this.ongoing -= 1;
        const { status, body } = answer(outcome);
        this.record({ application: app.name, route, deployment: ingress.name, method, path, status, body, startedAt: now });
      },
    };
    if (limit !== undefined && req.deadline !== undefined) {
      timeoutEvent = this.ctx.queue.schedule(req.deadline, () => {
        if (req.settled) return;
        req.cancel?.();
        settle(req, { kind: 'timeout', body: `Request ${req.id} timed out after ${formatPyRepr(limit)}s.` });
      });
    }
    ingress.routerFor(this).submit(req);
  }

  private record(r: {
    application: string;
    route: string;
    deployment: string;
    method: string;
    path: string;
    status: number;
    body: string;
    startedAt: number;
  }): void {
    const now = this.ctx.now();
    const latency = now - r.startedAt + this.ctx.random.lognormal(1.2, 0.3);
    const code = String(r.status);
    const p = this.process;
    p.inc(M.httpRequests, { application: r.application, method: r.method, route: r.route, status_code: code }, now);
    p.observe(M.httpLatency, { application: r.application, method: r.method, route: r.route, status_code: code }, latency, now);
    if (r.status >= 400) {
      p.inc(M.httpErrors, { application: r.application, error_code: code, method: r.method, route: r.route }, now);
      p.inc(M.deploymentHttpErrors, { application: r.application, deployment: r.deployment, error_code: code, method: r.method, route: r.route }, now);
    }
    this.statusCounts.set(r.status, (this.statusCounts.get(r.status) ?? 0) + 1);
    this.recent.push({ at: now, path: r.path, application: r.application, status: r.status, body: r.body, latencyMs: latency });
    if (this.recent.length > RECENT_RESPONSES) this.recent.shift();
  }
}

function answer(outcome: Outcome): { status: number; body: string } {
  switch (outcome.kind) {
    case 'ok':
      return { status: 200, body: '' };
    case 'error':
      return { status: 500, body: 'Internal Server Error' };
    case 'rejected':
      return { status: outcome.status, body: outcome.body };
    case 'timeout':
      return { status: 408, body: outcome.body };
  }
}
