import { readFileSync } from 'node:fs';
import { configSchema, type RawConfig } from '../../src/config/config-schema.js';
import type { Clock } from '../../src/core/clock.js';
import type { AlertRule } from '../../src/core/model/rule.js';
import type { DiagnoseFn } from '../../src/core/notify/notification.js';
import type { QueryEngine } from '../../src/core/query/types.js';
import type { ServeInstanceDetails } from '../../src/core/serve/serve-types.js';
import type { HttpServerHandle } from '../../src/service/http/create-http-server.js';
import { createHttpServer } from '../../src/service/http/create-http-server.js';
import type { SlackSurface } from '../../src/service/slack/create-slack-surface.js';
import { createSlackSurface } from '../../src/service/slack/create-slack-surface.js';
import type { ActionRegistrar } from '../../src/service/slack/listeners/index.js';
import { startFakeSlackServer, type FakeSlackServer } from '../helpers/fake-slack-server.js';
import { openTestRedis, uniquePrefix } from '../helpers/redis.js';
import { BOT_TOKEN, CHANNEL, SIGNING_SECRET, fakeDiagnose, fakeQueryEngine, memoryLogger, rules } from '../notify/notify-fixtures.js';

export { BOT_TOKEN, CHANNEL, SIGNING_SECRET };

export function serveFixture(): ServeInstanceDetails {
  return JSON.parse(readFileSync(new URL('../fixtures/ray/get_01_after_initial_deploy.json', import.meta.url), 'utf8')) as ServeInstanceDetails;
}

export interface SlackHarness {
  readonly slack: FakeSlackServer;
  readonly surface: SlackSurface;
  readonly http: HttpServerHandle;
  readonly eventsUrl: string;
  readonly logLines: string[];
  close(): Promise<void>;
}

export interface SlackHarnessOptions {
  readonly diagnose?: DiagnoseFn;
  readonly getApplications?: () => Promise<ServeInstanceDetails>;
  readonly actionRegistrars?: readonly ActionRegistrar[];
  readonly clock?: Clock;
  readonly queryEngine?: QueryEngine;
  readonly listRules?: () => readonly AlertRule[];
  readonly slack?: Partial<NonNullable<RawConfig['slack']>>;
  /**
   * false: the log sink does not scrub secret values, so a test can prove the code never logs
   * them in the first place (the service's logger scrubs them as a second line of defence).
   */
  readonly scrubSecrets?: boolean;
}

/** The Slack surface in HTTP mode on a real port, against the fake Slack and the test Redis. */
export async function startSlackHarness(o: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const slack = await startFakeSlackServer({ botToken: BOT_TOKEN });
  const prefix = uniquePrefix('slack');
  const { redis, cleanup } = await openTestRedis(prefix);
  const { logger, lines } = o.scrubSecrets === false ? memoryLogger([]) : memoryLogger();
  const config = configSchema.parse({
    redis_prefix: prefix,
    cluster_name: 'prod-a',
    slack: { bot_token: BOT_TOKEN, signing_secret: SIGNING_SECRET, api_url: slack.apiUrl, channel: CHANNEL, messages_per_second_per_channel: 10, ...o.slack },
  });
  const surface = createSlackSurface({
    config,
    redis,
    logger,
    ...(o.clock ? { clock: o.clock } : {}),
    diagnose: o.diagnose ?? fakeDiagnose,
    queryEngine: o.queryEngine ?? fakeQueryEngine(),
    listRules: o.listRules ?? (() => rules),
    getApplications: o.getApplications ?? (async () => serveFixture()),
    actionRegistrars: o.actionRegistrars ?? [],
    notifier: { pollMs: 20, silenceCacheMs: 0, tickIntervalMs: 60_000 },
    backoff: { baseMs: 20, maxMs: 200 },
  });
  await surface.start();
  const http = await createHttpServer({
    port: 0,
    host: '127.0.0.1',
    slack: surface.slackHttp!,
    routes: [{ method: 'GET', path: '/healthz', handler: (_req, res) => void res.writeHead(200).end('ok') }],
    logger,
  });
  return {
    slack,
    surface,
    http,
    eventsUrl: `${http.url}/slack/events`,
    logLines: lines,
    close: async () => {
      await surface.stop();
      await http.close();
      await cleanup();
      await slack.close();
    },
  };
}
