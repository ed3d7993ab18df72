import { ServeApiClient } from '../../src/adapters/serve-api/serve-api-client.js';
import { createRedis, type Redis } from '../../src/adapters/redis/create-redis.js';
import { configSchema, type RawConfig } from '../../src/config/config-schema.js';
import type { ManualClock } from '../../src/core/clock.js';
import type { Alert } from '../../src/core/model/alert.js';
import type { Diagnosis } from '../../src/core/model/diagnosis.js';
import type { AlertRule } from '../../src/core/model/rule.js';
import type { DiagnoseFn } from '../../src/core/notify/notification.js';
import type { ProposalRecord } from '../../src/adapters/redis/proposal-store.js';
import type { ServeDeployBody, ServeInstanceDetails } from '../../src/core/serve/serve-types.js';
import { createHttpServer, type HttpServerHandle } from '../../src/service/http/create-http-server.js';
import { createSimulatedCluster, type SimulatedCluster } from '../../src/service/diagnosis/simulated-cluster.js';
import type { Remediation, RemediationOptions } from '../../src/service/remediation/create-remediation.js';
import { createRemediation } from '../../src/service/remediation/create-remediation.js';
import { createSlackSurface, type SlackSurface } from '../../src/service/slack/create-slack-surface.js';
import { listenSimulator, type SimServer } from '../../src/sim/http-server.js';
import type { SimHeaders } from '../../src/sim/rest-handlers.js';
import { loadShippedRules } from '../acceptance/scenario-harness.js';
import { startFakeSlackServer, type FakeSlackCall, type FakeSlackServer } from '../helpers/fake-slack-server.js';
import { openTestRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { sendBlockActions, type SlackResponse } from '../helpers/signed-slack-request.js';
import { BOT_TOKEN, CHANNEL, memoryLogger, SIGNING_SECRET } from '../notify/notify-fixtures.js';

export { BOT_TOKEN, CHANNEL, SIGNING_SECRET };
export const APPROVER = 'U0APPROVER';
export const SECOND_APPROVER = 'U0SECOND';
export const STRANGER = 'U0STRANGER';
export const ONCALL_GROUP = 'S0ONCALL';
export const GROUP_MEMBER = 'U0INGROUP';
export const APPS_PATH = '/api/serve/applications/';

/** Waits (real time) until `predicate` holds. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A sleep on the simulator's ManualClock: resolves once the pump has moved it far enough. */
export function clockSleep(clock: ManualClock): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve) => {
      const until = clock.now() + ms;
      const check = () => (clock.now() >= until ? resolve() : void setTimeout(check, 2).unref());
      check();
    });
}

export interface PutRecord {
  readonly atMs: number;
  readonly realMs: number;
  readonly body: ServeDeployBody;
  readonly status: number;
}

/**
 * The simulator behind its HTTP server, with every PUT recorded and a hook to rewrite the next
 * PUT (a stand-in for a config Ray accepts with 200 and then fails: DEPLOY_FAILED), and canned
 * answers with Ray's own status and text (503 from a GCS outage, 400, 401/403 under token auth).
 */
export interface SimEndpoint {
  readonly server: SimServer;
  readonly puts: PutRecord[];
  /** Rewrites the next PUT's body before the simulator sees it. */
  mangleNextPut(mutate: (body: ServeDeployBody) => ServeDeployBody): void;
  /** Answers the next `times` requests to the API with this status (5xx, 400, 401) instead of the simulator. */
  failNext(status: number, body: string, times?: number, methods?: readonly string[]): void;
}

export async function serveSimulator(cluster: SimulatedCluster): Promise<SimEndpoint> {
  const puts: PutRecord[] = [];
  let mangle: ((b: ServeDeployBody) => ServeDeployBody) | undefined;
  const failures: { status: number; body: string; left: number; methods: readonly string[] }[] = [];
  const handle = (method: string, path: string, headers: SimHeaders, body: string) => {
    const f = failures[0];
    if (f && path.startsWith('/api/') && f.methods.includes(method)) {
      if (--f.left <= 0) failures.shift();
      if (method === 'PUT') puts.push({ atMs: cluster.clock.now(), realMs: performance.now(), body: JSON.parse(body) as ServeDeployBody, status: f.status });
      return { status: f.status, headers: { 'content-type': 'text/plain' }, body: f.body };
    }
    if (method === 'PUT' && path === APPS_PATH) {
      let parsed = JSON.parse(body) as ServeDeployBody;
      if (mangle) {
        parsed = mangle(parsed);
        mangle = undefined;
      }
      const res = cluster.sim.handle(method, path, headers, JSON.stringify(parsed));
      puts.push({ atMs: cluster.clock.now(), realMs: performance.now(), body: parsed, status: res.status });
      return res;
    }
    return cluster.sim.handle(method, path, headers, body);
  };
  const server = await listenSimulator(handle, 0);
  return {
    server,
    puts,
    mangleNextPut(m) {
      mangle = m;
    },
    failNext(status, body, times = 1, methods = ['GET', 'PUT']) {
      failures.push({ status, body, left: times, methods });
    },
  };
}

/** Moves the simulator (and with it the service's clock) forward in the background, scraping as it goes. */
export function startPump(cluster: SimulatedCluster, o: { stepMs?: number; tickMs?: number; scrapeEveryMs?: number } = {}): { stop(): void } {
  const stepMs = o.stepMs ?? 1000;
  const scrapeEvery = o.scrapeEveryMs ?? 5000;
  let sinceScrape = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    cluster.sim.step(stepMs);
    sinceScrape += stepMs;
    if (sinceScrape >= scrapeEvery) {
      cluster.scrape();
      sinceScrape = 0;
    }
    setTimeout(tick, o.tickMs ?? 3);
  };
  setTimeout(tick, 0);
  return {
    stop() {
      stopped = true;
    },
  };
}

export interface HarnessOptions {
  readonly scenario?: string;
  readonly seed?: number;
  readonly remediation?: NonNullable<RawConfig['remediation']>;
  readonly ray?: NonNullable<RawConfig['ray']>;
  readonly diagnose?: (cluster: SimulatedCluster, rules: readonly AlertRule[]) => DiagnoseFn;
  readonly tuning?: RemediationOptions['tuning'];
  readonly hooks?: RemediationOptions['hooks'];
  readonly runWorkers?: boolean;
}

export interface Harness {
  readonly cluster: SimulatedCluster;
  readonly sim: SimEndpoint;
  readonly slack: FakeSlackServer;
  readonly surface: SlackSurface;
  readonly http: HttpServerHandle;
  readonly eventsUrl: string;
  readonly remediation: Remediation;
  readonly redis: Redis;
  readonly prefix: string;
  readonly rules: readonly AlertRule[];
  readonly logLines: string[];
  readonly serveApi: ServeApiClient;
  /** Posts a firing alert through the notifier: parent, diagnosis, and (through wrapDiagnose) the proposal. */
  fire(alert: Alert): Promise<void>;
  /** The thread's replies, in order. */
  threadReplies(alert: Alert): Promise<FakeSlackCall[]>;
  /** The proposal messages posted so far in the alert's thread (newest last). */
  proposals(alert: Alert): Promise<FakeSlackCall[]>;
  proposalIdOf(call: FakeSlackCall): string;
  record(id: string): Promise<ProposalRecord | null>;
  /** A signed block_actions click on a posted message's button. */
  click(call: FakeSlackCall, userId: string, action?: 'approve' | 'reject'): Promise<SlackResponse>;
  details(): Promise<ServeInstanceDetails>;
  startPump(o?: Parameters<typeof startPump>[1]): void;
  stopPump(): void;
  close(): Promise<void>;
}

export const RAW_CONFIG_BASE = {
  cluster_name: 'prod-a',
  remediation: {
    approvers: [APPROVER, SECOND_APPROVER, ONCALL_GROUP],
    proposal_ttl: '30m',
    verification_window: '2m',
    cooldown: '15m',
    max_per_hour: 4,
  },
};

/**
 * The whole remediation path on loopback: the simulator behind HTTP (the Serve REST API the
 * service uses through undici), a real Redis, the fake Slack, the Slack surface in HTTP mode with
 * the remediation's buttons, and the BullMQ workers. Time is the simulator's ManualClock, moved
 * by a pump while jobs poll and wait.
 */
export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const { groups } = await loadShippedRules();
  const rules = groups.flatMap((g) => g.rules);
  const cluster = createSimulatedCluster({ scenario: o.scenario ?? 'healthy-baseline', seed: o.seed ?? 1 });
  cluster.advance(30_000, 5000);
  const sim = await serveSimulator(cluster);
  const slack = await startFakeSlackServer({ botToken: BOT_TOKEN });
  slack.setUserGroup(ONCALL_GROUP, [GROUP_MEMBER]);
  const prefix = uniquePrefix('remediation');
  const { redis, cleanup } = await openTestRedis(prefix);
  const bull = createRedis({ url: testRedisUrl(), purpose: 'bullmq', connectionName: `test-bull-${prefix}` });
  const { logger, lines } = memoryLogger();
  const config = configSchema.parse({
    ...RAW_CONFIG_BASE,
    redis_prefix: prefix,
    slack: { bot_token: BOT_TOKEN, signing_secret: SIGNING_SECRET, api_url: slack.apiUrl, channel: CHANNEL, messages_per_second_per_channel: 10 },
    remediation: { ...RAW_CONFIG_BASE.remediation, ...o.remediation },
    ...(o.ray ? { ray: o.ray } : {}),
  });
  const serveApi = new ServeApiClient({ baseUrl: sim.server.url, timeoutMs: 5000 });
  const remediation = createRemediation({
    config,
    redis,
    bullmqConnection: bull,
    serveApi,
    queryEngine: cluster.queryEngine,
    logger,
    clock: cluster.clock,
    sleep: clockSleep(cluster.clock),
    listRules: () => rules,
    tuning: { pollMs: 1000, backoffMs: 100, metricsSettleMs: 15_000, lockMs: 2000, stalledIntervalMs: 500, ...o.tuning },
    ...(o.hooks ? { hooks: o.hooks } : {}),
    ...(o.runWorkers !== undefined ? { runWorkers: o.runWorkers } : {}),
  });
  const diagnose = o.diagnose ? o.diagnose(cluster, rules) : undefined;
  const surface = createSlackSurface({
    config,
    redis,
    logger,
    clock: cluster.clock,
    ...(diagnose ? { diagnose: remediation.wrapDiagnose(diagnose) } : {}),
    listRules: () => rules,
    getApplications: () => serveApi.getApplications(),
    actionRegistrars: remediation.actionRegistrars,
    history: (app) => remediation.history(app),
    notifier: { pollMs: 20, silenceCacheMs: 0, tickIntervalMs: 60_000 },
    backoff: { baseMs: 20, maxMs: 200 },
  });
  remediation.attach(surface.notifier);
  await surface.start();
  await remediation.start();
  const http = await createHttpServer({ port: 0, host: '127.0.0.1', slack: surface.slackHttp!, routes: [], logger });
  const eventsUrl = `${http.url}/slack/events`;
  let pump: { stop(): void } | undefined;

  const parentTs = async (alert: Alert) => {
    const rec = await surface.notifier.getThread(surface.notifier.threadKeyOf(alert));
    if (!rec?.ts) throw new Error(`no thread for ${alert.name}`);
    return rec.ts;
  };
  const h: Harness = {
    cluster,
    sim,
    slack,
    surface,
    http,
    eventsUrl,
    remediation,
    redis,
    prefix,
    rules,
    logLines: lines,
    serveApi,
    async fire(alert) {
      await surface.notifier.onEvents([{ kind: 'firing', alert, atMs: cluster.clock.now() }]);
      await surface.notifier.idle();
    },
    async threadReplies(alert) {
      return slack.threadCalls(await parentTs(alert));
    },
    async proposals(alert) {
      return (await h.threadReplies(alert)).filter((c) => /^Proposed (fix|rollback)/.test(String(c.body.text)));
    },
    proposalIdOf(call) {
      const blocks = (call.body.blocks ?? []) as { type: string; block_id?: string }[];
      const actions = blocks.find((b) => b.type === 'actions' && b.block_id?.startsWith('remediation:'));
      if (!actions?.block_id) throw new Error(`no remediation buttons in: ${String(call.body.text)}`);
      return actions.block_id.slice('remediation:'.length);
    },
    record: (id) => remediation.context.store.get(id),
    click(call, userId, action = 'approve') {
      const id = h.proposalIdOf(call);
      return sendBlockActions(
        eventsUrl,
        {
          type: 'block_actions',
          team: { id: 'T0FAKE', domain: 'example' },
          user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0FAKE' },
          api_app_id: 'A0SERVEMEDIC',
          token: 'legacy-verification-token-not-used',
          container: { type: 'message', message_ts: call.ts, channel_id: call.channel, is_ephemeral: false, thread_ts: call.threadTs },
          trigger_id: '123456.789.abcdef',
          channel: { id: call.channel, name: 'ray-serve-alerts' },
          message: { type: 'message', ts: call.ts, thread_ts: call.threadTs, text: String(call.body.text), bot_id: 'B0BOT' },
          response_url: slack.responseUrl('actions'),
          actions: [
            {
              type: 'button',
              action_id: action === 'approve' ? 'remediation_approve' : 'remediation_reject',
              block_id: `remediation:${id}`,
              text: { type: 'plain_text', text: action === 'approve' ? 'Approve' : 'Reject' },
              value: id,
              action_ts: `${Math.floor(Date.now() / 1000)}.000001`,
            },
          ],
        },
        { signingSecret: SIGNING_SECRET },
      );
    },
    details: () => serveApi.getApplications(),
    startPump(po) {
      pump ??= startPump(cluster, po);
    },
    stopPump() {
      pump?.stop();
      pump = undefined;
    },
    async close() {
      // Workers first, while the pump still moves the clock a running job may be waiting on.
      await remediation.stop();
      pump?.stop();
      await surface.stop();
      await http.close();
      await sim.server.close();
      bull.disconnect();
      await cleanup();
      await slack.close();
    },
  };
  return h;
}

/** An alert like the shipped ServeQueueBuildingUp on a deployment. */
export function queueAlert(application = 'embeddings', deployment = 'Embedder', firedAtMs = Date.UTC(2026, 0, 1, 0, 5)): Alert {
  return {
    fingerprint: `fp-queue-${application}-${deployment}-${firedAtMs}`,
    name: 'ServeQueueBuildingUp',
    labels: { alertname: 'ServeQueueBuildingUp', application, deployment, severity: 'warning' },
    annotations: { summary: `${application}/${deployment}: requests queued` },
    state: 'firing',
    activeAtMs: firedAtMs - 120_000,
    firedAtMs,
    value: 340,
    source: 'rules',
  };
}

/** A diagnosis that proposes one change (for tests that are about the approval path, not the diagnosis). */
export function fixedDiagnosis(over: { application?: string; deployment?: string; from: number; to: number; action?: 'raise_max_replicas' | 'raise_num_replicas' | 'set_max_ongoing_requests' }): DiagnoseFn {
  const application = over.application ?? 'embeddings';
  const deployment = over.deployment ?? 'Embedder';
  const action = over.action ?? 'raise_max_replicas';
  const field = action === 'raise_max_replicas' ? 'autoscaling_config.max_replicas' : action === 'raise_num_replicas' ? 'num_replicas' : 'max_ongoing_requests';
  return async () =>
    ({
      cluster: 'prod-a',
      application,
      deployment,
      alertName: 'ServeQueueBuildingUp',
      items: [],
      configFindings: [],
      remediation: {
        action,
        application,
        deployment,
        field,
        from: over.from,
        to: over.to,
        checklistId: 'latency-queue-building-up',
        bounds: { ceiling: 20, maxStep: 2, cooldownMs: 15 * 60_000 },
        expectedEffect: 'the autoscaler may add replicas; queued requests drain',
      },
      toCheck: [],
      generatedAtMs: Date.UTC(2026, 0, 1),
    }) satisfies Diagnosis;
}
