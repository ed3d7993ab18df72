import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.yaml'))
  .sort();

function promtoolVersion(): string | undefined {
  try {
    return execFileSync('promtool', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return undefined;
  }
}

const version = promtoolVersion();
const missing = version === undefined;
if (missing && !process.env['CI']) {
  console.warn('promtool not found: skipping the promtool conformance check (install Debian\'s "prometheus" package; .ci/run does)');
}

/**
 * The conformance files are only worth something if real Prometheus agrees with them:
 * every file must pass `promtool test rules` (Debian's 2.42, the reference).
 */
describe.skipIf(missing && !process.env['CI'])('conformance files under real promtool', () => {
  it('promtool is installed (required in CI)', () => {
    expect(version, 'promtool must be on PATH in CI (.ci/run installs the prometheus package)').toBeDefined();
    expect(version).toMatch(/promtool, version 2\./);
  });

  for (const file of files) {
    it(`promtool test rules ${file}`, async () => {
      const result = await run('promtool', ['test', 'rules', file], { cwd: dir }).catch((err: { stdout: string; stderr: string }) => err);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('SUCCESS');
    });
  }
});
