import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.js';

/**
 * The container image's layout, built here without Docker (no engine on CI machines): compiled
 * dist/, src/bin, rules/, package.json and node_modules, and no TypeScript sources. The
 * `serve-medic` bin must run from it exactly as the Dockerfile's ENTRYPOINT does.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8');

describe('deploy/Dockerfile', () => {
  it('is multi-stage, runs as a non-root user, and copies what the layout below needs', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(finalStage).toMatch(/^USER node$/m);
    for (const path of ['./dist', './node_modules', './src/bin', './rules', './package.json']) expect(finalStage).toContain(path);
    expect(finalStage).toContain('ENTRYPOINT ["node", "--max-semi-space-size=32", "src/bin/serve-medic.mjs"]');
    expect(dockerfile).toContain('npm prune --omit=dev');
  });
});

describe('the image layout', () => {
  let app: string;

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'image-'));
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(app, 'dist')], {
      encoding: 'utf8',
    });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    cpSync(join(root, 'package.json'), join(app, 'package.json'));
    cpSync(join(root, 'src/bin'), join(app, 'src/bin'), { recursive: true });
    cpSync(join(root, 'rules'), join(app, 'rules'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'));
  }, 120_000);

  afterAll(() => rmSync(app, { recursive: true, force: true }));

  const bin = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['src/bin/serve-medic.mjs', ...args], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

  it('runs the compiled command: --version, rules check, metrics check', () => {
    expect(bin(['--version']).stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    const rules = bin(['rules', 'check']);
    expect(rules.status, rules.stderr).toBe(0);
    expect(rules.stdout).toMatch(/^ok: \d+ groups, \d+ alert rules in \d+ files/);
    const metrics = spawnSync(process.execPath, ['src/bin/serve-medic.mjs', 'metrics', 'check', '-'], { cwd: app, encoding: 'utf8', input: 'up 1\n' });
    expect(metrics.status, metrics.stderr).toBe(0);
  });

  it('starts the service, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['src/bin/serve-medic.mjs', 'run'], {
      cwd: app,
      env: { PATH: process.env.PATH, PORT: '0', SERVE_MEDIC_HOST: '127.0.0.1', REDIS_URL: testRedisUrl(), SERVE_MEDIC_REDIS_PREFIX: uniquePrefix('image'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 60_000);
});
