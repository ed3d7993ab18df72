import { parseArgs } from 'node:util';
import { createLogger } from '../../log/create-logger.js';
import { runDemo } from '../../service/demo/run-demo.js';
import { ServeMedicError } from '../../errors.js';
import type { Command } from '../cli-io.js';
import { EXIT_FAILED, EXIT_OK } from '../cli-io.js';

/** `serve-medic demo [--speed N]`: one incident end to end in the terminal. */
export const demoCommand: Command = async (args, io) => {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: { speed: { type: 'string' } }, strict: true }));
  } catch (err) {
    throw new ServeMedicError('USAGE', `${(err as Error).message}; usage: demo [--speed N]`);
  }
  const speed = values.speed === undefined ? 20 : Number(values.speed);
  if (!(speed >= 1 && speed <= 1000)) throw new ServeMedicError('USAGE', '--speed must be a number from 1 to 1000');
  // Logs (warnings and errors only) go to stderr; stdout is the story and the Slack thread.
  const logger = createLogger({ level: io.env.LOG_LEVEL ?? 'warn', fd: 2 });
  const outcome = await runDemo({
    out: io.stdout,
    logger,
    ...(io.env.REDIS_URL ? { redisUrl: io.env.REDIS_URL } : {}),
    rulesPaths: [new URL('../../../rules/', import.meta.url).pathname],
    speed,
  });
  return outcome.fired && outcome.applied && outcome.resolved ? EXIT_OK : EXIT_FAILED;
};
