import { Writable } from 'node:stream';
import { SilenceStore } from '../../src/adapters/redis/silence-store.js';
import { ThreadStore } from '../../src/adapters/redis/thread-store.js';
import { createWebClient, SlackWebApi } from '../../src/adapters/slack/slack-web-api.js';
import type { Clock } from '../../src/core/clock.js';
import { ManualClock } from '../../src/core/clock.js';
import type { ChecklistItem } from '../../src/core/model/checklist.js';
import type { Alert, AlertEvent } from '../../src/core/model/alert.js';
import type { Diagnosis } from '../../src/core/model/diagnosis.js';
import type { AlertRule } from '../../src/core/model/rule.js';
import type { DiagnoseFn } from '../../src/core/notify/notification.js';
import type { SlackRoute } from '../../src/core/notify/route-stage.js';
import type { QueryEngine, RangeSeries } from '../../src/core/query/types.js';
import type { Logger } from '../../src/log/create-logger.js';
import { createLogger } from '../../src/log/create-logger.js';
import { createAlertChartSource } from '../../src/service/notify/alert-chart-source.js';
import type { Notifier } from '../../src/service/notify/create-notifier.js';
import { createNotifier } from '../../src/service/notify/create-notifier.js';
import { createSlackSink } from '../../src/service/notify/slack-sink.js';
import type { FakeSlackServer } from '../helpers/fake-slack-server.js';
import { openTestRedis } from '../helpers/redis.js';

export const BOT_TOKEN = 'xoxb-test-0000000000-notarealtoken';
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const CHANNEL = 'C0ALERTS';
export const T0 = Date.UTC(2026, 0, 1, 12, 0);

/** Captures every log line (JSON) so tests can assert what reached the log. */
export function memoryLogger(secrets: readonly string[] = [BOT_TOKEN, SIGNING_SECRET]): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination, secrets }), lines };
}

export const queueItem: ChecklistItem = {
  id: 'latency-queue-building-up',
  title: 'Requests are queuing: not enough replicas for the load',
  section: 'High Latency Checklist #1',
  check: 'ray_serve_deployment_queued_queries and replicas vs max_replicas',
  fix: 'Raise max_replicas so the autoscaler can add replicas',
  signal: 'metrics+config',
  remediation: { automatic: true, actions: ['raise_max_replicas'], manual: 'Raise autoscaling_config.max_replicas' },
};

const syncItem: ChecklistItem = {
  id: 'latency-sync-handlers',
  title: 'Blocking (sync) FastAPI handlers',
  section: 'High Latency Checklist #4',
  check: 'Look for def instead of async def in the ingress',
  fix: 'Make handlers async or run blocking work in a thread pool',
  signal: 'none',
  unobservable_reason: 'no metric tells a sync handler from a slow one',
  remediation: { automatic: false, actions: [], manual: 'Change the code' },
};

export function alertFor(over: Partial<Alert> & { application?: string; deployment?: string; severity?: string } = {}): Alert {
  const application = over.application ?? 'checkout';
  const deployment = over.deployment ?? 'Ingress';
  const name = over.name ?? 'RayServeQueueBuildingUp';
  return {
    fingerprint: over.fingerprint ?? `fp-${name}-${application}-${deployment}`,
    name,
    labels: over.labels ?? { alertname: name, application, deployment, severity: over.severity ?? 'critical' },
    annotations: over.annotations ?? { summary: `Requests are queuing in ${application}/${deployment}` },
    state: over.state ?? 'firing',
    activeAtMs: over.activeAtMs ?? T0 - 5 * 60_000,
    firedAtMs: over.firedAtMs ?? T0,
    ...(over.resolvedAtMs !== undefined ? { resolvedAtMs: over.resolvedAtMs } : {}),
    value: over.value ?? 340,
    source: over.source ?? 'rules',
  };
}

export function firing(alert: Alert, atMs = alert.firedAtMs ?? T0): AlertEvent {
  return { kind: 'firing', alert, atMs };
}

export function resolved(alert: Alert, atMs: number): AlertEvent {
  return { kind: 'resolved', alert: { ...alert, state: 'inactive', resolvedAtMs: atMs }, atMs };
}

export function diagnosisFor(application: string, deployment: string | undefined, nowMs = T0): Diagnosis {
  return {
    cluster: 'prod-a',
    application,
    ...(deployment ? { deployment } : {}),
    alertName: 'RayServeQueueBuildingUp',
    items: [
      {
        item: queueItem,
        score: 0.9,
        evidence: [
          { source: 'probe', name: 'queued requests', text: 'queue 340 (threshold 10)', value: 340 },
          { source: 'config', name: 'replicas', text: '5 of max 5 running' },
        ],
      },
    ],
    configFindings: [{ id: 'moq-low', severity: 'warning', message: 'max_ongoing_requests 5 is 1.25x target_ongoing_requests 4; the guide says 2-3x' }],
    replicas: { running: 5, target: 5, min: 1, max: 5, autoscaling: true, status: 'HEALTHY' },
    toCheck: [{ item: syncItem, reason: 'no metric tells a sync handler from a slow one' }],
    generatedAtMs: nowMs,
  };
}

export const fakeDiagnose: DiagnoseFn = async (t) => diagnosisFor(t.application, t.deployment);

export const rules: AlertRule[] = [
  {
    alert: 'RayServeQueueBuildingUp',
    expr: 'sum by (application, deployment) (ray_serve_deployment_queued_queries) > 10',
    for_ms: 120_000,
    keep_firing_for_ms: 0,
    labels: { severity: 'critical' },
    annotations: { summary: 'Requests are queuing' },
    checklist: ['latency-queue-building-up'],
    diagnose: [],
    remediation: { action: 'raise_max_replicas', ceiling: 20, max_step: 2, cooldown_ms: 900_000 },
    source: 'rules/latency.yaml:3',
  },
];

/** A query engine that returns one rising series per application/deployment pair it was told about. */
export function fakeQueryEngine(pairs: readonly [string, string][] = [['checkout', 'Ingress']]): QueryEngine & { rangeCalls: string[] } {
  const rangeCalls: string[] = [];
  return {
    rangeCalls,
    instantQuery: async () => ({ resultType: 'vector', result: [] }),
    rangeQuery: async (expr, startMs, endMs, stepMs) => {
      rangeCalls.push(expr);
      const series: RangeSeries[] = pairs.map(([application, deployment], k) => {
        const points = [];
        for (let t = startMs, i = 0; t <= endMs; t += stepMs, i++) points.push({ timestampMs: t, value: 2 + k + Math.max(0, i - 120) * 3 });
        return { labels: { application, deployment }, points };
      });
      return series;
    },
  };
}

export interface HarnessOptions {
  readonly slack: FakeSlackServer;
  readonly prefix: string;
  readonly clock?: Clock;
  readonly messagesPerSecond?: number;
  readonly repeatIntervalMs?: number;
  readonly routes?: readonly SlackRoute[];
  readonly diagnose?: DiagnoseFn;
  readonly queryEngine?: QueryEngine | null;
  readonly instanceId?: string;
  readonly leaseMs?: number;
  readonly logger?: Logger;
}

export interface Harness {
  readonly notifier: Notifier;
  readonly threads: ThreadStore;
  readonly silences: SilenceStore;
  readonly clock: Clock;
  close(): Promise<void>;
}

/** One notifier instance against the fake Slack and the real test Redis. */
export async function startHarness(o: HarnessOptions): Promise<Harness> {
  const { redis, cleanup } = await openTestRedis(o.prefix);
  const logger = o.logger ?? createLogger({ level: 'silent' });
  const clock = o.clock ?? new ManualClock(T0);
  const threads = new ThreadStore(redis, { prefix: o.prefix });
  const silences = new SilenceStore(redis, { prefix: o.prefix });
  const api = new SlackWebApi(createWebClient({ token: BOT_TOKEN, apiUrl: o.slack.apiUrl, logger }));
  const sink = createSlackSink({ api, logger, messagesPerSecond: o.messagesPerSecond ?? 200, backoffBaseMs: 20, backoffMaxMs: 200 });
  const queryEngine = o.queryEngine === undefined ? fakeQueryEngine() : o.queryEngine;
  const notifier = createNotifier({
    sink,
    threads,
    silences,
    clock,
    logger,
    cluster: 'prod-a',
    defaultChannel: CHANNEL,
    routes: o.routes ?? [],
    repeatIntervalMs: o.repeatIntervalMs ?? 4 * 3600_000,
    diagnose: o.diagnose ?? fakeDiagnose,
    ...(queryEngine ? { chart: createAlertChartSource({ queryEngine, listRules: () => rules, logger }) } : {}),
    ...(o.instanceId ? { instanceId: o.instanceId } : {}),
    leaseMs: o.leaseMs ?? 5_000,
    pollMs: 20,
    silenceCacheMs: 0,
  });
  return {
    notifier,
    threads,
    silences,
    clock,
    close: async () => {
      await notifier.stop();
      await cleanup();
    },
  };
}
