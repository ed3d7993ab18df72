import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hasBinary } from '../helpers/real-binaries.js';

/** deploy/prometheus and deploy/alertmanager: up to date with rules/, and accepted by the real tools. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const promtool = hasBinary('promtool');
const amtool = spawnSync('amtool', ['--version'], { stdio: 'ignore' }).status === 0;
if (process.env.CI && !(promtool && amtool)) throw new Error('promtool and amtool are installed by .ci/run');

describe('Prometheus and Alertmanager examples', () => {
  it('the exported rule file matches rules/ (regenerate: serve-medic rules export -o deploy/prometheus/serve-medic-rules.yml)', async () => {
    const r = await runCli(['rules', 'export'], { cwd: root });
    expect(r.code).toBe(0);
    expect(readFileSync(`${root}deploy/prometheus/serve-medic-rules.yml`, 'utf8')).toBe(r.stdout);
  });

  it.skipIf(!promtool)('promtool accepts the Prometheus config and its rule file', () => {
    const r = spawnSync('promtool', ['check', 'config', 'prometheus.yml'], { cwd: `${root}deploy/prometheus`, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  it.skipIf(!amtool)('amtool accepts the Alertmanager receiver config', () => {
    const r = spawnSync('amtool', ['check-config', 'alertmanager.yml'], { cwd: `${root}deploy/alertmanager`, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
