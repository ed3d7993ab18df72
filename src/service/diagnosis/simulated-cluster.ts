import { ManualClock } from '../../core/clock.js';
import { parseExposition } from '../../core/exposition/parse-exposition.js';
import type { ExpositionSample } from '../../core/exposition/types.js';
import type { Labels } from '../../core/labels.js';
import { labelsKey } from '../../core/labels.js';
import { LocalQueryEngine } from '../../core/query/local-query-engine.js';
import type { ServeInstanceDetails } from '../../core/serve/serve-types.js';
import { SampleStore } from '../../core/store/sample-store.js';
import type { Simulator } from '../../sim/simulator.js';
import { createSimulator } from '../../sim/simulator.js';

/**
 * The built-in Ray Serve simulator wired as a cluster serve-medic can diagnose, in-process and
 * on a ManualClock: each scrape renders the simulator's /metrics text, parses it as a scrape
 * would, and appends it to a sample store (with Prometheus's staleness markers for series
 * that went away); the REST API is the simulator's own handler. Used by
 * `serve-medic diagnose --scenario` and by the acceptance tests.
 */
export interface SimulatedCluster {
  readonly sim: Simulator;
  readonly clock: ManualClock;
  readonly store: SampleStore;
  readonly queryEngine: LocalQueryEngine;
  readonly serveApi: { getApplications(): Promise<ServeInstanceDetails> };
  /** Scrapes the simulator's /metrics into the store at the clock's time. */
  scrape(): void;
  /** The samples of the last scrape, as parsed (labels include __name__). */
  lastScrape(): readonly ExpositionSample[];
  /** Steps the simulator by `ms`, scraping every `scrapeEveryMs`, and calls `each` after every scrape. */
  advance(ms: number, scrapeEveryMs: number, each?: (timeMs: number) => boolean | void): void;
}

/** The target labels the scraper would add (Prometheus's job and instance). */
const TARGET_LABELS: Labels = { job: 'ray', instance: 'simulator:8080' };

export function createSimulatedCluster(options: { scenario?: string; seed?: number | string; startMs?: number } = {}): SimulatedCluster {
  const clock = new ManualClock(options.startMs ?? Date.UTC(2026, 0, 1));
  const sim = createSimulator({ clock, seed: options.seed ?? 1, ...(options.scenario ? { scenario: options.scenario } : {}) });
  const store = new SampleStore();
  const queryEngine = new LocalQueryEngine(store);
  let previous = new Map<string, Labels>();
  let last: readonly ExpositionSample[] = [];

  const scrape = (): void => {
    const t = clock.now();
    const parsed = parseExposition(sim.metrics('text'), 'text');
    last = parsed.samples;
    const seen = new Map<string, Labels>();
    for (const sample of parsed.samples) {
      const labels: Labels = { ...sample.labels, ...TARGET_LABELS };
      store.append(labels, sample.timestampMs ?? t, sample.value);
      seen.set(labelsKey(labels), labels);
    }
    for (const [key, labels] of previous) if (!seen.has(key)) store.markStale(labels, t);
    previous = seen;
  };

  return {
    sim,
    clock,
    store,
    queryEngine,
    serveApi: {
      getApplications: async () => {
        const res = sim.handle('GET', '/api/serve/applications/');
        if (res.status !== 200) throw new Error(`simulator GET /api/serve/applications/ answered ${res.status}`);
        return JSON.parse(res.body) as ServeInstanceDetails;
      },
    },
    scrape,
    lastScrape: () => last,
    advance(ms, scrapeEveryMs, each) {
      const end = clock.now() + ms;
      while (clock.now() < end) {
        sim.step(Math.min(scrapeEveryMs, end - clock.now()));
        scrape();
        if (each?.(clock.now()) === true) return;
      }
    },
  };
}
