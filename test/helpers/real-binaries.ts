import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's prometheus, promtool and prometheus-alertmanager, started on loopback for
 * conformance and end-to-end tests. On a machine without them a test skips, except in CI
 * (CI=true), where .ci/run installs them and their absence is a failure.
 */
export function hasBinary(name: string): boolean {
  const r = spawnSync(name, ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

export function requireBinaryOrSkip(name: string): boolean {
  if (hasBinary(name)) return true;
  if (process.env.CI) throw new Error(`${name} is not installed; .ci/run installs Debian's prometheus packages`);
  return false;
}

import { freeLoopbackPort } from '../../src/service/local-ports.js';

export const freePort = freeLoopbackPort;

export interface RunningBinary {
  readonly url: string;
  readonly dir: string;
  readonly output: () => string;
  readonly stop: () => Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${output()}`);
}

function launch(cmd: string, args: string[], dir: string): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => out };
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** Launches a Prometheus-family binary listening on `port` and waits for its /-/ready. */
async function launchUntilReady(cmd: string, args: string[], dir: string, port: number): Promise<RunningBinary> {
  const { child, output } = launch(cmd, args, dir);
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child, dir);
  try {
    await waitReady(`${url}/-/ready`, child, output, 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dir, output, stop };
}

/** Starts Prometheus with the given config (YAML text) and optional rule files. */
export async function startPrometheus(configYaml: string, files: Record<string, string> = {}): Promise<RunningBinary> {
  const dir = mkdtempSync(join(tmpdir(), 'prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), configYaml);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const port = await freePort();
  return launchUntilReady(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ],
    dir,
    port,
  );
}

/** Starts Alertmanager with the given config (YAML text). */
export async function startAlertmanager(configYaml: string): Promise<RunningBinary> {
  const dir = mkdtempSync(join(tmpdir(), 'am-'));
  writeFileSync(join(dir, 'alertmanager.yml'), configYaml);
  const port = await freePort();
  const clusterPort = await freePort();
  return launchUntilReady(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--cluster.listen-address=127.0.0.1:${clusterPort}`,
      '--cluster.advertise-address=127.0.0.1:' + clusterPort,
    ],
    dir,
    port,
  );
}
