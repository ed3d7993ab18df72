import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { guessFormat } from '../../src/cli/commands/metrics-check.js';
import { runCli } from '../helpers/cli.js';

const fixtures = fileURLToPath(new URL('../fixtures/exposition/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'metrics-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const check = (args: string[], stdin?: string) => runCli(['metrics', 'check', ...args], { cwd: fixtures, stdin });

describe('serve-medic metrics check', () => {
  it('accepts a valid text exposition file and prints a one-line summary', async () => {
    const r = await check(['metrics_example.prom']);
    expect(r).toEqual({ code: 0, stdout: 'ok: 306 samples, 29 metric families (text)\n', stderr: '' });
  });

  it('reads a file ending in # EOF as OpenMetrics without being told', async () => {
    const r = await check(['metrics_openmetrics.om.txt']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok: 2029 samples, 159 metric families (openmetrics)\n');
  });

  it('reads stdin when no file or "-" is given', async () => {
    const input = '# TYPE up gauge\nup{job="a"} 1\nup{job="b"} 0\n';
    expect(await check([], input)).toEqual({ code: 0, stdout: 'ok: 2 samples, 1 metric family (text)\n', stderr: '' });
    expect((await check(['-'], input)).stdout).toBe('ok: 2 samples, 1 metric family (text)\n');
  });

  it('counts exemplars when there are some', async () => {
    const r = await check([], '# TYPE c counter\nc_total 1 # {trace="t"} 1\n# EOF\n');
    expect(r.stdout).toBe('ok: 1 sample, 1 metric family, 1 exemplar (openmetrics)\n');
  });

  it('reports line:col: message on stdin input and exits 1', async () => {
    const r = await check([], 'ok_metric 1\nbroken{a="b" 2\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`2:14: expected ',' or '}' after the value of label "a", found '2'\n`);
  });

  it('prefixes the position with the file name when a file is given', async () => {
    const file = join(scratch, 'bad.prom');
    writeFileSync(file, 'fine 1\nfine 2\n');
    const r = await runCli(['metrics', 'check', 'bad.prom'], { cwd: scratch });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('bad.prom:2:1: duplicate series "fine"\n');
  });

  it('honours --format over the guess, both ways', async () => {
    const openMetrics = await check(['--format', 'openmetrics'], 'up 1\n');
    expect(openMetrics.code).toBe(1);
    expect(openMetrics.stderr).toBe('2:1: missing "# EOF" at the end of the exposition\n');
    const text = await check(['--format=text'], 'c_total 1 # {trace="t"} 1\n# EOF\n');
    expect(text.code).toBe(1);
    expect(text.stderr).toBe('1:11: invalid timestamp "#": expected integer milliseconds\n');
  });

  it('reports invalid UTF-8 with its position', async () => {
    writeFileSync(join(scratch, 'latin1.prom'), Buffer.from('ok 1\nname{who="Bj\xf6rn"} 1\n', 'latin1'));
    const r = await runCli(['metrics', 'check', 'latin1.prom'], { cwd: scratch });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('latin1.prom:2:13: invalid UTF-8 (byte 0xf6)\n');
  });

  it('exits 2 on an unknown flag, a bad format, two files, or an unreadable file', async () => {
    const unknown = await check(['--strict']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--strict'");
    expect(unknown.stderr).toContain('Usage: serve-medic metrics check');

    const format = await check(['--format', 'json']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be "text" or "openmetrics", got "json"');

    const two = await check(['a.prom', 'b.prom']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('expected at most one FILE, got 2');

    const missing = await check(['no-such-file.prom']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read no-such-file.prom');
  });

  it('prints its usage for --help', async () => {
    const r = await check(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: serve-medic metrics check [--format text|openmetrics] [FILE|-]');
    expect(r.stdout).toContain('as OpenMetrics when its last line is "# EOF"');
  });
});

describe('guessFormat', () => {
  it.each([
    ['# EOF', 'openmetrics'],
    ['# EOF\n', 'openmetrics'],
    ['a 1\n# EOF\n', 'openmetrics'],
    ['a 1\n# EOF', 'openmetrics'],
    ['a 1\n', 'text'],
    ['', 'text'],
    ['a 1\n# EOF\n\n', 'text'],
    ['a 1\n#  EOF\n', 'text'],
    ['a 1 # EOF\n', 'text'],
  ] as const)('%j is %s', (input, format) => {
    expect(guessFormat(input)).toBe(format);
  });
});
