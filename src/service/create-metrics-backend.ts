import { ScrapeManager } from '../adapters/scraper/scrape-manager.js';
import { TargetDiscovery } from '../adapters/scraper/target-discovery.js';
import { PrometheusQueryEngine } from '../adapters/prometheus-api/prometheus-query-engine.js';
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../core/clock.js';
import { LocalQueryEngine } from '../core/query/local-query-engine.js';
import type { QueryEngine } from '../core/query/types.js';
import { SampleStore } from '../core/store/sample-store.js';
import type { Logger } from '../log/create-logger.js';
import type { OwnMetrics } from './own-metrics.js';

/**
 * Where metrics come from: Prometheus's HTTP API when PROMETHEUS_URL is set, otherwise our own
 * scraper into the in-memory store, with targets from METRICS_TARGETS and Ray's discovery file.
 */
export interface MetricsBackend {
  readonly kind: 'prometheus' | 'scrape';
  readonly queryEngine: QueryEngine;
  readonly store?: SampleStore;
  /** True once the first scrape round finished (or always, for Prometheus). */
  ready(): boolean;
  describe(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface MetricsBackendOptions {
  readonly metrics: Config['metrics'];
  /** Extra scrape targets (the built-in simulator's /metrics). */
  readonly extraTargets?: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly own: OwnMetrics;
}

export function createMetricsBackend(options: MetricsBackendOptions): MetricsBackend {
  const { metrics, logger, own } = options;
  if (metrics.prometheus_url) {
    const engine = new PrometheusQueryEngine({ baseUrl: metrics.prometheus_url, timeoutMs: metrics.scrape_timeout });
    return {
      kind: 'prometheus',
      queryEngine: engine,
      ready: () => true,
      describe: () => `queries go to Prometheus at ${metrics.prometheus_url}`,
      start: async () => {},
      stop: async () => {},
    };
  }

  const log = logger.child({ component: 'scraper' });
  const store = new SampleStore({ retentionMs: metrics.retention });
  let firstRound = false;
  const scraper = new ScrapeManager({
    sink: store,
    clock: options.clock,
    timeoutMs: metrics.scrape_timeout,
    bodyLimitBytes: metrics.body_limit,
    maxConcurrent: metrics.max_concurrent_scrapes,
    log: (level, message, fields) => log[level](fields, message),
    onOutcome: (o) => {
      own.scrapes.inc({ target: o.target.url, result: o.ok ? 'ok' : 'failed' });
      own.scrapeDuration.observe({ target: o.target.url }, o.durationMs / 1000);
      own.storeSeries.set(store.stats().series);
    },
  });
  const discovery = new TargetDiscovery({
    staticTargets: [...metrics.targets, ...(options.extraTargets ?? [])],
    ...(metrics.service_discovery_file ? { discoveryFile: metrics.service_discovery_file } : {}),
    job: metrics.job,
    onChange: (targets) => {
      scraper.setTargets(targets);
      log.info({ targets: targets.map((t) => t.url) }, 'scrape targets changed');
    },
    onError: (message) => log.warn({}, message),
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    kind: 'scrape',
    queryEngine: new LocalQueryEngine(store),
    store,
    ready: () => firstRound,
    describe: () => `scraping ${scraper.targets().length} target(s) every ${metrics.scrape_interval / 1000}s`,
    async start() {
      await discovery.start();
      await scraper.scrapeAll();
      firstRound = true;
      // Garbage-collect aged-out series between scrapes, so replica churn cannot grow memory.
      timer = setInterval(() => store.gc(options.clock.now()), Math.max(10_000, metrics.scrape_interval * 4));
      timer.unref();
      scraper.start(metrics.scrape_interval, { immediate: false });
    },
    async stop() {
      if (timer) clearInterval(timer);
      discovery.stop();
      await scraper.stop();
    },
  };
}
