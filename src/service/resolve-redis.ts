import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freeLoopbackPort, redisAnswersPing } from './local-ports.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServeMedicError } from '../errors.js';

export interface ResolvedRedis {
  readonly url: string;
  /** True when serve-medic started a private redis-server: state dies with the process. */
  readonly ephemeral: boolean;
  readonly stop: () => void;
}

/**
 * Embedded default for Redis (DESIGN.md): REDIS_URL when set; else 127.0.0.1:6379 when it
 * answers; else a private redis-server from PATH on a free loopback port (state is not durable:
 * the caller warns); else a clear one-line error saying how to get one.
 */
export async function resolveRedis(configuredUrl: string | undefined, localPort = 6379): Promise<ResolvedRedis> {
  if (configuredUrl) return { url: configuredUrl, ephemeral: false, stop: () => {} };
  if (await redisAnswersPing('127.0.0.1', localPort)) return { url: `redis://127.0.0.1:${localPort}`, ephemeral: false, stop: () => {} };
  const which = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (which.error || which.status !== 0) {
    throw new ServeMedicError(
      'REDIS_UNAVAILABLE',
      `no REDIS_URL set, nothing answers on 127.0.0.1:${localPort} and redis-server is not on PATH: install Redis (Debian: apt-get install redis-server) or set REDIS_URL=redis://host:6379`,
    );
  }
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'serve-medic-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    if (await redisAnswersPing('127.0.0.1', port)) {
      return { url: `redis://127.0.0.1:${port}`, ephemeral: true, stop: () => child.kill('SIGTERM') };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new ServeMedicError('REDIS_UNAVAILABLE', `started redis-server on 127.0.0.1:${port} but it did not answer`);
}
