import type { JsonObject } from './deploy-schema.js';

/**
 * The "application code" the simulator can import: for each import path, the deployments
 * its builder returns, their @serve.deployment options, and how they behave under load.
 * A config names code by import_path exactly as on Ray; an unknown path fails the build
 * (DEPLOY_FAILED with ModuleNotFoundError), as a missing module would.
 */
export interface DeploymentBehaviour {
  /** Median time in user code per request (ms), lognormal with `serviceSigma`. */
  readonly serviceMs: number;
  readonly serviceSigma: number;
  /** A share of requests that take `tailMultiplier` × longer (GC pauses, long inputs). */
  readonly tailProbability: number;
  readonly tailMultiplier: number;
  /** Cores a running request keeps busy; CPU-bound handlers slow down when the node is saturated. */
  readonly cpuPerRequest: number;
  readonly idleCpu: number;
  readonly baseRssMb: number;
  readonly rssPerRequestMb: number;
  /** Memory kept after each request (a leak), until the replica restarts. */
  readonly leakMbPerRequest: number;
  /** Actor scheduling and process start (ms) and the user __init__ (ms; model load). */
  readonly scheduleMs: number;
  readonly initMs: number;
  /** Share of requests whose user code raises. */
  readonly errorRate: number;
  /** A deployment of the same app this one calls once per request through a handle. */
  readonly calls?: string;
}

export interface CodeDeployment {
  readonly name: string;
  /** @serve.deployment(...) options; config-file overrides go on top. */
  readonly options: JsonObject;
  readonly behaviour: DeploymentBehaviour;
}

export interface CodeApp {
  readonly deployments: readonly CodeDeployment[];
  readonly ingress: string;
}

export type CodeCatalog = Readonly<Record<string, CodeApp>>;

export const DEFAULT_BEHAVIOUR: DeploymentBehaviour = {
  serviceMs: 5,
  serviceSigma: 0.3,
  tailProbability: 0,
  tailMultiplier: 1,
  cpuPerRequest: 0.05,
  idleCpu: 0.005,
  baseRssMb: 140,
  rssPerRequestMb: 0.5,
  leakMbPerRequest: 0,
  scheduleMs: 1300,
  initMs: 3,
  errorRate: 0,
};

const behaviour = (b: Partial<DeploymentBehaviour>): DeploymentBehaviour => ({ ...DEFAULT_BEHAVIOUR, ...b });

export const DEFAULT_CATALOG: CodeCatalog = {
  // The two apps of the real captures (reference/ray/captured/serve_config.yaml).
  'harness_apps:echo_app': {
    ingress: 'Echo',
    deployments: [{ name: 'Echo', options: {}, behaviour: behaviour({ serviceMs: 3, cpuPerRequest: 0.02 }) }],
  },
  'harness_apps:sleeper_app': {
    ingress: 'Sleeper',
    deployments: [
      // `await asyncio.sleep(0.5)`: concurrent requests do not slow each other down.
      { name: 'Sleeper', options: {}, behaviour: behaviour({ serviceMs: 505, serviceSigma: 0.005, cpuPerRequest: 0.001 }) },
    ],
  },
  // The apps of reference/ray/serve_config_example.yaml.
  'embed_service:app': {
    ingress: 'Embedder',
    deployments: [
      {
        name: 'Embedder',
        options: { max_ongoing_requests: 8 },
        behaviour: behaviour({ serviceMs: 80, serviceSigma: 0.25, cpuPerRequest: 0.45, baseRssMb: 1400, rssPerRequestMb: 6, initMs: 4000 }),
      },
    ],
  },
  'text_ml:app': {
    ingress: 'Summarizer',
    deployments: [
      {
        name: 'Summarizer',
        options: {},
        behaviour: behaviour({ serviceMs: 120, serviceSigma: 0.3, cpuPerRequest: 0.6, baseRssMb: 2100, rssPerRequestMb: 12, initMs: 6000, calls: 'Translator' }),
      },
      {
        name: 'Translator',
        options: {},
        behaviour: behaviour({ serviceMs: 60, serviceSigma: 0.3, cpuPerRequest: 0.5, baseRssMb: 1500, rssPerRequestMb: 8, initMs: 3000 }),
      },
    ],
  },
};

export function withBehaviour(b: Partial<DeploymentBehaviour>): DeploymentBehaviour {
  return behaviour(b);
}
