import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/**
 * Tests use a real Redis. These machines run one on 127.0.0.1:6379; when none answers,
 * start `redis-server` from PATH on a free loopback port for the length of the run.
 * Tests read the address from TEST_REDIS_URL and use a key prefix of their own.
 */
let started: ChildProcess | undefined;

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.TEST_REDIS_URL) return async () => {};
  if (await answersPing(6379)) {
    process.env.TEST_REDIS_URL = 'redis://127.0.0.1:6379';
    return async () => {};
  }
  const port = await freePort();
  started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  started.once('error', (err) => {
    throw new Error(`no Redis on 127.0.0.1:6379 and redis-server could not start: ${err.message}`);
  });
  for (let i = 0; i < 50 && !(await answersPing(port)); i++) await new Promise((r) => setTimeout(r, 100));
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
  return async () => {
    started?.kill('SIGTERM');
  };
}
