import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/cli/commands/simulate.js';
import { runCli } from '../helpers/cli.js';

describe('serve-medic simulate', () => {
  it('lists the scenarios', async () => {
    const r = await runCli(['simulate', '--list-scenarios']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('healthy-baseline');
    expect(r.stdout).toContain('traffic-spike');
  });

  it('rejects an unknown scenario with exit 2', async () => {
    const r = await runCli(['simulate', '--scenario', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown scenario "nope"');
  });

  it('serves the REST API and /metrics on 127.0.0.1 until stopped', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const stop = new AbortController();
    const io = { stdout, stderr: new PassThrough(), stdin: Readable.from(['']), env: {}, cwd: process.cwd() };
    const running = simulateCommand(stop.signal)(['--port', '0', '--scenario', 'healthy-baseline', '--seed', '3'], io);
    for (let i = 0; i < 50 && !out.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    const apps = (await (await fetch(`${url}/api/serve/applications/`)).json()) as { applications: Record<string, unknown> };
    expect(Object.keys(apps.applications)).toEqual(['embeddings', 'text_ml', 'app_slow']);
    const metrics = await fetch(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(metrics.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    expect(out).toContain('scenario: healthy-baseline');
    stop.abort();
    expect(await running).toBe(0);
    expect(out).toContain('simulator stopped');
  });
});
