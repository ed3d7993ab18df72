import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { createRedis } from '../../src/adapters/redis/create-redis.js';
import { ServeApiClient } from '../../src/adapters/serve-api/serve-api-client.js';
import { configSchema } from '../../src/config/config-schema.js';
import { systemClock } from '../../src/core/clock.js';
import type { Alert } from '../../src/core/model/alert.js';
import type { Diagnosis } from '../../src/core/model/diagnosis.js';
import { createLogger } from '../../src/log/create-logger.js';
import { createHttpServer } from '../../src/service/http/create-http-server.js';
import { createRemediation } from '../../src/service/remediation/create-remediation.js';
import { queueNames } from '../../src/service/remediation/remediation-queues.js';
import { createSlackSurface } from '../../src/service/slack/create-slack-surface.js';
import { listenSimulator } from '../../src/sim/http-server.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { startFakeSlackServer } from '../helpers/fake-slack-server.js';
import { sendBlockActions } from '../helpers/signed-slack-request.js';

/**
 * Click to PUT: the time from a signed Approve click arriving at /slack/events to the PUT
 * reaching the Serve REST API (the simulator, in real time, over loopback), in one process with
 * a real Redis and the fake Slack. "Busy" adds, during the run: 5 other clusters' apply queues
 * holding 1,000 waiting jobs each in the same Redis, 1,000 delayed verification jobs in this
 * cluster's queue, every earlier fix's verification job still waiting out its window, and 20
 * refused clicks per second (ephemeral answer, audit entry, thread reply) on another thread.
 * Jobs of the same cluster run one at a time by design and any PUT voids the proposals made
 * before it (compare-and-set), so each click is measured after the previous change settled.
 */
const ITERATIONS = Number(process.env.BENCH_REMEDIATION_CLICKS ?? 40);
const BOT_TOKEN = 'xoxb-bench-0000000000-notarealtoken';
const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const APPROVER = 'U0APPROVER';

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function alertOn(application: string, deployment: string): Alert {
  return {
    fingerprint: `bench-${application}-${deployment}-${process.pid}`,
    name: 'ServeQueueBuildingUp',
    labels: { alertname: 'ServeQueueBuildingUp', application, deployment, severity: 'warning' },
    annotations: { summary: 'bench' },
    state: 'firing',
    activeAtMs: Date.now() - 120_000,
    firedAtMs: Date.now(),
    value: 100,
    source: 'rules',
  };
}

function diagnosis(application: string, deployment: string, action: 'raise_max_replicas' | 'raise_num_replicas', from: number): Diagnosis {
  return {
    cluster: 'bench',
    application,
    deployment,
    items: [],
    configFindings: [],
    remediation: {
      action,
      application,
      deployment,
      field: action === 'raise_max_replicas' ? 'autoscaling_config.max_replicas' : 'num_replicas',
      from,
      to: from + 1,
      checklistId: 'latency-queue-building-up',
      bounds: { ceiling: 10_000, maxStep: 2, cooldownMs: 0 },
      expectedEffect: 'bench',
    },
    toCheck: [],
    generatedAtMs: Date.now(),
  };
}

interface Run {
  clickToPut: number[];
  clickToAck: number[];
}

export async function runRemediationBench(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<string> {
  const prefix = `bench-remediation-${process.pid}`;
  const sim = createSimulator({ clock: systemClock, scenario: 'healthy-baseline', seed: 7 });
  sim.start();
  const puts: number[] = [];
  const simServer = await listenSimulator((method, path, headers, body) => {
    if (method === 'PUT') puts.push(performance.now());
    return sim.handle(method, path, headers, body);
  }, 0);
  const slack = await startFakeSlackServer({ botToken: BOT_TOKEN });
  const redis = createRedis({ url: redisUrl, purpose: 'commands' });
  const bull = createRedis({ url: redisUrl, purpose: 'bullmq' });
  const logger = createLogger({ level: 'silent' });
  const config = configSchema.parse({
    redis_prefix: prefix,
    cluster_name: 'bench',
    slack: {
      bot_token: BOT_TOKEN,
      signing_secret: SIGNING_SECRET,
      api_url: slack.apiUrl,
      channel: 'C0ALERTS',
      routes: [{ match: { application: 'text_ml' }, channel: 'C0NOISE' }],
      messages_per_second_per_channel: 10,
    },
    remediation: {
      approvers: [APPROVER],
      cooldown: '0s',
      max_per_hour: 100_000,
      verification_window: '10m',
      deployments: { 'embeddings/Embedder': { max_replicas_ceiling: 10_000 } },
    },
  });
  const serveApi = new ServeApiClient({ baseUrl: simServer.url });
  const remediation = createRemediation({ config, redis, bullmqConnection: bull, serveApi, queryEngine: { instantQuery: async () => ({ resultType: 'vector', result: [] }), rangeQuery: async () => [] }, logger, tuning: { pollMs: 100 } });
  const surface = createSlackSurface({ config, redis, logger, actionRegistrars: remediation.actionRegistrars, notifier: { pollMs: 20, tickIntervalMs: 60_000 } });
  remediation.attach(surface.notifier);
  await surface.start();
  await remediation.start();
  const http = await createHttpServer({ port: 0, host: '127.0.0.1', slack: surface.slackHttp!, routes: [], logger });
  const eventsUrl = `${http.url}/slack/events`;
  const others: Queue[] = [];
  let noise: NodeJS.Timeout | undefined;

  const click = (call: { channel?: string; ts?: string; threadTs?: string }, proposalId: string, user: string) =>
    sendBlockActions(
      eventsUrl,
      {
        type: 'block_actions',
        team: { id: 'T0FAKE', domain: 'example' },
        user: { id: user, username: user, team_id: 'T0FAKE' },
        api_app_id: 'A0SERVEMEDIC',
        token: 'x',
        container: { type: 'message', message_ts: call.ts, channel_id: call.channel, is_ephemeral: false, thread_ts: call.threadTs },
        trigger_id: '1.2.3',
        channel: { id: call.channel, name: 'alerts' },
        message: { type: 'message', ts: call.ts, thread_ts: call.threadTs, text: 'Proposed fix' },
        response_url: slack.responseUrl('actions'),
        actions: [{ type: 'button', action_id: 'remediation_approve', block_id: `remediation:${proposalId}`, value: proposalId, action_ts: '1.1' }],
      },
      { signingSecret: SIGNING_SECRET },
    );

  const posted = async (proposalId: string) => {
    await until(async () => (await remediation.context.store.get(proposalId))?.messageTs !== undefined, 10_000, 'the proposal post');
    const rec = (await remediation.context.store.get(proposalId))!;
    return slack.callsTo('chat.postMessage').find((c) => c.ts === rec.messageTs)!;
  };

  const alert = alertOn('embeddings', 'Embedder');
  const measure = async (n: number): Promise<Run> => {
    const run: Run = { clickToPut: [], clickToAck: [] };
    for (let i = 0; i < n; i++) {
      const current = (await serveApi.getApplications()).applications!.embeddings!.deployments!.Embedder!.deployment_config!.autoscaling_config!.max_replicas!;
      const p = await remediation.onDiagnosis(alert, diagnosis('embeddings', 'Embedder', 'raise_max_replicas', current), surface.notifier.threadKeyOf(alert));
      if (!p) throw new Error('no proposal');
      const msg = await posted(p.id);
      const before = puts.length;
      const t0 = performance.now();
      const res = await click(msg, p.id, APPROVER);
      run.clickToAck.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`click answered ${res.status}`);
      await until(() => puts.length > before, 10_000, 'the PUT');
      run.clickToPut.push(puts[before]! - t0);
      await until(async () => (await remediation.context.store.get(p.id))?.state === 'applied', 10_000, 'the rollout');
    }
    return run;
  };

  try {
    await until(async () => (await serveApi.getApplications()).applications?.embeddings?.deployments?.Embedder?.deployment_config !== undefined, 30_000, 'the simulator to deploy');
    await surface.notifier.onEvents([{ kind: 'firing', alert, atMs: Date.now() }]);
    await surface.notifier.idle();
    await measure(5); // warm-up (JIT, connections)
    const idle = await measure(ITERATIONS);

    // Busy: other clusters' backlogs, this cluster's verification backlog, and refused clicks.
    for (let c = 0; c < 5; c++) {
      const q = new Queue(queueNames(`other-${c}`).apply, { connection: bull, prefix });
      others.push(q);
      await q.addBulk(Array.from({ length: 1000 }, (_, i) => ({ name: 'apply', data: { proposalId: `${c}${String(i).padStart(15, '0')}` }, opts: { jobId: `apply-${c}-${i}` } })));
    }
    await remediation.queues.verify.addBulk(
      Array.from({ length: 1000 }, (_, i) => ({ name: 'verify', data: { proposalId: `f${String(i).padStart(15, '0')}` }, opts: { jobId: `verify-bench-${i}`, delay: 3_600_000 } })),
    );
    const noisy = alertOn('text_ml', 'Summarizer');
    await surface.notifier.onEvents([{ kind: 'firing', alert: noisy, atMs: Date.now() }]);
    await surface.notifier.idle();
    const np = await remediation.onDiagnosis(noisy, diagnosis('text_ml', 'Summarizer', 'raise_num_replicas', 2), surface.notifier.threadKeyOf(noisy));
    const noiseMsg = await posted(np!.id);
    noise = setInterval(() => void click(noiseMsg, np!.id, 'U0STRANGER').catch(() => undefined), 50);
    const busy = await measure(ITERATIONS);
    clearInterval(noise);
    const depth = await remediation.queues.depth();

    const row = (name: string, xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `| ${name} | ${s.length} | ${percentile(s, 0.5).toFixed(1)} | ${percentile(s, 0.9).toFixed(1)} | ${percentile(s, 0.99).toFixed(1)} | ${s[s.length - 1]!.toFixed(1)} |`;
    };
    const p99 = percentile([...busy.clickToPut].sort((a, b) => a - b), 0.99);
    return [
      `Approve click (signed block_actions POST to /slack/events) to PUT /api/serve/applications/ arriving at the simulator, ${ITERATIONS} clicks per row, one process, Redis at ${redisUrl.replace(/\/\/[^@]*@/, '//')}.`,
      `Busy: 5 other clusters × 1,000 waiting apply jobs, 1,000 delayed + ${ITERATIONS} sleeping verification jobs (queue depth ${depth} at the end), 20 refused clicks/s on another thread.`,
      '',
      '| path | clicks | p50 ms | p90 ms | p99 ms | max ms |',
      '|---|---:|---:|---:|---:|---:|',
      row('click → PUT, quiet', idle.clickToPut),
      row('click → PUT, busy', busy.clickToPut),
      row('click → HTTP 200 (ack), busy', busy.clickToAck),
      '',
      `Goal p99 ≤ 1000 ms with a busy queue: ${p99 <= 1000 ? 'met' : 'NOT met'} (${p99.toFixed(1)} ms). Node ${process.version}.`,
    ].join('\n');
  } finally {
    if (noise) clearInterval(noise);
    await remediation.stop();
    await surface.stop();
    await http.close();
    for (const q of others) await q.close();
    sim.stop();
    await simServer.close();
    await slack.close();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    bull.disconnect();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runRemediationBench());
  process.exit(0);
}
