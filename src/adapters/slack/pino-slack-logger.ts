import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../log/create-logger.js';

/**
 * Bolt and the Web API client log through this, into the service's pino logger (whose redaction
 * and secret scrubbing then apply). Their debug output includes request bodies, so it stays at
 * debug and is never raised by them.
 */
export function pinoSlackLogger(logger: Logger, name = 'slack'): SlackLogger {
  let child = logger.child({ component: name });
  const fmt = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => child.debug(fmt(msg)),
    info: (...msg: unknown[]) => child.info(fmt(msg)),
    warn: (...msg: unknown[]) => child.warn(fmt(msg)),
    error: (...msg: unknown[]) => child.error(fmt(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: (n: string) => {
      child = logger.child({ component: n });
    },
  };
}
