import type { Clock } from '../core/clock.js';
import { ManualClock } from '../core/clock.js';
import type { CodeCatalog, DeploymentBehaviour } from './app-catalog.js';
import { DEFAULT_BEHAVIOUR, DEFAULT_CATALOG } from './app-catalog.js';
import { CONTROL_LOOP_MS } from './constants.js';
import { ServeController } from './controller.js';
import type { AppRequest } from './deploy-schema.js';
import { parseDeployRequest } from './deploy-schema.js';
import { EventQueue } from './event-queue.js';
import type { LoadTarget } from './load-generator.js';
import { LoadGenerator } from './load-generator.js';
import { renderExposition } from './metrics-exposition.js';
import type { SimExpositionFormat } from './metrics-exposition.js';
import { MetricsRegistry } from './metrics-registry.js';
import { DEFAULT_NODE, NodeModel } from './node.js';
import type { NodeSpec } from './node.js';
import type { ProxyResponse } from './proxy.js';
import { createRandom } from './random.js';
import type { Replica } from './replica.js';
import { RayIds, sessionName } from './ray-ids.js';
import { SERVE_NOT_RUNNING_BODY, serveInstanceDetails } from './rest-shapes.js';
import { handleRest } from './rest-handlers.js';
import type { SimHeaders, SimResponse } from './rest-handlers.js';
import { getScenario } from './scenarios/index.js';
import type { Scenario } from './scenarios/types.js';
import { WARMUP_MS } from './scenarios/types.js';
import type { SimContext } from './sim-context.js';
import { describeState } from './sim-state.js';
import type { SimState } from './sim-state.js';
import { listenSimulator } from './http-server.js';
import type { SimServer } from './http-server.js';

export interface SimulatorOptions {
  readonly seed?: number | string;
  /** A ManualClock to step, or a real clock for start(). Default: a ManualClock at 2026-01-01. */
  readonly clock?: Clock;
  /** A scenario name or object; default the healthy baseline. */
  readonly scenario?: string | Scenario;
  /** Turns on token auth (RAY_AUTH_MODE=token) for the /api routes. */
  readonly authToken?: string;
}

export interface Simulator {
  readonly clock: Clock;
  readonly scenario: Scenario;
  readonly sessionName: string;
  /** Advances a ManualClock by `ms` and runs the model up to it. */
  step(ms: number): void;
  /** Runs the model up to the clock's current time (done by every read too). */
  sync(): void;
  metrics(format?: SimExpositionFormat): string;
  handle(method: string, path: string, headers?: SimHeaders, body?: string): SimResponse;
  listen(port?: number): Promise<SimServer>;
  /** Real-time mode: follows the clock every control loop period until stop(). */
  start(): void;
  stop(): void;
  setLoad(target: LoadTarget): void;
  load(): readonly LoadTarget[];
  setBehaviour(app: string, deployment: string, patch: Partial<DeploymentBehaviour>): void;
  setBackgroundCpu(cores: number): void;
  /** serve.run(): an imperative app (not deleted by a PUT that omits it). */
  deployImperative(app: unknown): SimResponse;
  state(): SimState;
  responses(): readonly ProxyResponse[];
}

/** The Ray Serve 2.58 simulator: the dashboard REST API, /metrics, and the model behind them. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const scenario = typeof options.scenario === 'object' ? options.scenario : getScenario(options.scenario ?? 'healthy-baseline');
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 1));
  const random = createRandom(options.seed ?? 1);
  const queue = new EventQueue();
  const registry = new MetricsRegistry();
  const startedAt = clock.now();
  let time = startedAt;
  const ids = new RayIds(random);
  const session = sessionName(startedAt, random.int(1_000_000), ids.pid());
  const node = new NodeModel({ ...DEFAULT_NODE, ...scenario.node }, ids.nodeId(), registry, session, () => time, random.int(10_000));
  const catalog: CodeCatalog = { ...DEFAULT_CATALOG, ...scenario.catalog };
  const overrides = new Map<string, Partial<DeploymentBehaviour>>();
  const behaviours = new Map<string, DeploymentBehaviour>();
  let generation = 0;
  let controller: ServeController | undefined;

  const ctx: SimContext = {
    now: () => time,
    queue,
    random,
    ids,
    registry,
    node,
    sessionName: session,
    catalog,
    behaviourGeneration: () => generation,
    behaviour: (importPath, app, deployment) => {
      const key = `${importPath}|${app}/${deployment}`;
      let b = behaviours.get(key);
      if (!b) {
        const code = catalog[importPath]?.deployments.find((d) => d.name === deployment)?.behaviour;
        behaviours.set(key, (b = { ...DEFAULT_BEHAVIOUR, ...code, ...overrides.get(`${app}/${deployment}`) }));
      }
      return b;
    },
  };
  const tenants = (): Replica[] =>
    controller ? [...controller.apps.values()].flatMap((a) => [...a.deployments.values()].flatMap((d) => d.replicasList.filter((r) => r.alive))) : [];
  const loadGen = new LoadGenerator(ctx, () => controller?.proxy, startedAt + WARMUP_MS);

  const controlLoop = (): void => {
    controller?.tick(time);
    const replicas = tenants();
    node.setTenants(replicas);
    node.sample();
    if (node.overMemoryThreshold()) {
      // Ray's memory monitor kills the biggest worker it may kill: here the largest replica.
      const victim = replicas.reduce<Replica | undefined>((a, b) => (!a || b.rssMb() > a.rssMb() ? b : a), undefined);
      victim?.kill('OutOfMemoryError');
      node.setTenants(tenants());
    }
    registry.reportDue(time);
    queue.schedule(time + CONTROL_LOOP_MS, controlLoop);
  };
  queue.schedule(time + CONTROL_LOOP_MS, controlLoop);

  const runUntil = (until: number): void => {
    for (;;) {
      const event = queue.popDue(until);
      if (!event) break;
      time = Math.max(time, event.at);
      event.run();
    }
    time = Math.max(time, until);
  };
  const sync = (): void => runUntil(clock.now());

  const backend = {
    authToken: options.authToken,
    sessionName: session,
    instanceDetails: (apiType: string | undefined) => (controller ? serveInstanceDetails(ctx, controller, apiType) : SERVE_NOT_RUNNING_BODY),
    deploy: (request: Parameters<ServeController['applyConfig']>[0]) => {
      controller ??= new ServeController(ctx, request);
      controller.applyConfig(request);
    },
    shutdown: () => {
      controller?.shutdown();
      controller = undefined;
    },
    metrics: (format: SimExpositionFormat) => renderExposition(registry, time, format),
  };

  const handle = (method: string, path: string, headers: SimHeaders = {}, body = ''): SimResponse => {
    sync();
    return handleRest(backend, method, path, headers, body);
  };

  const controls = {
    put: (config: unknown) => {
      const r = handleRest(backend, 'PUT', '/api/serve/applications/', { authorization: `Bearer ${options.authToken ?? ''}` }, JSON.stringify(config));
      if (r.status !== 200) throw new Error(`scenario ${scenario.name}: PUT failed with ${r.status}: ${r.body}`);
    },
    setLoad: (target: LoadTarget) => loadGen.set(target),
    setBehaviour: (app: string, deployment: string, patch: Partial<DeploymentBehaviour>) => {
      overrides.set(`${app}/${deployment}`, { ...overrides.get(`${app}/${deployment}`), ...patch });
      behaviours.clear();
      generation += 1;
    },
    setBackgroundCpu: (cores: number) => node.setBackgroundCpu(cores),
  };

  controls.put(scenario.config);
  queue.schedule(startedAt + WARMUP_MS, () => {
    for (const target of scenario.load) loadGen.set(target);
  });
  for (const event of scenario.timeline ?? []) queue.schedule(startedAt + event.atMs, () => event.action(controls));

  let timer: NodeJS.Timeout | undefined;
  let lastReal = 0;
  const sim: Simulator = {
    clock,
    scenario,
    sessionName: session,
    step(ms) {
      if (!(clock instanceof ManualClock)) throw new Error('step() needs a ManualClock; use start() with a real clock');
      clock.advance(ms);
      sync();
    },
    sync,
    metrics(format = 'text') {
      sync();
      return backend.metrics(format);
    },
    handle,
    listen: (port = 0) => listenSimulator(handle, port),
    start() {
      if (timer) return;
      lastReal = Date.now();
      timer = setInterval(() => {
        const real = Date.now();
        if (clock instanceof ManualClock) clock.advance(real - lastReal);
        lastReal = real;
        sync();
      }, CONTROL_LOOP_MS);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    setLoad: (target) => {
      sync();
      loadGen.set(target);
    },
    load: () => loadGen.current(),
    setBehaviour: (app, deployment, patch) => {
      sync();
      controls.setBehaviour(app, deployment, patch);
    },
    setBackgroundCpu: (cores) => {
      sync();
      node.setBackgroundCpu(cores);
    },
    deployImperative(app) {
      sync();
      const parsed = parseDeployRequest({ applications: [app] });
      if (!parsed.ok) return { status: 400, headers: {}, body: parsed.message };
      controller ??= new ServeController(ctx, parsed.value);
      controller.deploy(parsed.value.applications[0] as AppRequest, 'imperative');
      return { status: 200, headers: {}, body: '' };
    },
    state() {
      sync();
      return describeState(time, controller, node);
    },
    responses() {
      sync();
      return controller?.proxy.recent ?? [];
    },
  };
  return sim;
}

export type { NodeSpec };
