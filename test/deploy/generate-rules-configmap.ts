/**
 * Writes deploy/kubernetes/configmap-rules.yaml from rules/*.yaml, so the Kubernetes manifests
 * ship exactly the rules in the repository. Run: npx tsx test/deploy/generate-rules-configmap.ts
 * (test/deploy/manifests.test.ts fails when the file is out of date).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_CONFIGMAP = join(root, 'deploy/kubernetes/configmap-rules.yaml');

export function renderRulesConfigMap(): string {
  const dir = join(root, 'rules');
  const data: Record<string, string> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) data[name] = readFileSync(join(dir, name), 'utf8');
  const doc = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'serve-medic-rules', labels: { 'app.kubernetes.io/name': 'serve-medic' } },
    data,
  };
  return `# Generated from rules/ by test/deploy/generate-rules-configmap.ts; do not edit by hand.\n${stringify(doc, { lineWidth: 0, blockQuote: 'literal' })}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(RULES_CONFIGMAP, renderRulesConfigMap());
  console.log(`wrote ${RULES_CONFIGMAP}`);
}
