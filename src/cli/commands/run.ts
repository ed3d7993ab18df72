import { parseArgs } from 'node:util';
import { loadConfig, secretsOf } from '../../config/load-config.js';
import { createLogger } from '../../log/create-logger.js';
import { createService } from '../../service/create-service.js';
import { describeError, ServeMedicError } from '../../errors.js';
import type { Command } from '../cli-io.js';
import { EXIT_FAILED, EXIT_OK, writeLine } from '../cli-io.js';

/** How long a graceful stop may take before the process exits anyway (Kubernetes waits 30 s). */
const STOP_BOUND_MS = 25_000;

/** `serve-medic run`: the service, until SIGTERM or SIGINT. */
export function runCommand(stop?: AbortSignal): Command {
  return async (args, io) => {
    let values;
    try {
      ({ values } = parseArgs({ args: [...args], options: { config: { type: 'string', short: 'c' } }, strict: true }));
    } catch (err) {
      throw new ServeMedicError('USAGE', `${(err as Error).message}; usage: run [--config FILE]`);
    }
    const config = await loadConfig({ ...(values.config ? { path: values.config } : {}), env: io.env });
    // In console mode stdout carries the Slack messages as text; the JSON logs go to stderr.
    const logger = createLogger({ level: config.log_level, secrets: secretsOf(config), fd: config.slack.bot_token ? 1 : 2 });
    let service;
    try {
      service = await createService({
        config,
        logger,
        consoleOut: io.stdout,
        announce: (line) => writeLine(io.stdout, line),
      });
    } catch (err) {
      writeLine(io.stderr, `serve-medic run: ${describeError(err)}`);
      logger.flush();
      return EXIT_FAILED;
    }
    const why = await new Promise<string>((resolve) => {
      const done = (reason: string) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve(reason);
      };
      const onInt = () => done('SIGINT');
      const onTerm = () => done('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      stop?.addEventListener('abort', () => done('stopped'), { once: true });
    });
    const bound = setTimeout(() => {
      writeLine(io.stderr, `serve-medic: graceful stop took longer than ${STOP_BOUND_MS / 1000}s; exiting`);
      process.exit(EXIT_FAILED);
    }, STOP_BOUND_MS);
    bound.unref();
    await service.stop(why);
    clearTimeout(bound);
    writeLine(io.stdout, `serve-medic stopped (${why}).`);
    logger.flush();
    return EXIT_OK;
  };
}
