import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = join(import.meta.dirname, '.');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.yaml'))
  .sort();

describe('conformance files', () => {
  it('exist and cover the topics', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    it(`pass under serve-medic rules test: ${file}`, async () => {
      const r = await runCli(['rules', 'test', join(dir, file)]);
      expect(r.stderr).not.toContain('FAILED');
      expect(r.stdout).toContain('SUCCESS');
      expect(r.code, r.stderr).toBe(0);
    });
  }
});
