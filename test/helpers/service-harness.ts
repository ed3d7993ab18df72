import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ManualClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/create-logger.js';
import { createService, type Service } from '../../src/service/create-service.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { SimServer } from '../../src/sim/http-server.js';
import { startFakeSlackServer, type FakeSlackServer } from './fake-slack-server.js';
import { openTestRedis, testRedisUrl, uniquePrefix } from './redis.js';

/**
 * The whole service against real components: the simulator (pre-stepped into its incident on a
 * ManualClock, then running in real time), real Redis, the fake Slack Web API, and a rules
 * directory with short `for` durations so an alert fires in seconds.
 */
export const FAST_QUEUE_RULES = `
groups:
  - name: fast-capacity
    interval: 1s
    rules:
      - alert: ServeQueueBuildingUp
        expr: sum by (application, deployment) (ray_serve_deployment_queued_queries{application!=""}) > 10
        for: 2s
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.application }}/{{ $labels.deployment }}: {{ $value | humanize }} requests queued"
        checklist: [latency-queue-building-up]
        diagnose:
          - name: queued requests
            expr: sum by (application, deployment) (ray_serve_deployment_queued_queries{application="{{ $labels.application }}"}) > 10
            confirms: latency-queue-building-up
        remediation:
          action: raise_max_replicas
          ceiling: 8
          max_step: 2
          cooldown: 1m
`;

export interface Harness {
  readonly service: Service;
  readonly slack: FakeSlackServer | undefined;
  readonly sim: Simulator;
  readonly simServer: SimServer;
  readonly prefix: string;
  readonly logs: () => string;
  readonly consoleText: () => string;
  stop(): Promise<void>;
}

export async function startHarness(options: {
  scenario?: string;
  preStepMs?: number;
  rules?: string;
  slack?: boolean;
  env?: Record<string, string>;
} = {}): Promise<Harness> {
  const clock = new ManualClock(Date.now() - (options.preStepMs ?? 6 * 60_000));
  const sim = createSimulator({ clock, seed: 7, scenario: options.scenario ?? 'traffic-spike' });
  sim.step(options.preStepMs ?? 6 * 60_000);
  const simServer = await sim.listen(0);
  sim.start();
  const slack = options.slack === false ? undefined : await startFakeSlackServer();
  const rulesDir = mkdtempSync(join(tmpdir(), 'rules-'));
  copyFileSync(new URL('../../rules/checklist.yaml', import.meta.url), join(rulesDir, 'checklist.yaml'));
  writeFileSync(join(rulesDir, 'fast.yaml'), options.rules ?? FAST_QUEUE_RULES);
  const prefix = uniquePrefix('svc');
  const env: Record<string, string> = {
    PORT: '0',
    SERVE_MEDIC_HOST: '127.0.0.1',
    REDIS_URL: testRedisUrl(),
    SERVE_MEDIC_REDIS_PREFIX: prefix,
    SERVE_MEDIC_CLUSTER_NAME: 'test-cluster',
    RAY_DASHBOARD_URL: simServer.url,
    METRICS_TARGETS: `${simServer.url}/metrics`,
    SERVE_MEDIC_METRICS_SCRAPE_INTERVAL: '1s',
    SERVE_MEDIC_METRICS_SCRAPE_TIMEOUT: '1s',
    SERVE_MEDIC_RULES_PATHS: rulesDir,
    SERVE_MEDIC_RULES_LEASE: '3s',
    ALERTMANAGER_WEBHOOK_TOKEN: 'am-token-for-tests',
    ...(slack
      ? { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret-for-tests', SLACK_CHANNEL: 'C0ALERTS', SLACK_API_URL: slack.apiUrl }
      : {}),
    ...(options.env ?? {}),
  };
  const config = await loadConfig({ env });
  let logText = '';
  let consoleText = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const logger = createLogger({ level: 'info', destination: sink as never });
  const service = await createService({
    config,
    logger,
    consoleOut: { write: (s: string | Uint8Array) => ((consoleText += s.toString()), true) } as never,
    announce: () => undefined,
    notifierTuning: { tickIntervalMs: 200, pollMs: 50 },
    webhookBlockMs: 100,
  });
  return {
    service,
    slack,
    sim,
    simServer,
    prefix,
    logs: () => logText,
    consoleText: () => consoleText,
    async stop() {
      await service.stop('test');
      sim.stop();
      await simServer.close();
      await slack?.close();
      const { cleanup } = await openTestRedis(prefix);
      await cleanup();
    },
  };
}
