import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { createRedis } from '../../src/adapters/redis/create-redis.js';

/**
 * Alertmanager webhooks accepted per second by one serve-medic process, with latency
 * percentiles, against a bare node:http server on the same machine in the same run. Each
 * server runs in its own process; the load comes from this one over keep-alive connections.
 */
const PAYLOAD = readFileSync(new URL('../fixtures/alertmanager/alertmanager-webhook-v4.firing.example.json', import.meta.url), 'utf8');
const REQUESTS = Number(process.env.BENCH_WEBHOOK_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 3);

interface RoundResult {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function startServer(mode: 'serve-medic' | 'bare', redisUrl: string, key: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./webhook-bench-server.ts', import.meta.url).pathname, mode, redisUrl, key], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { port: Number(line), child };
}

async function drive(port: number): Promise<RoundResult> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY, pipelining: 1 });
  const latencies = new Float64Array(REQUESTS);
  let next = 0;
  let errors = 0;
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench-token-123' };
  const worker = async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      const t0 = performance.now();
      const res = await pool.request({ path: '/webhooks/alertmanager', method: 'POST', body: PAYLOAD, headers });
      await res.body.dump();
      if (res.statusCode !== 200) errors++;
      latencies[i] = performance.now() - t0;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  latencies.sort();
  return { perSecond: REQUESTS / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export async function runWebhookBench(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<string> {
  const key = `bench:webhooks:${process.pid}`;
  const results: Record<'serve-medic' | 'bare', RoundResult[]> = { 'serve-medic': [], bare: [] };
  const servers = { 'serve-medic': await startServer('serve-medic', redisUrl, key), bare: await startServer('bare', redisUrl, key) };
  try {
    await drive(servers['serve-medic'].port); // warm-up
    await drive(servers.bare.port);
    for (let r = 0; r < ROUNDS; r++) {
      results['serve-medic'].push(await drive(servers['serve-medic'].port));
      results.bare.push(await drive(servers.bare.port));
    }
  } finally {
    for (const s of Object.values(servers)) s.child.kill('SIGTERM');
    const redis = createRedis({ url: redisUrl, purpose: 'commands' });
    await redis.del(key).catch(() => undefined);
    redis.disconnect();
  }
  const row = (name: 'serve-medic' | 'bare') => {
    const rs = results[name];
    return `| ${name === 'bare' ? 'bare node:http (reads body, 200)' : 'serve-medic POST /webhooks/alertmanager'} | ${median(rs.map((r) => r.perSecond)).toFixed(0)} | ${median(rs.map((r) => r.p50)).toFixed(2)} | ${median(rs.map((r) => r.p99)).toFixed(2)} | ${rs.reduce((n, r) => n + r.errors, 0)} |`;
  };
  const ratio = median(results['serve-medic'].map((r) => r.perSecond)) / median(results.bare.map((r) => r.perSecond));
  return [
    `Alertmanager webhooks (${PAYLOAD.length}-byte v4 payload, 2 alerts), ${REQUESTS} requests per round over ${CONCURRENCY} keep-alive connections, ${ROUNDS} rounds (medians); each accepted payload is validated and written to a Redis stream before the 200.`,
    '',
    '| server | requests/s | p50 ms | p99 ms | non-200 |',
    '|---|---:|---:|---:|---:|',
    row('serve-medic'),
    row('bare'),
    '',
    `Ratio serve-medic / bare: ${ratio.toFixed(2)}. Node ${process.version}.`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runWebhookBench());
}
