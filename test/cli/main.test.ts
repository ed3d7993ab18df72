import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('serve-medic command', () => {
  it('prints usage listing every subcommand of the design and exits 2 with no arguments', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    for (const cmd of ['run', 'demo', 'rules check', 'rules test', 'rules export', 'metrics check', 'diagnose', 'simulate']) {
      expect(r.stderr).toContain(`serve-medic ${cmd}`);
    }
  });

  it('answers --help on stdout with exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:');
  });

  it('prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with exit 2 and the usage', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage:');
  });
});
