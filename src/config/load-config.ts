import { readFile } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { ServeMedicError } from '../errors.js';
import type { Config } from './config-schema.js';
import { configSchema } from './config-schema.js';
import { applyEnvOverrides } from './env-overrides.js';

export interface LoadConfigOptions {
  /** Path from --config; falls back to SERVE_MEDIC_CONFIG; no file is fine. */
  readonly path?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly readText?: (path: string) => Promise<string>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Checks that span several keys; the schema checks each key alone. */
function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  const { slack, remediation, alertmanager } = config;
  if (slack.bot_token && !slack.app_token && !slack.signing_secret) {
    problems.push('slack.signing_secret (SLACK_SIGNING_SECRET) is required with a bot token in HTTP mode: every request to /slack/events is verified');
  }
  if (slack.app_token && !slack.bot_token) {
    problems.push('slack.app_token (SLACK_APP_TOKEN) enables Socket Mode, which also needs slack.bot_token (SLACK_BOT_TOKEN)');
  }
  if (slack.bot_token && !slack.channel && slack.routes.length === 0) {
    problems.push('slack.channel (SLACK_CHANNEL) is required with a bot token: it is where alerts go when no route matches');
  }
  if (alertmanager.webhook_token && alertmanager.basic_auth) {
    problems.push('alertmanager: set webhook_token or basic_auth, not both (Alertmanager sends one or the other)');
  }
  if (remediation.require_two_approvers && remediation.approvers.length === 0) {
    problems.push('remediation.require_two_approvers needs remediation.approvers (SERVE_MEDIC_APPROVERS)');
  }
  if (config.metrics.scrape_timeout > config.metrics.scrape_interval) {
    problems.push('metrics.scrape_timeout must not be longer than metrics.scrape_interval');
  }
  for (const route of slack.routes) {
    for (const [name, re] of Object.entries(route.match_re)) {
      try {
        new RegExp(`^(?:${re})$`);
      } catch {
        problems.push(`slack.routes: match_re.${name} is not a valid regular expression: ${re}`);
      }
    }
  }
  return problems;
}

/**
 * Reads the optional YAML file, applies environment overrides, validates everything once and
 * returns a frozen Config. Every problem is reported together in one CONFIG_INVALID error.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const env = options.env ?? process.env;
  const path = options.path ?? (env.SERVE_MEDIC_CONFIG || undefined);
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};
  if (path) {
    let text: string;
    try {
      text = await (options.readText ?? ((p) => readFile(p, 'utf8')))(path);
    } catch (err) {
      throw new ServeMedicError('CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`);
    }
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      problems.push(`${path}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`);
    }
    if (doc.errors.length === 0 && doc.contents !== null) {
      if (!isMap(doc.contents)) problems.push(`${path}: the config file must be a mapping of keys`);
      else raw = doc.toJS() as Record<string, unknown>;
    }
  }
  const { config: merged, fromEnv } = applyEnvOverrides(raw, env, problems);
  const parsed = configSchema.safeParse(merged);
  if (parsed.success) problems.push(...crossChecks(parsed.data));
  else {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      const envName = fromEnv.get(key) ?? fromEnv.get(issue.path.slice(0, 2).join('.'));
      const where = key === '' ? '(top level)' : envName ? `${key} (from ${envName})` : key;
      problems.push(`${where}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ServeMedicError(
      'CONFIG_INVALID',
      `configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}`,
      { details: { problems } },
    );
  }
  return deepFreeze(parsed.data);
}

/** The values that must never be logged or posted; the logger scrubs them. */
export function secretsOf(config: Config): string[] {
  return [
    config.slack.bot_token,
    config.slack.signing_secret,
    config.slack.app_token,
    config.ray.dashboard_token,
    config.alertmanager.webhook_token,
    config.alertmanager.basic_auth?.password,
    config.redis_url ? passwordInUrl(config.redis_url) : undefined,
  ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

function passwordInUrl(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}
