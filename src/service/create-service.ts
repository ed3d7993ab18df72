import { AlertStateStore } from '../adapters/redis/alert-state-store.js';
import { createRedis, type Redis } from '../adapters/redis/create-redis.js';
import { RedisLease } from '../adapters/redis/redis-lease.js';
import { WebhookQueue } from '../adapters/redis/webhook-queue.js';
import { RuleSet } from '../adapters/rules/rule-set.js';
import { ServeApiClient } from '../adapters/serve-api/serve-api-client.js';
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Checklist } from '../core/model/checklist.js';
import type { DiagnoseFn } from '../core/notify/notification.js';
import { syntaxOnlyExprValidator } from '../core/rules/default-expr-validator.js';
import { describeError, ServeMedicError } from '../errors.js';
import type { Logger } from '../log/create-logger.js';
import { createSimulator, type Simulator } from '../sim/simulator.js';
import type { SimServer } from '../sim/http-server.js';
import { createMetricsBackend, type MetricsBackend } from './create-metrics-backend.js';
import { createDiagnose } from './diagnosis/run-diagnosis.js';
import { healthRoutes } from './health-routes.js';
import { createHttpServer, type HttpServerHandle } from './http/create-http-server.js';
import { createOwnMetrics, type OwnMetrics } from './own-metrics.js';
import { createRemediation } from './remediation/create-remediation.js';
import { resolveRedis, type ResolvedRedis } from './resolve-redis.js';
import { RuleEvaluator } from './rule-evaluator.js';
import { createSlackSurface, type SlackSurface } from './slack/create-slack-surface.js';
import { createAlertmanagerWebhookHandler } from './webhooks/alertmanager-webhook.js';
import { createAlertmanagerProcessor } from './webhooks/process-alertmanager-payload.js';

/**
 * The composition root: config in, a running service out. Every adapter is built here and
 * handed to the parts that need it; nothing below this file reads the environment or opens a
 * connection on its own.
 */
export interface ServiceOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Console-mode output (no SLACK_BOT_TOKEN); default stdout. */
  readonly consoleOut?: Pick<NodeJS.WritableStream, 'write'>;
  /** Lines for the person who started it (first line: what is watched). */
  readonly announce?: (line: string) => void;
  /** Overrides for tests: faster notifier ticks, an instance id. */
  readonly notifierTuning?: NonNullable<Parameters<typeof createSlackSurface>[0]['notifier']>;
  /** Test hook: how long webhook consumers wait on Redis. */
  readonly webhookBlockMs?: number;
}

export interface Service {
  readonly url: string;
  readonly port: number;
  readonly redisUrl: string;
  readonly own: OwnMetrics;
  readonly surface: SlackSurface;
  readonly evaluator: RuleEvaluator;
  readonly rules: RuleSet;
  readonly metrics: MetricsBackend;
  readonly simulator?: Simulator;
  readonly serveApi: ServeApiClient;
  readonly diagnose: DiagnoseFn;
  /** Stops taking work, finishes what is in flight, releases the lease, closes connections. */
  stop(reason?: string): Promise<void>;
}

/** No dashboard, no targets, no discovery file, no Prometheus: nothing to watch but the simulator. */
export function clusterConfigured(config: Config): boolean {
  const m = config.metrics;
  return Boolean(config.ray.dashboard_url || m.targets.length > 0 || m.service_discovery_file || m.prometheus_url);
}

export async function createService(options: ServiceOptions): Promise<Service> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const announce = options.announce ?? ((line: string) => logger.info(line));
  const own = createOwnMetrics();
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.warn({ err: describeError(err) }, 'error while stopping');
      }
    }
  };

  try {
    // 1. The cluster: the real one, or the built-in simulator when none is configured.
    let simulator: Simulator | undefined;
    let simServer: SimServer | undefined;
    let dashboardUrl = config.ray.dashboard_url;
    const extraTargets: string[] = [];
    if (!clusterConfigured(config)) {
      simulator = createSimulator({ clock: systemClock, scenario: config.simulator.scenario, seed: config.simulator.seed });
      simServer = await simulator.listen(config.simulator.port);
      simulator.start();
      const sim = simulator;
      const srv = simServer;
      cleanups.push(async () => {
        sim.stop();
        await srv.close();
      });
      dashboardUrl = simServer.url;
      extraTargets.push(`${simServer.url}/metrics`);
      announce(
        `serve-medic: no cluster configured — watching the built-in Ray Serve simulator at ${simServer.url} (scenario ${simulator.scenario.name}: ${simulator.scenario.description}). Set RAY_DASHBOARD_URL and METRICS_TARGETS (or PROMETHEUS_URL) to watch a real cluster.`,
      );
    } else {
      announce(`serve-medic: watching Ray Serve at ${dashboardUrl ?? '(no RAY_DASHBOARD_URL: REST reads and fixes are off)'}`);
    }
    const serveApi = new ServeApiClient({
      baseUrl: dashboardUrl ?? 'http://127.0.0.1:8265',
      ...(config.ray.dashboard_token ? { token: config.ray.dashboard_token } : {}),
      timeoutMs: config.ray.request_timeout,
    });

    // 2. Redis.
    const resolved: ResolvedRedis = await resolveRedis(config.redis_url);
    cleanups.push(() => resolved.stop());
    if (resolved.ephemeral) {
      logger.warn({ redis: resolved.url }, 'no REDIS_URL and nothing on 127.0.0.1:6379: started a private redis-server; alert state, threads and approvals are NOT durable');
    }
    const redis: Redis = createRedis({ url: resolved.url, purpose: 'commands', connectionName: 'serve-medic' });
    redis.on('error', (err) => logger.debug({ err: describeError(err) }, 'redis connection error'));
    cleanups.push(() => void redis.disconnect());
    await redis.ping().catch((err: unknown) => {
      throw new ServeMedicError('REDIS_UNAVAILABLE', `Redis at ${resolved.url} did not answer: ${describeError(err)}`);
    });

    // 3. Metrics.
    const metrics = createMetricsBackend({ metrics: config.metrics, extraTargets, clock, logger, own });
    await metrics.start();
    cleanups.push(() => metrics.stop());
    logger.info({}, `metrics: ${metrics.describe()}`);

    // 4. Rules and the checklist.
    const rules = await RuleSet.create({
      paths: config.rules.paths,
      load: {
        defaultIntervalMs: config.rules.evaluation_interval,
        ...(config.metrics.prometheus_url ? { validateExpr: syntaxOnlyExprValidator } : {}),
      },
      logger: { info: (o, m) => logger.info(o, m), warn: (o, m) => logger.warn(o, m) },
    });
    rules.start();
    cleanups.push(() => rules.stop());
    const checklist = (): Checklist => rules.checklist() ?? { items: [] };

    // 5. Diagnosis (rebuilt per call so it always sees the rules in force after a reload).
    const guardrails = { ...config.remediation, ...(config.ray.kuberay ? { kuberay: true } : {}) };
    const diagnose: DiagnoseFn = (target) =>
      createDiagnose({
        queryEngine: metrics.queryEngine,
        serveApi,
        groups: rules.groups(),
        checklist: checklist(),
        guardrails,
        cluster: config.cluster_name,
        clock,
        onQueryError: (expr, error) => logger.debug({ expr, error }, 'diagnosis query failed'),
        lastRemediationAt: (app, dep) => remediation.lastRemediationAt(app, dep),
      })({
        application: target.application,
        ...(target.deployment ? { deployment: target.deployment } : {}),
        ...(target.alert ? { alert: { name: target.alert.name, value: target.alert.value, labels: target.alert.labels } } : {}),
      });

    // 5b. Approved remediations (issue #6): after the diagnosis of an alert, a proposal in its
    // thread; Approve / Reject buttons; BullMQ jobs that change the Serve config and verify it.
    const remediation = createRemediation({
      config,
      redis,
      redisUrl: resolved.url,
      serveApi,
      queryEngine: metrics.queryEngine,
      logger,
      clock,
      metrics: own,
      listRules: () => rules.groups().flatMap((g) => g.rules),
    });
    const proposingDiagnose = remediation.wrapDiagnose(diagnose);

    // 6. Slack (or the console).
    const surface = createSlackSurface({
      config,
      redis,
      logger,
      clock,
      diagnose: proposingDiagnose,
      actionRegistrars: remediation.actionRegistrars,
      history: (app) => remediation.history(app),
      queryEngine: metrics.queryEngine,
      listRules: () => rules.groups().flatMap((g) => g.rules),
      getApplications: () => serveApi.getApplications(),
      ...(options.consoleOut ? { consoleOut: options.consoleOut } : {}),
      observe: {
        call: (label, result) => own.slackCalls.inc({ method: label, result }),
        wait: (reason) => own.slackRateLimitWaits.inc({ reason }),
        depth: (items) => own.slackQueueDepth.set(items),
      },
      ...(options.notifierTuning ? { notifier: options.notifierTuning } : {}),
    });
    await surface.start();
    cleanups.push(() => surface.stop());
    remediation.attach(surface.notifier);
    await remediation.start();
    cleanups.push(() => remediation.stop());

    // 7. Rule evaluation, one evaluator among replicas.
    const lease = new RedisLease({
      redis,
      key: `${config.redis_prefix}:lease:rules`,
      ttlMs: config.rules.lease,
      clock,
      onChange: (held) => {
        own.evaluationLeader.set(held ? 1 : 0);
        logger.info({ held }, held ? 'holding the rule evaluation lease' : 'not holding the rule evaluation lease');
      },
      onError: (err) => logger.warn({ err: describeError(err) }, 'rule evaluation lease renewal failed'),
    });
    const evaluator = new RuleEvaluator({
      queryEngine: metrics.queryEngine,
      store: new AlertStateStore({ redis, prefix: config.redis_prefix }),
      onEvents: (events) => surface.notifier.onEvents(events),
      onEvaluation: (report) => {
        own.ruleEvaluations.inc({ group: report.group, result: report.outcome });
        if (report.outcome !== 'skipped') own.ruleEvaluationDuration.observe({ group: report.group }, report.durationMs / 1000);
        own.alerts.set({ state: 'pending' }, report.pending);
        own.alerts.set({ state: 'firing' }, report.firing);
      },
      lease,
      externalLabels: { cluster: config.cluster_name },
      clock,
      logger: { info: (o, m) => logger.info(o, m), warn: (o, m) => logger.warn(o, m), error: (o, m) => logger.error(o, m) },
    });
    evaluator.setGroups(rules.groups());
    const unsubscribe = rules.onChange((groups) => evaluator.setGroups(groups));
    if (config.rules.evaluate) evaluator.start();
    else logger.info({}, 'rules.evaluate is off: alerts come from Alertmanager only');
    cleanups.push(async () => {
      unsubscribe();
      await evaluator.stop();
    });

    // 8. Alertmanager webhooks: accepted into a Redis stream, processed by any replica.
    const webhookQueue = new WebhookQueue({ redis, key: `${config.redis_prefix}:webhooks:alertmanager` });
    webhookQueue.start(
      surfaceInstanceId(),
      createAlertmanagerProcessor({ notifier: surface.notifier, redis, prefix: config.redis_prefix, clock, logger, cluster: config.cluster_name, diagnose: proposingDiagnose }),
      {
        ...(options.webhookBlockMs ? { blockMs: options.webhookBlockMs } : {}),
        onError: (err, entry) => logger.error({ err: describeError(err), id: entry?.id }, 'processing an Alertmanager notification failed; it stays pending for a retry'),
      },
    );
    cleanups.push(() => webhookQueue.stop());

    // 9. One HTTP port for everything.
    const http: HttpServerHandle = await createHttpServer({
      port: config.port,
      host: config.host,
      ...(surface.slackHttp ? { slack: surface.slackHttp } : {}),
      logger,
      clock,
      routes: [
        {
          method: 'POST',
          path: '/webhooks/alertmanager',
          handler: createAlertmanagerWebhookHandler({
            ...(config.alertmanager.webhook_token ? { bearerToken: config.alertmanager.webhook_token } : {}),
            ...(config.alertmanager.basic_auth ? { basicAuth: config.alertmanager.basic_auth } : {}),
            maxBodyBytes: config.alertmanager.max_body,
            enqueue: (body, t) => webhookQueue.enqueue(body, t),
            now: () => clock.now(),
            onResult: (result, detail) => {
              own.webhooks.inc({ result });
              if (result !== 'accepted') logger.warn({ result, detail }, 'Alertmanager webhook refused');
            },
          }),
        },
        ...healthRoutes({
          own,
          checks: [
            { name: 'redis', check: async () => ((await redis.ping()) === 'PONG' ? null : 'no PONG') },
            { name: 'rules', check: async () => (rules.groups().length > 0 ? null : 'no rules loaded') },
            { name: 'slack', check: async () => null /* surface.start() verified auth (or console mode) */ },
            { name: 'metrics', check: async () => (metrics.ready() ? null : 'first scrape not finished') },
          ],
        }),
      ],
    });
    cleanups.push(() => http.close());
    announce(`serve-medic: listening on ${http.url} (Slack: ${surface.mode}; ${rules.groups().reduce((n, g) => n + g.rules.length, 0)} alert rules)`);

    let stopping: Promise<void> | undefined;
    return {
      url: http.url,
      port: http.port,
      redisUrl: resolved.url,
      own,
      surface,
      evaluator,
      rules,
      metrics,
      ...(simulator ? { simulator } : {}),
      serveApi,
      diagnose,
      stop(reason = 'stop') {
        stopping ??= (async () => {
          logger.info({ reason }, 'stopping');
          await cleanup();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

let instanceCounter = 0;
function surfaceInstanceId(): string {
  return `${process.pid}-${++instanceCounter}`;
}
