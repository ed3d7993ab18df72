import type { Dispatcher } from 'undici';
import type { Clock } from '../../core/clock.js';
import { ExpositionError, formatFromContentType, parseExposition } from '../../core/exposition/parse-exposition.js';
import type { Labels } from '../../core/labels.js';
import { labelsKey, METRIC_NAME } from '../../core/labels.js';
import { describeError } from '../../errors.js';
import { fetchExposition } from './fetch-exposition.js';
import type { ScrapeTarget } from './target-discovery.js';

/** Where scraped samples go: the in-memory sample store. */
export interface ScrapeSink {
  append(labels: Labels, timestampMs: number, value: number): void;
  /** Writes Prometheus's staleness marker: the series ends here. */
  markStale(labels: Labels, timestampMs: number): void;
}

export interface ScrapeOutcome {
  readonly target: ScrapeTarget;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly samples: number;
  readonly error?: string;
}

export interface ScrapeManagerOptions {
  readonly sink: ScrapeSink;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly bodyLimitBytes: number;
  readonly maxConcurrent: number;
  readonly dispatcher?: Dispatcher;
  readonly onOutcome?: (outcome: ScrapeOutcome) => void;
  /** Called on the first failure of a streak (and when its reason changes) and on recovery. */
  readonly log?: (level: 'warn' | 'info', message: string, fields: Record<string, unknown>) => void;
}

interface TargetState {
  target: ScrapeTarget;
  /** Series written by the last successful scrape, for staleness markers. */
  series: Map<string, Labels>;
  lastError: string;
}

/**
 * Merges target labels into a sample's labels like Prometheus with honor_labels: false: the
 * target's labels win and a clashing exposed label is kept as exported_<name>. Empty values
 * are dropped: to Prometheus an empty label is an absent one.
 */
function mergeLabels(exposed: Labels, target: Labels): Labels {
  const out: Record<string, string> = {};
  for (const name in exposed) {
    const v = exposed[name]!;
    if (v === '') continue;
    if (name in target && name !== METRIC_NAME) out[`exported_${name}`] = v;
    else out[name] = v;
  }
  for (const name in target) if (target[name] !== '') out[name] = target[name]!;
  return out;
}

/** Runs scrapes of every target with a bound on concurrency and keeps Prometheus's staleness. */
export class ScrapeManager {
  private readonly states = new Map<string, TargetState>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ScrapeManagerOptions) {}

  /** Replaces the target list; series of removed targets end with a staleness marker. */
  setTargets(targets: readonly ScrapeTarget[]): void {
    const wanted = new Map(targets.map((t) => [t.url, t]));
    const now = this.options.clock.now();
    for (const [url, state] of this.states) {
      if (!wanted.has(url)) {
        this.markAllStale(state, now, true);
        this.states.delete(url);
      }
    }
    for (const [url, target] of wanted) {
      const existing = this.states.get(url);
      if (existing) existing.target = target;
      else this.states.set(url, { target, series: new Map(), lastError: '' });
    }
  }

  targets(): ScrapeTarget[] {
    return [...this.states.values()].map((s) => s.target);
  }

  /** One round: every target once, at most maxConcurrent at a time. */
  async scrapeAll(): Promise<ScrapeOutcome[]> {
    const queue = [...this.states.values()];
    const outcomes: ScrapeOutcome[] = [];
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) outcomes.push(await this.scrapeOne(s));
    };
    await Promise.all(Array.from({ length: Math.min(this.options.maxConcurrent, queue.length) }, worker));
    return outcomes;
  }

  /** Scrapes every interval (first round at once unless `immediate` is false). */
  start(intervalMs: number, options: { immediate?: boolean } = {}): void {
    const tick = () => {
      if (this.running) return; // a slow round is never overlapped by the next
      this.running = this.scrapeAll()
        .then(() => undefined)
        .finally(() => (this.running = undefined));
    };
    if (options.immediate ?? true) tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async scrapeOne(state: TargetState): Promise<ScrapeOutcome> {
    const { sink, clock } = this.options;
    const target = state.target;
    const started = clock.now();
    const t0 = performance.now();
    let outcome: ScrapeOutcome;
    try {
      const fetched = await fetchExposition(target.url, this.options);
      const parsed = parseExposition(fetched.body, formatFromContentType(fetched.contentType));
      const seen = new Map<string, Labels>();
      for (const sample of parsed.samples) {
        const labels = mergeLabels(sample.labels, target.labels);
        sink.append(labels, sample.timestampMs ?? started, sample.value);
        seen.set(labelsKey(labels), labels);
      }
      for (const [key, labels] of state.series) if (!seen.has(key)) sink.markStale(labels, started);
      state.series = seen;
      outcome = { target, ok: true, durationMs: performance.now() - t0, samples: parsed.samples.length };
      if (state.lastError) this.options.log?.('info', 'scrape recovered', { target: target.url });
      state.lastError = '';
    } catch (err) {
      // A failed scrape (including an exposition with one bad line: rejected whole, as
      // Prometheus does) ends every series the target had.
      this.markAllStale(state, started, false);
      const error =
        err instanceof ExpositionError ? `${err.code}: ${err.line}:${err.column}: ${err.message}` : describeError(err);
      outcome = { target, ok: false, durationMs: performance.now() - t0, samples: 0, error };
      if (error !== state.lastError) this.options.log?.('warn', 'scrape failed', { target: target.url, error });
      state.lastError = error;
    }
    this.appendSynthetic(target.labels, started, outcome);
    this.options.onOutcome?.(outcome);
    return outcome;
  }

  private appendSynthetic(target: Labels, t: number, outcome: ScrapeOutcome): void {
    const s = this.options.sink;
    s.append({ ...target, [METRIC_NAME]: 'up' }, t, outcome.ok ? 1 : 0);
    s.append({ ...target, [METRIC_NAME]: 'scrape_duration_seconds' }, t, outcome.durationMs / 1000);
    s.append({ ...target, [METRIC_NAME]: 'scrape_samples_scraped' }, t, outcome.samples);
  }

  private markAllStale(state: TargetState, t: number, includeSynthetic: boolean): void {
    for (const labels of state.series.values()) this.options.sink.markStale(labels, t);
    state.series = new Map();
    if (includeSynthetic) {
      for (const name of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped']) {
        this.options.sink.markStale({ ...state.target.labels, [METRIC_NAME]: name }, t);
      }
    }
  }
}
