import type { z } from 'zod';
import { configSchema } from './config-schema.js';

/**
 * Every configuration key can be set from the environment. The names the design fixes
 * (PORT, REDIS_URL, SLACK_BOT_TOKEN, …) map to their keys; every other key is
 * SERVE_MEDIC_<PATH> with the path's parts upper-cased and joined by "_", e.g.
 * SERVE_MEDIC_METRICS_SCRAPE_INTERVAL=30s or SERVE_MEDIC_REMEDIATION_DRY_RUN=true.
 * Lists are comma-separated; maps and lists of objects are JSON.
 */
export const FIXED_ENV_NAMES: Readonly<Record<string, string>> = {
  PORT: 'port',
  LOG_LEVEL: 'log_level',
  REDIS_URL: 'redis_url',
  SLACK_BOT_TOKEN: 'slack.bot_token',
  SLACK_SIGNING_SECRET: 'slack.signing_secret',
  SLACK_APP_TOKEN: 'slack.app_token',
  SLACK_API_URL: 'slack.api_url',
  SLACK_CHANNEL: 'slack.channel',
  RAY_DASHBOARD_URL: 'ray.dashboard_url',
  RAY_DASHBOARD_TOKEN: 'ray.dashboard_token',
  METRICS_TARGETS: 'metrics.targets',
  PROMETHEUS_URL: 'metrics.prometheus_url',
  ALERTMANAGER_WEBHOOK_TOKEN: 'alertmanager.webhook_token',
  SERVE_MEDIC_APPROVERS: 'remediation.approvers',
};

export type LeafKind = 'string' | 'number' | 'boolean' | 'list' | 'json';

export interface ConfigKey {
  readonly path: string;
  readonly env: string;
  readonly kind: LeafKind;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  element?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { def: Def }).def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if ((def.type === 'default' || def.type === 'prefault' || def.type === 'optional') && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

function kindOf(schema: z.ZodType): LeafKind {
  const def = defOf(schema);
  switch (def.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return def.element && defOf(unwrap(def.element)).type === 'object' ? 'json' : 'list';
    case 'record':
    case 'object':
      return 'json';
    case 'union':
      // duration and size accept a string or a number; the string form covers both
      return 'string';
    default:
      return 'string';
  }
}

/** Every leaf key of the schema with its environment name. Nested objects stop at records. */
export function listConfigKeys(): ConfigKey[] {
  const fixedByPath = new Map(Object.entries(FIXED_ENV_NAMES).map(([env, path]) => [path, env]));
  const keys: ConfigKey[] = [];
  const walk = (schema: z.ZodType, prefix: string[]) => {
    const inner = unwrap(schema);
    const def = defOf(inner);
    if (def.type === 'object' && def.shape && prefix.length < 2) {
      for (const [name, child] of Object.entries(def.shape)) {
        const childDef = defOf(unwrap(child));
        if (childDef.type === 'object' && prefix.length === 0) walk(child, [name]);
        else {
          const path = [...prefix, name].join('.');
          keys.push({
            path,
            env: fixedByPath.get(path) ?? `SERVE_MEDIC_${[...prefix, name].join('_').toUpperCase()}`,
            kind: kindOf(unwrap(child)),
          });
        }
      }
    }
  };
  walk(configSchema, []);
  return keys;
}

const INVALID = Symbol('invalid');

/** Turns the variable's text into the key's type; INVALID (after recording why) when it cannot. */
function coerce(raw: string, kind: LeafKind, env: string, problems: string[]): unknown {
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() !== '' && Number.isFinite(n)) return n;
      problems.push(`${env}: "${raw}" is not a number`);
      return INVALID;
    }
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(raw)) return true;
      if (/^(false|0|no|off)$/i.test(raw)) return false;
      problems.push(`${env}: "${raw}" is not true or false`);
      return INVALID;
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'json':
      try {
        return JSON.parse(raw) as unknown;
      } catch (err) {
        problems.push(`${env}: not valid JSON (${(err as Error).message})`);
        return INVALID;
      }
    default:
      return raw;
  }
}

/**
 * Applies environment overrides onto the raw (file) config, in place on a copy. Empty
 * variables are ignored, as most deploy tools set unset values to "".
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problems: string[],
): { config: Record<string, unknown>; fromEnv: Map<string, string> } {
  const out = structuredClone(raw);
  const fromEnv = new Map<string, string>();
  for (const key of listConfigKeys()) {
    const value = env[key.env];
    if (value === undefined || value === '') continue;
    const coerced = coerce(value, key.kind, key.env, problems);
    if (coerced === INVALID) continue;
    const parts = key.path.split('.');
    let node: Record<string, unknown> = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = coerced;
    fromEnv.set(key.path, key.env);
  }
  return { config: out, fromEnv };
}
