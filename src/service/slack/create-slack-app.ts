import { App, HTTPReceiver } from '@slack/bolt';
import { pinoSlackLogger } from '../../adapters/slack/pino-slack-logger.js';
import { withTrailingSlash } from '../../adapters/slack/slack-web-api.js';
import type { Logger } from '../../log/create-logger.js';
import type { SlackHttpEndpoint } from '../http/create-http-server.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface CreateSlackAppOptions {
  readonly botToken: string;
  /** HTTP mode: requests to /slack/events are verified with it. */
  readonly signingSecret?: string;
  /** Socket Mode when set (SLACK_APP_TOKEN, xapp-…). */
  readonly appToken?: string;
  readonly apiUrl?: string;
  readonly logger: Logger;
}

export interface SlackApp {
  readonly app: App;
  readonly mode: 'http' | 'socket';
  /** HTTP mode: mount on the service's port with createHttpServer({ slack }). */
  readonly http?: SlackHttpEndpoint;
  /** Checks the token (auth.test); in Socket Mode also opens the socket. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Bolt app. In HTTP mode its HTTPReceiver is never started: its request listener is mounted
 * on the service's own server (one port for Slack, the webhook, metrics and health). In Socket
 * Mode events arrive over the socket and the service's routes still listen on PORT.
 */
export function createSlackApp(options: CreateSlackAppOptions): SlackApp {
  const logger = pinoSlackLogger(options.logger, 'slack-bolt');
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: withTrailingSlash(options.apiUrl) } : {}),
    retryConfig: { retries: 0 },
  };
  if (options.appToken) {
    const app = new App({ token: options.botToken, appToken: options.appToken, socketMode: true, logger, clientOptions, deferInitialization: true });
    let started = false;
    return {
      app,
      mode: 'socket',
      async start() {
        await app.init();
        await app.start();
        started = true;
      },
      async stop() {
        if (started) await app.stop();
        started = false;
      },
    };
  }
  if (!options.signingSecret) throw new Error('HTTP mode needs the signing secret');
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    logger,
    // Ack is sent as soon as a listener calls ack(); slow work continues after it.
    processBeforeResponse: false,
  });
  const app = new App({ token: options.botToken, receiver, logger, clientOptions, deferInitialization: true });
  return {
    app,
    mode: 'http',
    http: { path: SLACK_EVENTS_PATH, signingSecret: options.signingSecret, requestListener: receiver.requestListener },
    start: () => app.init(),
    stop: async () => {},
  };
}
