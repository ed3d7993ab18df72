import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.js';
import { defaultExprValidator, syntaxOnlyExprValidator } from '../../core/rules/default-expr-validator.js';
import type { ExprValidator } from '../../core/rules/expr-validator.js';
import { ServeMedicError } from '../../errors.js';
import type { CliIo } from '../cli-io.js';

/**
 * The arguments `rules check` and `rules export` share: paths (default: the configured
 * rules.paths, `rules/` unless the config says otherwise) and `--config FILE`.
 */
export interface RulesArgs {
  readonly paths: readonly string[];
  readonly defaultIntervalMs?: number;
  /**
   * With metrics.prometheus_url, Prometheus evaluates the queries: only syntax errors count.
   * Otherwise the built-in evaluator does, and features it refuses are problems too.
   */
  readonly validateExpr: ExprValidator;
  readonly output?: string;
}

export async function parseRulesArgs(args: readonly string[], io: CliIo, usage: string, withOutput: boolean): Promise<RulesArgs> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        ...(withOutput ? { output: { type: 'string', short: 'o' } } : {}),
      },
    });
  } catch (err) {
    throw new ServeMedicError('USAGE', `${(err as Error).message}\n${usage}`);
  }
  const configPath = parsed.values.config as string | undefined;
  const config = await loadConfig({ path: configPath === undefined ? undefined : resolve(io.cwd, configPath), env: io.env });
  const output = parsed.values.output as string | undefined;
  return {
    paths: parsed.positionals.length > 0 ? parsed.positionals : config.rules.paths,
    defaultIntervalMs: config.rules.evaluation_interval,
    validateExpr: config.metrics.prometheus_url ? syntaxOnlyExprValidator : defaultExprValidator,
    ...(output !== undefined ? { output } : {}),
  };
}
