import { createHash } from 'node:crypto';
import type { ServeInstanceDetails } from '../serve/serve-types.js';

/** JSON with object keys sorted, so equal configs always serialize the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/**
 * What must not change between a proposal and its PUT. Ray has no ETag or version, so this is
 * the compare in compare-and-set: every app's submitted config and deploy time, and the
 * top-level fields a rebuilt body carries.
 */
export function configFingerprint(details: ServeInstanceDetails): string {
  const apps: Record<string, unknown> = {};
  for (const [name, app] of Object.entries(details.applications ?? {})) {
    apps[name] = { config: app.deployed_app_config ?? null, deployed: app.last_deployed_time_s ?? null, source: app.source ?? null };
  }
  const state = {
    apps,
    proxy_location: details.proxy_location ?? null,
    target_capacity: details.target_capacity ?? null,
  };
  return createHash('sha256').update(canonicalJson(state)).digest('hex').slice(0, 16);
}
