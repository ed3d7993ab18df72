import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PrometheusQueryEngine } from '../../adapters/prometheus-api/prometheus-query-engine.js';
import { loadRules } from '../../adapters/rules/load-rules.js';
import type { LoadedRules } from '../../adapters/rules/load-rules.js';
import { ScrapeManager } from '../../adapters/scraper/scrape-manager.js';
import { targetFromUrl } from '../../adapters/scraper/target-discovery.js';
import { ServeApiClient } from '../../adapters/serve-api/serve-api-client.js';
import type { Config } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import { systemClock } from '../../core/clock.js';
import { deploymentNames } from '../../core/diagnosis/deployment-view.js';
import { formatDiagnosisText } from '../../core/diagnosis/format-diagnosis-text.js';
import { formatDuration, humanizeDuration, parseDuration } from '../../core/duration.js';
import type { Alert } from '../../core/model/alert.js';
import type { Diagnosis } from '../../core/model/diagnosis.js';
import { LocalQueryEngine } from '../../core/query/local-query-engine.js';
import type { QueryEngine } from '../../core/query/types.js';
import type { ServeInstanceDetails } from '../../core/serve/serve-types.js';
import { SampleStore } from '../../core/store/sample-store.js';
import { ServeMedicError } from '../../errors.js';
import { getScenario } from '../../sim/scenarios/index.js';
import { runAlertLoop } from '../../service/diagnosis/run-alert-loop.js';
import type { DiagnoseRequest } from '../../service/diagnosis/run-diagnosis.js';
import { createDiagnose } from '../../service/diagnosis/run-diagnosis.js';
import { createSimulatedCluster } from '../../service/diagnosis/simulated-cluster.js';
import type { CliIo, Command } from '../cli-io.js';
import { EXIT_FAILED, EXIT_OK, writeLine } from '../cli-io.js';

/**
 * `serve-medic diagnose APP[/DEPLOYMENT]`: runs the checklist once and prints the diagnosis.
 *
 * Against a live cluster (RAY_DASHBOARD_URL, with PROMETHEUS_URL or METRICS_TARGETS for the
 * metrics), or, when no cluster is configured or `--scenario` is given, against the built-in
 * simulator: it starts the scenario in-process on a simulated clock, scrapes and evaluates the
 * rules every evaluation interval until an alert about the target fires (at most the
 * scenario's onset plus 15 minutes), and diagnoses that alert.
 * Exit 0 with a diagnosis, 1 when the application or deployment does not exist, 2 on usage errors.
 */
const USAGE =
  'usage: serve-medic diagnose APP[/DEPLOYMENT] [--json] [--config FILE] [--scenario NAME] [--seed S] [--collect DURATION]';

interface DiagnoseArgs {
  readonly application: string;
  readonly deployment?: string;
  readonly json: boolean;
  readonly configPath?: string;
  readonly scenario?: string;
  readonly seed: string;
  /** How long to scrape METRICS_TARGETS before diagnosing (rate() needs history). */
  readonly collectMs: number;
}

function usage(message: string): never {
  throw new ServeMedicError('USAGE', `${message}\n${USAGE}`);
}

function parseDiagnoseArgs(args: readonly string[]): DiagnoseArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        config: { type: 'string' },
        scenario: { type: 'string' },
        seed: { type: 'string', default: '1' },
        collect: { type: 'string', default: '1m' },
      },
    });
  } catch (err) {
    usage((err as Error).message);
  }
  const [target, ...extra] = parsed.positionals;
  if (!target || extra.length > 0) usage(target ? `one target only, got "${parsed.positionals.join(' ')}"` : 'which application? (APP or APP/DEPLOYMENT)');
  const m = /^([^/]+)(?:\/([^/]+))?$/.exec(target);
  if (!m) usage(`"${target}" is not APP or APP/DEPLOYMENT`);
  const collectMs = parseDuration(parsed.values.collect as string);
  if (collectMs === null) usage(`--collect "${parsed.values.collect as string}" is not a duration like 30s or 2m`);
  return {
    application: m[1]!,
    ...(m[2] ? { deployment: m[2] } : {}),
    json: parsed.values.json as boolean,
    ...(parsed.values.config !== undefined ? { configPath: parsed.values.config as string } : {}),
    ...(parsed.values.scenario !== undefined ? { scenario: parsed.values.scenario as string } : {}),
    seed: parsed.values.seed as string,
    collectMs,
  };
}

/** The configured rules, or the rules shipped with serve-medic when the default `rules/` is not here. */
async function loadRuleSet(config: Config, cwd: string): Promise<LoadedRules> {
  const options = { cwd, defaultIntervalMs: config.rules.evaluation_interval };
  let loaded = await loadRules(config.rules.paths, options);
  const missing = loaded.errors.length > 0 && loaded.errors.every((e) => e.endsWith('no such file or directory'));
  if (missing && config.rules.paths.length === 1 && config.rules.paths[0] === 'rules') {
    loaded = await loadRules([new URL('../../../rules/', import.meta.url).pathname], options);
  }
  if (loaded.errors.length > 0 || !loaded.checklist) {
    throw new ServeMedicError('RULES_INVALID', `the rules do not load:\n  ${loaded.errors.join('\n  ') || 'no checklist.yaml next to the rules'}`);
  }
  return loaded;
}

/** Exit-1 check: the target must exist (a DEPLOY_FAILED app still names its deployments in its config). */
function missingTarget(details: ServeInstanceDetails, args: DiagnoseArgs): string | undefined {
  const apps = details.applications ?? {};
  const app = apps[args.application];
  if (!app) {
    const names = Object.keys(apps).sort();
    return `application "${args.application}" does not exist; applications: ${names.join(', ') || 'none'}`;
  }
  if (args.deployment) {
    const names = deploymentNames(app);
    if (!names.includes(args.deployment)) {
      return `deployment "${args.deployment}" does not exist in ${args.application}; deployments: ${names.join(', ') || 'none'}`;
    }
  }
  return undefined;
}

function concerns(alert: Alert, args: DiagnoseArgs): boolean {
  return alert.labels.application === args.application && (args.deployment === undefined || alert.labels.deployment === undefined || alert.labels.deployment === args.deployment);
}

function print(io: CliIo, diagnosis: Diagnosis, json: boolean): void {
  io.stdout.write(json ? `${JSON.stringify(diagnosis, null, 2)}\n` : formatDiagnosisText(diagnosis));
}

async function diagnoseSimulator(io: CliIo, args: DiagnoseArgs, config: Config, rules: LoadedRules): Promise<number> {
  const name = args.scenario ?? 'healthy-baseline';
  let scenario;
  try {
    scenario = getScenario(name);
  } catch (err) {
    usage((err as Error).message);
  }
  if (!args.scenario) writeLine(io.stderr, `no cluster configured (RAY_DASHBOARD_URL): diagnosing the built-in simulator, scenario ${name} (--scenario NAME for another).`);
  const cluster = createSimulatedCluster({ scenario: name, seed: args.seed });
  const details = await cluster.serveApi.getApplications();
  const missing = missingTarget(details, args);
  if (missing) {
    writeLine(io.stderr, `serve-medic diagnose: ${missing}`);
    return EXIT_FAILED;
  }
  const intervalMs = config.rules.evaluation_interval;
  const started = cluster.clock.now();
  const loop = await runAlertLoop(cluster, rules.groups, {
    durationMs: scenario.onsetMs + 15 * 60_000,
    intervalMs,
    stopWhen: (a) => concerns(a, args),
  });
  const elapsed = humanizeDuration(cluster.clock.now() - started);
  writeLine(
    io.stderr,
    loop.stoppedBy
      ? `simulated ${elapsed} of scenario ${name}: ${loop.stoppedBy.name} fired (${scenario.description})`
      : `simulated ${elapsed} of scenario ${name}: no alert about ${args.application} fired; diagnosing anyway`,
  );
  const diagnose = createDiagnose({
    queryEngine: cluster.queryEngine,
    serveApi: cluster.serveApi,
    groups: rules.groups,
    checklist: rules.checklist!,
    guardrails: { ...config.remediation, ...(config.ray.kuberay ? { kuberay: true } : {}) },
    cluster: `simulator (${name})`,
    clock: cluster.clock,
  });
  const alert = loop.stoppedBy;
  const request: DiagnoseRequest = {
    application: args.application,
    ...((args.deployment ?? alert?.labels.deployment) ? { deployment: (args.deployment ?? alert?.labels.deployment)! } : {}),
    ...(alert ? { alert: { name: alert.name, value: alert.value, labels: alert.labels } } : {}),
  };
  print(io, await diagnose(request), args.json);
  return EXIT_OK;
}

async function metricsEngine(io: CliIo, config: Config, collectMs: number): Promise<QueryEngine> {
  if (config.metrics.prometheus_url) {
    return new PrometheusQueryEngine({ baseUrl: config.metrics.prometheus_url, timeoutMs: config.metrics.scrape_timeout });
  }
  const store = new SampleStore({ retentionMs: config.metrics.retention });
  const engine = new LocalQueryEngine(store);
  if (config.metrics.targets.length === 0) {
    writeLine(io.stderr, 'no metrics source (PROMETHEUS_URL or METRICS_TARGETS): diagnosing from the Serve config and status only.');
    return engine;
  }
  const manager = new ScrapeManager({
    sink: store,
    clock: systemClock,
    timeoutMs: config.metrics.scrape_timeout,
    bodyLimitBytes: config.metrics.body_limit,
    maxConcurrent: config.metrics.max_concurrent_scrapes,
  });
  manager.setTargets(config.metrics.targets.map((url) => targetFromUrl(url, config.metrics.job)));
  const rounds = Math.max(1, Math.floor(collectMs / config.metrics.scrape_interval) + 1);
  writeLine(io.stderr, `scraping ${config.metrics.targets.length} target(s) ${rounds} time(s) over ${formatDuration(collectMs)} (rates need history; PROMETHEUS_URL skips this)…`);
  for (let i = 0; i < rounds; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, config.metrics.scrape_interval));
    const outcomes = await manager.scrapeAll();
    for (const o of outcomes) if (!o.ok) writeLine(io.stderr, `scrape of ${o.target.url} failed: ${o.error ?? ''}`);
  }
  return engine;
}

async function diagnoseCluster(io: CliIo, args: DiagnoseArgs, config: Config, rules: LoadedRules): Promise<number> {
  const client = new ServeApiClient({
    baseUrl: config.ray.dashboard_url!,
    ...(config.ray.dashboard_token ? { token: config.ray.dashboard_token } : {}),
    timeoutMs: config.ray.request_timeout,
  });
  const details = await client.getApplications();
  const missing = missingTarget(details, args);
  if (missing) {
    writeLine(io.stderr, `serve-medic diagnose: ${missing}`);
    return EXIT_FAILED;
  }
  const queryEngine = await metricsEngine(io, config, args.collectMs);
  const diagnose = createDiagnose({
    queryEngine,
    serveApi: client,
    groups: rules.groups,
    checklist: rules.checklist!,
    guardrails: { ...config.remediation, ...(config.ray.kuberay ? { kuberay: true } : {}) },
    cluster: config.cluster_name,
    clock: systemClock,
    onQueryError: (expr, error) => writeLine(io.stderr, `query failed: ${error} (${expr.replace(/\s+/g, ' ').slice(0, 120)}…)`),
  });
  print(io, await diagnose({ application: args.application, ...(args.deployment ? { deployment: args.deployment } : {}) }), args.json);
  return EXIT_OK;
}

export const diagnoseCommand: Command = async (args, io) => {
  const parsed = parseDiagnoseArgs(args);
  const config = await loadConfig({ ...(parsed.configPath ? { path: resolve(io.cwd, parsed.configPath) } : {}), env: io.env });
  const rules = await loadRuleSet(config, io.cwd);
  if (parsed.scenario !== undefined || !config.ray.dashboard_url) return diagnoseSimulator(io, parsed, config, rules);
  return diagnoseCluster(io, parsed, config, rules);
};

export default diagnoseCommand;
