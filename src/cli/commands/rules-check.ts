import { loadRules } from '../../adapters/rules/load-rules.js';
import type { Command } from '../cli-io.js';
import { EXIT_FAILED, EXIT_OK, writeLine } from '../cli-io.js';
import { parseRulesArgs } from './rules-args.js';

const USAGE = 'usage: serve-medic rules check [--config FILE] [DIR|FILE...]';

/**
 * `serve-medic rules check [DIR|FILE...]`: validates rule files (and the checklist next to
 * them). Exit 0 with a one-line summary, 1 with every problem as `file:line:col: message`,
 * 2 on usage errors.
 */
export const rulesCheck: Command = async (args, io) => {
  const { paths, defaultIntervalMs, validateExpr } = await parseRulesArgs(args, io, USAGE, false);
  const loaded = await loadRules(paths, { cwd: io.cwd, defaultIntervalMs, validateExpr });
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) writeLine(io.stderr, e);
    return EXIT_FAILED;
  }
  const rules = loaded.groups.reduce((n, g) => n + g.rules.length, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  writeLine(io.stdout, `ok: ${plural(loaded.groups.length, 'group')}, ${plural(rules, 'alert rule')} in ${plural(loaded.files.length, 'file')}`);
  return EXIT_OK;
};

export default rulesCheck;
