import { stringify } from 'yaml';
import type { ServeDeployBody } from '../serve/serve-types.js';
import type { KubeRayPatch } from './proposal.js';

/**
 * The lasting form of a change on a cluster run by a KubeRay RayService: the operator
 * re-submits `spec.serveConfigV2` and overwrites REST changes, so the fix is a patch of the
 * resource. `serveConfigV2` is one YAML string, so a merge patch replaces it whole: the patch
 * carries the complete Serve config with the one field changed (built from what the cluster
 * runs now; the reader compares it with their manifest before applying).
 */
export function renderKubeRayPatch(body: ServeDeployBody, target: { readonly namespace: string; readonly rayservice: string }): KubeRayPatch {
  // Only what a serveConfigV2 normally holds; http/grpc options apply at Serve start only and
  // GET returns all their defaults, which would bury the applications.
  const serveConfig: Record<string, unknown> = {};
  if (body.proxy_location !== undefined && body.proxy_location !== null) serveConfig.proxy_location = body.proxy_location;
  if (body.logging_config) serveConfig.logging_config = body.logging_config;
  serveConfig.applications = body.applications;
  const serveConfigV2 = stringify(serveConfig, { lineWidth: 0 });
  const patchYaml = stringify({ spec: { serveConfigV2 } }, { lineWidth: 0, blockQuote: 'literal' });
  const command = `kubectl patch rayservice ${target.rayservice} -n ${target.namespace} --type merge --patch-file serve-medic-patch.yaml`;
  return { namespace: target.namespace, rayservice: target.rayservice, patchYaml, command };
}
