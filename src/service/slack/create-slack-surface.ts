import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { SilenceStore } from '../../adapters/redis/silence-store.js';
import { ThreadStore } from '../../adapters/redis/thread-store.js';
import { ResponseUrlClient } from '../../adapters/slack/response-url-client.js';
import type { WebClient } from '../../adapters/slack/slack-web-api.js';
import { createWebClient, SlackWebApi } from '../../adapters/slack/slack-web-api.js';
import type { Config } from '../../config/config-schema.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { AlertRule } from '../../core/model/rule.js';
import type { DiagnoseFn } from '../../core/notify/notification.js';
import type { QueryEngine } from '../../core/query/types.js';
import type { ServeInstanceDetails } from '../../core/serve/serve-types.js';
import { ServeMedicError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';
import type { SlackHttpEndpoint } from '../http/create-http-server.js';
import { createAlertChartSource } from '../notify/alert-chart-source.js';
import { createConsoleSink } from '../notify/console-sink.js';
import type { Notifier, NotifierOptions } from '../notify/create-notifier.js';
import { createNotifier } from '../notify/create-notifier.js';
import type { MessageSink } from '../notify/message-sink.js';
import type { QueueObserver } from '../notify/channel-queue.js';
import { createSlackSink } from '../notify/slack-sink.js';
import type { CommandHandlerDeps } from './command-handler.js';
import type { SlackApp } from './create-slack-app.js';
import { createSlackApp } from './create-slack-app.js';
import type { ActionRegistrar } from './listeners/index.js';
import { registerListeners } from './listeners/index.js';

export interface SlackSurfaceOptions {
  readonly config: Pick<Config, 'slack' | 'cluster_name' | 'redis_prefix'>;
  readonly redis: Redis;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The diagnosis engine: first reply of each thread and `/serve-medic diagnose`. */
  readonly diagnose?: DiagnoseFn;
  /** For the chart in each thread. */
  readonly queryEngine?: QueryEngine;
  /** Loaded alert rules: `/serve-medic rules` and the chart's expression. */
  readonly listRules?: () => readonly AlertRule[] | Promise<readonly AlertRule[]>;
  /** Serve REST API, for `/serve-medic status`. */
  readonly getApplications?: () => Promise<ServeInstanceDetails>;
  /** Issue #6: registers block_actions listeners (Approve / Reject) on the Bolt app. */
  readonly actionRegistrars?: readonly ActionRegistrar[];
  /** Issue #6: `/serve-medic history [APP]` (Remediation.history). */
  readonly history?: CommandHandlerDeps['history'];
  /** Console mode output; default process.stdout. */
  readonly consoleOut?: Pick<Writable, 'write'>;
  /** Tuning and test hooks passed to the notifier (tick interval, lease, instance id…). */
  readonly notifier?: Partial<Pick<NotifierOptions, 'instanceId' | 'leaseMs' | 'tickIntervalMs' | 'pollMs' | 'threadKeyOf' | 'diagnoseTimeoutMs' | 'silenceCacheMs'>>;
  /** The service's own metrics: Slack calls, waits and queue depth. */
  readonly observe?: QueueObserver;
  /** Send queue backoff (tests shorten it). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
}

export interface SlackSurface {
  /** http: Bolt over /slack/events; socket: Socket Mode; console: no token, messages in the terminal. */
  readonly mode: 'http' | 'socket' | 'console';
  /** Give `notifier.onEvents` to the alert lifecycle; #6/#7 use its thread API. */
  readonly notifier: Notifier;
  readonly silences: SilenceStore;
  readonly threads: ThreadStore;
  /** HTTP mode: pass to createHttpServer({ slack: surface.slackHttp, … }). */
  readonly slackHttp?: SlackHttpEndpoint;
  readonly slackApp?: SlackApp;
  readonly client?: WebClient;
  readonly commandDeps: CommandHandlerDeps;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const CONSOLE_CHANNEL = '#serve-medic';

/** Checks the Slack settings together; every problem in one error, as config loading does. */
export function checkSlackSettings(slack: Config['slack']): string[] {
  if (!slack.bot_token) return [];
  const problems: string[] = [];
  if (!slack.app_token && !slack.signing_secret) {
    problems.push('SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN to use Socket Mode)');
  }
  if (!slack.channel && slack.routes.length === 0) problems.push('SLACK_CHANNEL is required with SLACK_BOT_TOKEN: the channel alerts go to when no route matches');
  return problems;
}

/**
 * Composes the Slack side of the service: Slack (HTTP or Socket Mode) when SLACK_BOT_TOKEN is
 * set, else the console sink. Either way the same notifier, thread store and silences.
 */
export function createSlackSurface(options: SlackSurfaceOptions): SlackSurface {
  const { config, logger, redis } = options;
  const slack = config.slack;
  const clock = options.clock ?? systemClock;
  const problems = checkSlackSettings(slack);
  if (problems.length > 0) throw new ServeMedicError('CONFIG_INVALID', problems.join('\n'), { details: { problems } });

  const threads = new ThreadStore(redis, { prefix: config.redis_prefix });
  const silences = new SilenceStore(redis, { prefix: config.redis_prefix });
  const listRules = options.listRules ?? (() => []);

  let sink: MessageSink;
  let client: WebClient | undefined;
  if (slack.bot_token) {
    client = createWebClient({ token: slack.bot_token, ...(slack.api_url ? { apiUrl: slack.api_url } : {}), logger });
    sink = createSlackSink({
      api: new SlackWebApi(client),
      logger,
      messagesPerSecond: slack.messages_per_second_per_channel,
      ...(options.observe ? { observe: options.observe } : {}),
      ...(options.backoff ? { backoffBaseMs: options.backoff.baseMs, backoffMaxMs: options.backoff.maxMs } : {}),
    });
  } else {
    sink = createConsoleSink({ out: options.consoleOut ?? process.stdout });
  }

  const notifier = createNotifier({
    sink,
    threads,
    silences,
    clock,
    logger,
    cluster: config.cluster_name,
    // With routes and no SLACK_CHANNEL, an alert no route matches is logged and not posted.
    ...(slack.channel || !slack.bot_token ? { defaultChannel: slack.channel ?? CONSOLE_CHANNEL } : {}),
    routes: slack.routes,
    repeatIntervalMs: slack.repeat_interval,
    ...(options.diagnose ? { diagnose: options.diagnose } : {}),
    ...(options.queryEngine ? { chart: createAlertChartSource({ queryEngine: options.queryEngine, listRules, logger }) } : {}),
    ...options.notifier,
  });

  const commandDeps: CommandHandlerDeps = {
    ...(options.diagnose ? { diagnose: options.diagnose } : {}),
    ...(options.getApplications ? { getApplications: options.getApplications } : {}),
    ...(options.history ? { history: options.history } : {}),
    silences,
    listRules,
    onSilenceEnded: () => notifier.tick(),
    clock,
    cluster: config.cluster_name,
  };

  let slackApp: SlackApp | undefined;
  if (slack.bot_token) {
    slackApp = createSlackApp({
      botToken: slack.bot_token,
      ...(slack.signing_secret ? { signingSecret: slack.signing_secret } : {}),
      ...(slack.app_token ? { appToken: slack.app_token } : {}),
      ...(slack.api_url ? { apiUrl: slack.api_url } : {}),
      logger,
    });
    registerListeners(slackApp.app, {
      commands: { handler: commandDeps, responder: new ResponseUrlClient(slack.api_url ? { apiUrl: slack.api_url } : {}), logger },
      actions: options.actionRegistrars ?? [],
    });
  }

  return {
    mode: slackApp?.mode ?? 'console',
    notifier,
    silences,
    threads,
    ...(slackApp?.http ? { slackHttp: slackApp.http } : {}),
    ...(slackApp ? { slackApp } : {}),
    ...(client ? { client } : {}),
    commandDeps,
    async start() {
      await slackApp?.start();
      await notifier.start();
      logger.info({ mode: slackApp?.mode ?? 'console', channel: slack.channel ?? CONSOLE_CHANNEL }, slackApp ? 'Slack connected' : 'no SLACK_BOT_TOKEN: Slack messages are printed in the terminal');
    },
    async stop() {
      await notifier.stop();
      await slackApp?.stop();
    },
  };
}
