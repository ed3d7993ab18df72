import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino removes from every log record, wherever a token or secret could travel:
 * config objects, HTTP headers, Slack and Serve client options.
 */
const REDACT_PATHS = [
  '*.token',
  '*.bot_token',
  '*.botToken',
  '*.app_token',
  '*.appToken',
  '*.signing_secret',
  '*.signingSecret',
  '*.dashboard_token',
  '*.webhook_token',
  '*.password',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'config.slack',
  'config.alertmanager',
  'config.ray.dashboard_token',
];

export interface CreateLoggerOptions {
  readonly level?: string;
  /** Secret values to scrub from any string that reaches the log, whatever its path. */
  readonly secrets?: readonly string[];
  readonly destination?: DestinationStream;
  /** File descriptor when no destination is given: 1 (stdout, default) or 2 (stderr). */
  readonly fd?: 1 | 2;
  readonly base?: Record<string, unknown>;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

/**
 * The service's logger: JSON lines (pino), secrets removed twice over — by path (redact) and by
 * value (a final pass over the serialized line, which catches a token inside an error message
 * or a URL).
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const secrets = [...(options.secrets ?? [])].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    base: options.base ?? { service: 'serve-medic' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const target = options.destination ?? pino.destination({ dest: options.fd ?? 1, sync: false });
  if (secrets.length === 0) return pino(pinoOptions, target);
  const scrubbing: DestinationStream = {
    write(line: string) {
      target.write(scrub(line, secrets));
    },
  };
  return pino(pinoOptions, scrubbing);
}
