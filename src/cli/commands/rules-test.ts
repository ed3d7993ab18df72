import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RuleTestFiles } from '../../core/rule-tests/run-rule-test-file.js';
import { runRuleTestFile } from '../../core/rule-tests/run-rule-test-file.js';
import { ServeMedicError } from '../../errors.js';
import type { Command } from '../cli-io.js';
import { EXIT_FAILED, EXIT_OK, writeLine } from '../cli-io.js';

const USAGE = 'usage: serve-medic rules test FILE...';

/**
 * `serve-medic rules test FILE...`: runs rule unit tests in the `promtool test rules` format
 * (alert_rule_test and promql_expr_test, with promtool 2.42's semantics) against the rule files
 * as serve-medic loads them, and reports like promtool: per file SUCCESS, or FAILED with the
 * expected and got of every failing case. Exit 0 when all pass, 1 on failures, 2 on usage errors.
 */
export const rulesTest: Command = async (args, io) => {
  let files: string[];
  try {
    files = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: {} }).positionals;
  } catch (err) {
    throw new ServeMedicError('USAGE', `${(err as Error).message}\n${USAGE}`);
  }
  if (files.length === 0) throw new ServeMedicError('USAGE', `no test files given\n${USAGE}`);
  let failed = false;
  for (const file of files) {
    const path = resolve(io.cwd, file);
    writeLine(io.stdout, `Unit Testing:  ${file}`);
    const result = await runRuleTestFile(path, nodeFiles);
    for (const w of result.warnings) writeLine(io.stderr, w);
    if (result.failures.length > 0) {
      failed = true;
      writeLine(io.stderr, '  FAILED:');
      // As promtool: each failure on stderr, the blank line after it on stdout.
      for (const f of result.failures) {
        writeLine(io.stderr, f);
        writeLine(io.stdout, '');
      }
    } else {
      writeLine(io.stdout, '  SUCCESS');
    }
    writeLine(io.stdout, '');
  }
  return failed ? EXIT_FAILED : EXIT_OK;
};

export default rulesTest;

/** Real files; globs support wildcards in the last path segment (`rules/*.yaml`). */
const nodeFiles: RuleTestFiles = {
  readFile: (path) => readFile(path, 'utf8'),
  glob: async (pattern) => {
    if (!/[*?[]/.test(basename(pattern))) {
      try {
        await stat(pattern);
        return [pattern];
      } catch {
        return [];
      }
    }
    const dir = dirname(pattern);
    const re = globToRegExp(basename(pattern));
    try {
      return (await readdir(dir)).filter((name) => re.test(name)).sort().map((name) => resolve(dir, name));
    } catch {
      return [];
    }
  },
};

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += '[' + glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
