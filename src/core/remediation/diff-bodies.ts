import type { ServeDeployBody } from '../serve/serve-types.js';
import { canonicalJson } from './config-fingerprint.js';
import type { FieldDiff } from './plan-change.js';

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lists of objects with a unique `name` (applications, deployments) are compared by name, not position. */
function byName(list: readonly Json[]): Map<string, Json> | undefined {
  const out = new Map<string, Json>();
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== 'string' || out.has(item.name)) return undefined;
    out.set(item.name, item);
  }
  return out;
}

function walk(path: string, a: Json, b: Json, out: FieldDiff[]): void {
  if (canonicalJson(a) === canonicalJson(b)) return;
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walk(path ? `${path}.${key}` : key, a[key], b[key], out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const ma = byName(a);
    const mb = byName(b);
    if (ma && mb) {
      for (const name of [...new Set([...ma.keys(), ...mb.keys()])]) walk(`${path}[${name}]`, ma.get(name), mb.get(name), out);
      return;
    }
  }
  out.push({ path, from: a, to: b });
}

/**
 * Every field that differs between two PUT bodies, with readable paths
 * ("applications[embeddings].deployments[Embedder].autoscaling_config.max_replicas"). Apps and
 * deployments are matched by name. This is what dry-run posts and what the tests use to prove
 * that a change touched exactly one field and no other application.
 */
export function diffBodies(before: ServeDeployBody, after: ServeDeployBody): FieldDiff[] {
  const out: FieldDiff[] = [];
  walk('', before, after, out);
  return out;
}
