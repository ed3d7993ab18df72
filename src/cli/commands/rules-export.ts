import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadRules } from '../../adapters/rules/load-rules.js';
import { exportRules } from '../../core/rules/export-rules.js';
import type { Command } from '../cli-io.js';
import { EXIT_FAILED, EXIT_OK, writeLine } from '../cli-io.js';
import { parseRulesArgs } from './rules-args.js';

const USAGE = 'usage: serve-medic rules export [--config FILE] [DIR|FILE...] [-o FILE]';

/**
 * `serve-medic rules export [DIR|FILE...] [-o FILE]`: writes the rules as one plain Prometheus
 * rule file (to stdout, or FILE), for `rule_files:` in prometheus.yml. Invalid rules are
 * reported as by `rules check` and nothing is written.
 */
export const rulesExport: Command = async (args, io) => {
  const { paths, defaultIntervalMs, validateExpr, output } = await parseRulesArgs(args, io, USAGE, true);
  const loaded = await loadRules(paths, { cwd: io.cwd, defaultIntervalMs, validateExpr });
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) writeLine(io.stderr, e);
    return EXIT_FAILED;
  }
  const header = [
    `Exported by serve-medic rules export from ${loaded.files.join(', ') || 'no files'}.`,
    `serve-medic's checklist, diagnose and remediation keys are stripped; the checklist ids are in the serve_medic_checklist annotation.`,
  ].join('\n');
  const text = exportRules(loaded.groups, { header });
  if (output === undefined || output === '-') io.stdout.write(text);
  else await writeFile(resolve(io.cwd, output), text);
  return EXIT_OK;
};

export default rulesExport;
