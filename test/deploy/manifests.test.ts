import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { loadConfig } from '../../src/config/load-config.js';
import { renderRulesConfigMap, RULES_CONFIGMAP } from './generate-rules-configmap.js';

/**
 * The Kubernetes manifests, checked offline: every object against the Kubernetes (and
 * Prometheus Operator) OpenAPI schemas, plus the references between them that no schema sees.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const k8sDir = join(root, 'deploy/kubernetes');

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  ConfigMap,
  Secret,
  Service,
  ServiceAccount,
  Deployment,
  StatefulSet,
  PodDisruptionBudget,
  NetworkPolicy,
  ServiceMonitor,
  PodMonitor,
};

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

function loadDocs(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJS() as K8sObject;
  });
}

const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const objects = files.flatMap((f) => loadDocs(join(k8sDir, f)).map((o) => ({ file: f, o })));
const byKind = (kind: string) => objects.filter((x) => x.o.kind === kind).map((x) => x.o);

describe('Kubernetes manifests', () => {
  it.each(objects.map((x) => [`${x.file}: ${x.o.kind}/${x.o.metadata.name}`, x.o] as const))('%s is valid against its schema', (_name, obj) => {
    const Model = MODELS[obj.kind];
    expect(Model, `no schema for kind ${obj.kind}`).toBeDefined();
    expect(() => new Model!(obj as never).validate()).not.toThrow();
  });

  it('lists every manifest in the kustomization, and nothing that is not there', () => {
    const k = loadDocs(join(k8sDir, 'kustomization.yaml'))[0] as unknown as { resources: string[] };
    expect(new Set(k.resources)).toEqual(new Set(files.filter((f) => !f.startsWith('secret.'))));
  });

  it('runs two replicas with a disruption budget, probes on the service routes, non-root and read-only', () => {
    const [dep] = byKind('Deployment') as unknown as [{ spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } } }];
    expect(dep.spec.replicas).toBe(2);
    const pdb = byKind('PodDisruptionBudget')[0] as unknown as { spec: { selector: { matchLabels: Record<string, string> } } };
    const svc = byKind('Service').find((s) => s.metadata.name === 'serve-medic') as unknown as { spec: { selector: Record<string, string> } };
    expect(pdb.spec.selector.matchLabels).toEqual(dep.spec.selector.matchLabels);
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    const c = dep.spec.template.spec.containers[0] as { readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } }; securityContext: { readOnlyRootFilesystem: boolean }; resources: { requests: object } };
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.resources.requests).toBeDefined();
    expect((dep.spec.template.spec.securityContext as { runAsNonRoot: boolean }).runAsNonRoot).toBe(true);
  });

  it('references only ConfigMaps and Secrets that exist, and the config in the ConfigMap is valid', async () => {
    const text = JSON.stringify(byKind('Deployment'));
    const configMaps = new Set(byKind('ConfigMap').map((c) => c.metadata.name));
    const secrets = new Set(byKind('Secret').map((c) => c.metadata.name));
    for (const m of text.matchAll(/"configMap":\{"name":"([^"]+)"/g)) expect(configMaps.has(m[1]!), m[1]).toBe(true);
    for (const m of text.matchAll(/"secretRef":\{"name":"([^"]+)"/g)) expect(secrets.has(m[1]!), m[1]).toBe(true);
    const cm = byKind('ConfigMap').find((c) => c.metadata.name === 'serve-medic-config') as unknown as { data: Record<string, string> };
    const secret = byKind('Secret')[0] as unknown as { stringData: Record<string, string> };
    const config = await loadConfig({ path: 'config.yaml', readText: async () => cm.data['config.yaml']!, env: { ...secret.stringData, SLACK_BOT_TOKEN: 'xoxb-1-example' } });
    expect(config.rules.paths).toEqual(['/etc/serve-medic/rules']);
  });

  it('configures Redis for BullMQ durability: AOF everysec and no eviction', () => {
    const args = JSON.stringify(byKind('StatefulSet')[0]);
    expect(args).toContain('"--appendonly","yes"');
    expect(args).toContain('"--appendfsync","everysec"');
    expect(args).toContain('"--maxmemory-policy","noeviction"');
  });

  it('ships exactly the rules of the repository (regenerate with npx tsx test/deploy/generate-rules-configmap.ts)', () => {
    expect(readFileSync(RULES_CONFIGMAP, 'utf8')).toBe(renderRulesConfigMap());
  });

  it('validates the KubeRay PodMonitors too', () => {
    for (const o of loadDocs(join(root, 'deploy/prometheus/kuberay-podmonitor.yaml'))) {
      if (!o) continue;
      expect(() => new MODELS[o.kind]!(o as never).validate()).not.toThrow();
    }
  });
});
