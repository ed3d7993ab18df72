import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig, secretsOf } from '../../src/config/load-config.js';
import { listConfigKeys } from '../../src/config/env-overrides.js';
import { isServeMedicError } from '../../src/errors.js';
import { createLogger } from '../../src/log/create-logger.js';

function problemsOf(err: unknown): string[] {
  if (!isServeMedicError(err, 'CONFIG_INVALID')) throw err;
  return err.details.problems as string[];
}

describe('loadConfig', () => {
  it('runs on embedded defaults when nothing is configured', async () => {
    const config = await loadConfig({ env: {} });
    expect(config.port).toBe(3000);
    expect(config.metrics.scrape_interval).toBe(15_000);
    expect(config.metrics.retention).toBe(3_600_000);
    expect(config.ray.dashboard_url).toBeUndefined();
    expect(config.slack.bot_token).toBeUndefined();
    expect(Object.isFrozen(config.metrics)).toBe(true);
  });

  it('reads the fixed environment names of the design', async () => {
    const config = await loadConfig({
      env: {
        PORT: '8081',
        REDIS_URL: 'redis://127.0.0.1:6380',
        SLACK_BOT_TOKEN: 'xoxb-123-abc',
        SLACK_SIGNING_SECRET: 'sekrit-signing',
        SLACK_CHANNEL: 'C0123456789',
        SLACK_API_URL: 'http://127.0.0.1:9999/api/',
        RAY_DASHBOARD_URL: 'http://127.0.0.1:8265',
        RAY_DASHBOARD_TOKEN: 'ray-token',
        METRICS_TARGETS: 'http://10.0.0.1:8080/metrics, http://10.0.0.2:8080/metrics',
        PROMETHEUS_URL: 'http://127.0.0.1:9090',
        ALERTMANAGER_WEBHOOK_TOKEN: 'am-token-123',
        SERVE_MEDIC_APPROVERS: 'U012ABC,S0PLATFORM',
        LOG_LEVEL: 'debug',
      },
    });
    expect(config.port).toBe(8081);
    expect(config.metrics.targets).toEqual(['http://10.0.0.1:8080/metrics', 'http://10.0.0.2:8080/metrics']);
    expect(config.remediation.approvers).toEqual(['U012ABC', 'S0PLATFORM']);
    expect(config.slack.api_url).toBe('http://127.0.0.1:9999/api/');
    expect(config.log_level).toBe('debug');
  });

  it('lets the environment override every key of the file, with SERVE_MEDIC_ names for the rest', async () => {
    const file = 'metrics:\n  scrape_interval: 30s\nremediation:\n  dry_run: false\n';
    const config = await loadConfig({
      path: 'serve-medic.yaml',
      readText: async () => file,
      env: { SERVE_MEDIC_METRICS_SCRAPE_INTERVAL: '20s', SERVE_MEDIC_REMEDIATION_DRY_RUN: 'true' },
    });
    expect(config.metrics.scrape_interval).toBe(20_000);
    expect(config.remediation.dry_run).toBe(true);
    const envNames = listConfigKeys().map((k) => k.env);
    expect(new Set(envNames).size).toBe(envNames.length);
  });

  it('reports every problem together, naming the variable a bad value came from', async () => {
    const file = 'metrics:\n  scrape_interval: soon\n  scrape_intervall: 15s\nslack:\n  bot_token: not-a-token\n';
    const err = await loadConfig({ path: 'c.yaml', readText: async () => file, env: { PORT: 'eighty' } }).catch((e) => e);
    const problems = problemsOf(err);
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT: "eighty" is not a number',
        'metrics.scrape_interval: "soon" is not a duration like 15s, 5m or 1h',
        'metrics: Unrecognized key: "scrape_intervall"',
        'slack.bot_token: must be a bot token (xoxb-…)',
      ]),
    );
    expect((err as Error).message).toContain('4 problems');
  });

  it('gives YAML syntax errors with file, line and column', async () => {
    const err = await loadConfig({ path: 'bad.yaml', readText: async () => 'port: 1\n  x: [\n', env: {} }).catch((e) => e);
    expect(problemsOf(err)[0]).toMatch(/^bad\.yaml:\d+:\d+: /);
  });

  it('checks combinations: a bot token needs a signing secret and a channel', async () => {
    const err = await loadConfig({ env: { SLACK_BOT_TOKEN: 'xoxb-1-2' } }).catch((e) => e);
    const problems = problemsOf(err);
    expect(problems.some((p) => p.includes('SLACK_SIGNING_SECRET'))).toBe(true);
    expect(problems.some((p) => p.includes('SLACK_CHANNEL'))).toBe(true);
  });

  it('rejects malformed approver ids', async () => {
    const err = await loadConfig({ env: { SERVE_MEDIC_APPROVERS: 'alice' } }).catch((e) => e);
    expect(problemsOf(err)).toEqual(['remediation.approvers.0 (from SERVE_MEDIC_APPROVERS): must be a Slack user id (U…, W…) or user-group id (S…)']);
  });
});

describe('logger', () => {
  it('never writes a secret, whether it travels by a known path or inside a message', async () => {
    const config = await loadConfig({
      env: { SLACK_BOT_TOKEN: 'xoxb-999-secret', SLACK_SIGNING_SECRET: 'signing-secret-1', SLACK_CHANNEL: 'C0123' },
    });
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const log = createLogger({ secrets: secretsOf(config), destination: sink as never });
    log.info({ config }, 'loaded');
    log.error({ err: new Error('auth failed for token xoxb-999-secret') }, 'calling with signing-secret-1');
    log.info({ headers: { authorization: 'Bearer abc' } }, 'request');
    await new Promise((r) => setTimeout(r, 10));
    expect(out).not.toContain('xoxb-999-secret');
    expect(out).not.toContain('signing-secret-1');
    expect(out).not.toContain('Bearer abc');
    expect(out).toContain('[REDACTED]');
  });
});
