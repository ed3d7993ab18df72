import type { LoadTarget } from '../load-generator.js';

/**
 * The cluster every scenario starts from: the apps of the captures and of
 * reference/ray/serve_config_example.yaml on one 8-CPU head node. A scenario changes one thing.
 */
export interface DeploymentEntry {
  name: string;
  [option: string]: unknown;
}
export interface AppEntry {
  name: string;
  route_prefix: string;
  import_path: string;
  deployments: DeploymentEntry[];
}
export interface ServeConfig {
  proxy_location: string;
  http_options: Record<string, unknown>;
  applications: AppEntry[];
}

export function baseConfig(): ServeConfig {
  return {
    proxy_location: 'HeadOnly',
    http_options: { host: '127.0.0.1', port: 8000 },
    applications: [
      {
        name: 'embeddings',
        route_prefix: '/embed',
        import_path: 'embed_service:app',
        deployments: [
          { name: 'Embedder', max_ongoing_requests: 5, autoscaling_config: { min_replicas: 1, max_replicas: 4, target_ongoing_requests: 2 } },
        ],
      },
      {
        name: 'text_ml',
        route_prefix: '/summarize',
        import_path: 'text_ml:app',
        deployments: [
          { name: 'Summarizer', num_replicas: 2, max_ongoing_requests: 5 },
          { name: 'Translator', num_replicas: 1 },
        ],
      },
      {
        name: 'app_slow',
        route_prefix: '/slow',
        import_path: 'harness_apps:sleeper_app',
        deployments: [{ name: 'Sleeper', num_replicas: 1, max_ongoing_requests: 2 }],
      },
    ],
  };
}

/** The base config with one deployment's entry changed (options merged into the entry). */
export function configWith(app: string, deployment: string, options: Record<string, unknown>, config = baseConfig()): ServeConfig {
  const entry = config.applications.find((a) => a.name === app)?.deployments.find((d) => d.name === deployment);
  if (!entry) throw new Error(`no deployment ${app}/${deployment} in the base config`);
  Object.assign(entry, options);
  return config;
}

export const BASE_LOAD: Readonly<Record<'embed' | 'summarize' | 'slow', LoadTarget>> = {
  embed: { path: '/embed', method: 'POST', rps: 15 },
  summarize: { path: '/summarize', method: 'POST', rps: 3 },
  slow: { path: '/slow', rps: 1 },
};

export function baseLoad(replace: Partial<Record<'embed' | 'summarize' | 'slow', LoadTarget>> = {}): LoadTarget[] {
  return (['embed', 'summarize', 'slow'] as const).map((k) => replace[k] ?? BASE_LOAD[k]);
}

export const EMBEDDER = { application: 'embeddings', deployment: 'Embedder' };
export const SUMMARIZER = { application: 'text_ml', deployment: 'Summarizer' };
export const SLEEPER = { application: 'app_slow', deployment: 'Sleeper' };
export const restDeployment = (app: string, deployment: string, ...rest: string[]): string[] => [
  'applications',
  app,
  'deployments',
  deployment,
  ...rest,
];
