import { spawn, type ChildProcess } from 'node:child_process';
import { freeLoopbackPort, redisAnswersPing } from '../../src/service/local-ports.js';

/**
 * Tests use a real Redis. These machines run one on 127.0.0.1:6379; when none answers,
 * start `redis-server` from PATH on a free loopback port for the length of the run.
 * Tests read the address from TEST_REDIS_URL and use a key prefix of their own.
 */
let started: ChildProcess | undefined;

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.TEST_REDIS_URL) return async () => {};
  if (await redisAnswersPing('127.0.0.1', 6379)) {
    process.env.TEST_REDIS_URL = 'redis://127.0.0.1:6379';
    return async () => {};
  }
  const port = await freeLoopbackPort();
  started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  started.once('error', (err) => {
    throw new Error(`no Redis on 127.0.0.1:6379 and redis-server could not start: ${err.message}`);
  });
  for (let i = 0; i < 50 && !(await redisAnswersPing('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
  return async () => {
    started?.kill('SIGTERM');
  };
}
