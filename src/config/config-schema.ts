import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

/**
 * The configuration schema. The YAML file uses snake_case keys; every key is strict (an unknown
 * key is an error, so a typo never silently falls back to a default). Durations are written
 * like Prometheus's ("15s", "30m") and become milliseconds here.
 */
const duration = (fallback: string) =>
  z
    .union([z.string(), z.number()])
    .default(fallback)
    .transform((v, ctx) => {
      const ms = typeof v === 'number' ? v * 1000 : parseDuration(v);
      if (ms === null || !(ms >= 0)) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 15s, 5m or 1h` });
        return z.NEVER;
      }
      return ms;
    });

const byteSize = (fallback: number) =>
  z
    .union([z.number().int().positive(), z.string()])
    .default(fallback)
    .transform((v, ctx) => {
      if (typeof v === 'number') return v;
      const m = /^(\d+)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/.exec(v.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a size like 10MiB` });
        return z.NEVER;
      }
      const mult: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, KB: 1e3, MB: 1e6, GB: 1e9 };
      return Number(m[1]) * (mult[m[2] ?? 'B'] ?? 1);
    });

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const redisUrl = z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL');
const slackChannel = z.string().regex(/^[CGD][A-Z0-9]{2,}$|^#[a-z0-9_-]+$/, 'must be a channel id (C…) or #name');
/** Slack user ids (U…/W…) and user-group ids (S…). */
const approverId = z.string().regex(/^[UWS][A-Z0-9]{2,}$/, 'must be a Slack user id (U…, W…) or user-group id (S…)');
const labelMap = z.record(z.string(), z.string());

const slackRoute = z.strictObject({
  /** Every label here must equal the alert's label ("severity" included). */
  match: labelMap.default({}),
  /** Regex matches, fully anchored. */
  match_re: labelMap.default({}),
  channel: slackChannel,
});

const deploymentGuardrail = z.strictObject({
  max_replicas_ceiling: z.number().int().positive().optional(),
  min_replicas_ceiling: z.number().int().nonnegative().optional(),
  num_replicas_ceiling: z.number().int().positive().optional(),
  max_ongoing_requests_ceiling: z.number().int().positive().optional(),
  /** Set to false to forbid any automated change to this deployment. */
  enabled: z.boolean().default(true),
});

export const configSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(3000),
  /** Address the HTTP port binds to; 0.0.0.0 so a pod is reachable, 127.0.0.1 to keep it local. */
  host: z.string().min(1).default('0.0.0.0'),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Empty: use 127.0.0.1:6379 if it answers, else start a private redis-server (not durable). */
  redis_url: redisUrl.optional(),
  /** Key prefix for everything serve-medic stores in Redis; two deployments can share a Redis. */
  redis_prefix: z.string().min(1).default('serve-medic'),
  /** Shown in messages and used as the `cluster` of an incident. */
  cluster_name: z.string().min(1).default('ray'),
  ray: z
    .strictObject({
      /** Serve REST API on the Ray dashboard (port 8265). Empty: the built-in simulator. */
      dashboard_url: httpUrl.optional(),
      dashboard_token: z.string().min(1).optional(),
      request_timeout: duration('10s'),
      /** Set when the cluster is run by a KubeRay RayService: REST changes get reverted by the operator. */
      kuberay: z
        .strictObject({
          namespace: z.string().min(1),
          rayservice: z.string().min(1),
        })
        .optional(),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      targets: z.array(httpUrl).default([]),
      /** Ray writes its nodes' metrics ports here (Prometheus file_sd format). */
      service_discovery_file: z.string().min(1).optional(),
      scrape_interval: duration('15s'),
      scrape_timeout: duration('10s'),
      retention: duration('1h'),
      body_limit: byteSize(50 * 1024 * 1024),
      max_concurrent_scrapes: z.number().int().positive().default(8),
      /** When set, queries go to Prometheus's HTTP API instead of the built-in store. */
      prometheus_url: httpUrl.optional(),
      job: z.string().min(1).default('ray'),
    })
    .prefault({}),
  rules: z
    .strictObject({
      paths: z.array(z.string().min(1)).default(['rules']),
      /**
       * Evaluate the rules here. Turn off when Prometheus evaluates the exported rules and sends
       * the alerts through Alertmanager: the rules still drive diagnosis, charts and fixes.
       */
      evaluate: z.boolean().default(true),
      evaluation_interval: duration('15s'),
      /** Lease on the evaluation slot when several instances share Redis. */
      lease: duration('15s'),
    })
    .prefault({}),
  slack: z
    .strictObject({
      bot_token: z.string().regex(/^xoxb-/, 'must be a bot token (xoxb-…)').optional(),
      signing_secret: z.string().min(8).optional(),
      app_token: z.string().regex(/^xapp-/, 'must be an app-level token (xapp-…)').optional(),
      api_url: httpUrl.optional(),
      channel: slackChannel.optional(),
      routes: z.array(slackRoute).default([]),
      repeat_interval: duration('4h'),
      messages_per_second_per_channel: z.number().positive().max(10).default(1),
    })
    .prefault({}),
  alertmanager: z
    .strictObject({
      webhook_token: z.string().min(8).optional(),
      basic_auth: z.strictObject({ username: z.string().min(1), password: z.string().min(8) }).optional(),
      max_body: byteSize(1024 * 1024),
    })
    .prefault({}),
  /** The built-in Ray Serve simulator that `run` watches when no cluster is configured. */
  simulator: z
    .strictObject({
      scenario: z.string().min(1).default('traffic-spike'),
      seed: z.union([z.number().int(), z.string().min(1)]).default(1),
      port: z.number().int().min(0).max(65535).default(0),
    })
    .prefault({}),
  remediation: z
    .strictObject({
      approvers: z.array(approverId).default([]),
      require_two_approvers: z.boolean().default(false),
      dry_run: z.boolean().default(false),
      proposal_ttl: duration('30m'),
      verification_window: duration('5m'),
      cooldown: duration('15m'),
      max_per_hour: z.number().int().nonnegative().default(4),
      /** Largest factor one change may apply (x2: 3 -> 6 at most). */
      max_step_factor: z.number().min(1).default(2),
      /** Per "application/deployment" ceilings and switches. */
      deployments: z.record(z.string().regex(/^[^/]+\/[^/]+$/, 'keys are "application/deployment"'), deploymentGuardrail).default({}),
      default_max_replicas_ceiling: z.number().int().positive().default(20),
      default_max_ongoing_requests_ceiling: z.number().int().positive().default(64),
    })
    .prefault({}),
});

export type RawConfig = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
