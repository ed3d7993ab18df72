import { freeLoopbackPort } from '../../src/service/local-ports.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, type Redis } from '../../src/adapters/redis/create-redis.js';
import { ServeApiClient } from '../../src/adapters/serve-api/serve-api-client.js';
import { configSchema } from '../../src/config/config-schema.js';
import { buildProposal } from '../../src/core/remediation/build-proposal.js';
import { buildPutBody } from '../../src/core/remediation/build-put-body.js';
import { createSimulatedCluster, type SimulatedCluster } from '../../src/service/diagnosis/simulated-cluster.js';
import { createRemediation, type Remediation } from '../../src/service/remediation/create-remediation.js';
import type { ThreadPoster } from '../../src/service/remediation/remediation-context.js';
import type { SlackMessage } from '../../src/core/slack-render/blocks.js';
import { openTestRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { memoryLogger } from '../notify/notify-fixtures.js';
import type { SimEndpoint } from './remediation-harness.js';
import { serveSimulator, startPump, waitUntil } from './remediation-harness.js';

const REPO = new URL('../../', import.meta.url).pathname;

/** The thread, as a list of what was posted (these tests are about the job, not Slack). */
function memoryThreads(): ThreadPoster & { posted: SlackMessage[] } {
  const posted: SlackMessage[] = [];
  return {
    posted,
    postInThread: async (_k, m) => {
      posted.push(m);
      return { channel: 'C0ALERTS', ts: `1.${String(posted.length).padStart(6, '0')}` };
    },
    updateInThread: async () => undefined,
    threadKeyOf: (a) => a.fingerprint,
  };
}

interface Rig {
  cluster: SimulatedCluster;
  sim: SimEndpoint;
  pump: { stop(): void };
  prefix: string;
}

async function rig(): Promise<Rig> {
  const cluster = createSimulatedCluster({ scenario: 'healthy-baseline', seed: 3 });
  cluster.advance(30_000, 5000);
  const sim = await serveSimulator(cluster);
  return { cluster, sim, pump: startPump(cluster, { stepMs: 200, tickMs: 5 }), prefix: uniquePrefix('crash') };
}

function remediationFor(r: Rig, redis: Redis, bull: Redis, runWorkers: boolean, threads: ThreadPoster): Remediation {
  const config = configSchema.parse({ redis_prefix: r.prefix, cluster_name: 'prod-a', remediation: { approvers: ['U0APPROVER'], verification_window: '1s' } });
  return createRemediation({
    config,
    redis,
    bullmqConnection: bull,
    serveApi: new ServeApiClient({ baseUrl: r.sim.server.url }),
    queryEngine: r.cluster.queryEngine,
    logger: memoryLogger().logger,
    notifier: threads,
    runWorkers,
    tuning: { pollMs: 100, lockMs: 1500, stalledIntervalMs: 500, backoffMs: 100 },
  });
}

/** An approved proposal (max_replicas 4 -> 8) with its job queued, as a click leaves it. */
async function approve(rem: Remediation, r: Rig): Promise<string> {
  const details = await new ServeApiClient({ baseUrl: r.sim.server.url }).getApplications();
  const built = buildProposal({
    seed: { action: 'raise_max_replicas', application: 'embeddings', deployment: 'Embedder', to: 8, checklistId: 'latency-queue-building-up', expectedEffect: 'more replicas', bounds: { ceiling: 20, maxStep: 2, cooldownMs: 0 } },
    kind: 'fix',
    details,
    settings: rem.context.settings,
    recent: { changesInLastHour: 0 },
    cluster: 'prod-a',
    threadKey: 'thread-1',
    nowMs: Date.now(),
  });
  if ('refused' in built) throw new Error(built.refused);
  const p = built.proposal;
  await rem.context.store.create(p, { baseBody: buildPutBody(details) });
  await rem.context.store.transition(p.id, ['proposed'], 'approved', { approvals: [{ user: 'U0APPROVER', atMs: Date.now() }] });
  await rem.context.enqueueApply(p.id);
  return p.id;
}

function spawnWorker(r: Rig, redisUrl: string, stopAt: 'beforePut' | 'afterPut'): { child: ChildProcess; stopped: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/remediation-worker-child.ts'], {
    cwd: REPO,
    env: { ...process.env, REDIS_URL: redisUrl, PREFIX: r.prefix, SIM_URL: r.sim.server.url, STOP_AT: stopAt },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const stopped = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /STOPPED (\w+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before stopping:\n${out}\n${err}`)));
    setTimeout(() => reject(new Error(`worker did not reach its stop point:\n${out}\n${err}`)), 25_000).unref();
  });
  return { child, stopped };
}

describe('crash safety', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  for (const stopAt of ['afterPut', 'beforePut'] as const) {
    it(`a worker SIGKILLed ${stopAt === 'afterPut' ? 'right after its PUT' : 'just before its PUT'}: after restart, exactly one change is applied`, async () => {
      const r = await rig();
      const { redis, cleanup } = await openTestRedis(r.prefix);
      const bull = createRedis({ url: testRedisUrl(), purpose: 'bullmq' });
      cleanups.push(async () => {
        r.pump.stop();
        await r.sim.server.close();
        bull.disconnect();
        await cleanup();
      });
      const enqueuer = remediationFor(r, redis, bull, false, memoryThreads());
      await enqueuer.start();
      cleanups.push(() => enqueuer.stop());
      const id = await approve(enqueuer, r);

      const { child, stopped } = spawnWorker(r, testRedisUrl(), stopAt);
      cleanups.push(() => void child.kill('SIGKILL'));
      expect(await stopped).toBe(stopAt);
      child.kill('SIGKILL');
      await new Promise((res) => child.once('exit', res));
      expect(r.sim.puts).toHaveLength(stopAt === 'afterPut' ? 1 : 0);
      expect((await enqueuer.context.store.get(id))?.state).toBe('applying');

      // A new worker takes the stalled job over once the dead one's lock runs out.
      const threads = memoryThreads();
      const worker = remediationFor(r, redis, bull, true, threads);
      await worker.start();
      cleanups.push(() => worker.stop());
      await waitUntil(async () => ['applied', 'verified'].includes((await worker.context.store.get(id))?.state ?? ''), 20_000, 'the job to finish');
      expect(r.sim.puts).toHaveLength(1);
      expect(r.sim.puts[0]!.body.applications.find((a) => a.name === 'embeddings')!.deployments![0]!.autoscaling_config!.max_replicas).toBe(8);
      if (stopAt === 'afterPut') expect(threads.posted.some((m) => m.text.includes('already in place'))).toBe(true);
    }, 40_000);
  }

  it('an approved job survives a Redis crash with appendonly yes / appendfsync everysec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-medic-redis-'));
    const port = await freeLoopbackPort();
    const url = `redis://127.0.0.1:${port}`;
    let server = startRedis(dir, port);
    const r = await rig();
    cleanups.push(async () => {
      r.pump.stop();
      await r.sim.server.close();
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    await waitForRedis(url);
    const redis1 = createRedis({ url, purpose: 'commands' });
    const bull1 = createRedis({ url, purpose: 'bullmq' });
    redis1.on('error', () => undefined);
    bull1.on('error', () => undefined);
    const enqueuer = remediationFor(r, redis1, bull1, false, memoryThreads());
    await enqueuer.start();
    const id = await approve(enqueuer, r);
    await new Promise((res) => setTimeout(res, 1500)); // appendfsync everysec: on disk within a second
    server.kill('SIGKILL');
    await new Promise((res) => server.once('exit', res));
    redis1.disconnect();
    bull1.disconnect();

    server = startRedis(dir, port);
    await waitForRedis(url);
    const redis2 = createRedis({ url, purpose: 'commands' });
    const bull2 = createRedis({ url, purpose: 'bullmq' });
    const worker = remediationFor(r, redis2, bull2, true, memoryThreads());
    await worker.start();
    cleanups.push(async () => {
      await worker.stop();
      redis2.disconnect();
      bull2.disconnect();
    });
    await waitUntil(async () => ['applied', 'verified'].includes((await worker.context.store.get(id))?.state ?? ''), 15_000, 'the job after the restart');
    expect(r.sim.puts).toHaveLength(1);
  }, 40_000);
});

/** The persistence settings the README documents for BullMQ. */
function startRedis(dir: string, port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', ''],
    { stdio: 'ignore' },
  );
}

async function waitForRedis(url: string): Promise<void> {
  const probe = createRedis({ url, purpose: 'commands' });
  probe.on('error', () => undefined);
  try {
    await waitUntil(async () => (await probe.ping().catch(() => '')) === 'PONG', 10_000, `redis at ${url}`);
  } finally {
    probe.disconnect();
  }
}
