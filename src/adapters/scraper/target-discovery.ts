import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import type { Labels } from '../../core/labels.js';

/** One thing to scrape: its URL and the labels every one of its series gets. */
export interface ScrapeTarget {
  readonly url: string;
  /** Includes `instance` and `job`, plus any labels from the discovery file. */
  readonly labels: Labels;
}

/** Prometheus file_sd format, which Ray writes to prom_metrics_service_discovery.json. */
const fileSdSchema = z.array(
  z.strictObject({
    targets: z.array(z.string().min(1)),
    labels: z.record(z.string(), z.string()).optional(),
  }),
);

export function targetFromUrl(url: string, job: string, extra: Labels = {}): ScrapeTarget {
  const u = new URL(url);
  return { url: u.toString(), labels: { job, ...extra, instance: u.host } };
}

/** Parses a file_sd document into targets; a bad document throws with the reason. */
export function parseFileSd(text: string, job: string): ScrapeTarget[] {
  const doc = fileSdSchema.parse(JSON.parse(text));
  const targets: ScrapeTarget[] = [];
  for (const group of doc) {
    for (const hostPort of group.targets) {
      const labels = { ...(group.labels ?? {}) };
      // Prometheus: a `__metrics_path__`/`__scheme__` label would pick the path; Ray never sets them.
      const scheme = labels.__scheme__ ?? 'http';
      const path = labels.__metrics_path__ ?? '/metrics';
      for (const k of Object.keys(labels)) if (k.startsWith('__')) delete labels[k];
      targets.push(targetFromUrl(`${scheme}://${hostPort}${path}`, labels.job ?? job, labels));
    }
  }
  return targets;
}

export interface DiscoveryOptions {
  readonly staticTargets: readonly string[];
  readonly discoveryFile?: string;
  readonly job: string;
  /** Called whenever the set of targets changes (and once at start). */
  readonly onChange: (targets: readonly ScrapeTarget[]) => void;
  readonly onError: (message: string) => void;
  /** Poll interval for the file's mtime; fs.watch alone misses replaced files on some filesystems. */
  readonly pollMs?: number;
}

/**
 * Targets from configuration plus Ray's service-discovery file, re-read when the file changes.
 * A file that is missing or invalid keeps the last good target list and reports why once.
 */
export class TargetDiscovery {
  private fileTargets: ScrapeTarget[] = [];
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastMtime = -1;
  private lastError = '';
  private lastKey = '';

  constructor(private readonly options: DiscoveryOptions) {}

  async start(): Promise<void> {
    await this.reload();
    this.emit();
    const file = this.options.discoveryFile;
    if (!file) return;
    try {
      this.watcher = watch(file, { persistent: false }, () => void this.reload().then(() => this.emit()));
    } catch {
      // The file may not exist yet (Ray writes it when it starts); polling covers that.
    }
    this.timer = setInterval(() => void this.reload().then(() => this.emit()), this.options.pollMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
  }

  current(): ScrapeTarget[] {
    const byUrl = new Map<string, ScrapeTarget>();
    for (const url of this.options.staticTargets) byUrl.set(url, targetFromUrl(url, this.options.job));
    for (const t of this.fileTargets) if (!byUrl.has(t.url)) byUrl.set(t.url, t);
    return [...byUrl.values()];
  }

  private emit(): void {
    const targets = this.current();
    const key = JSON.stringify(targets);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.options.onChange(targets);
  }

  private async reload(): Promise<void> {
    const file = this.options.discoveryFile;
    if (!file) return;
    try {
      const st = await stat(file);
      if (st.mtimeMs === this.lastMtime) return;
      const text = await readFile(file, 'utf8');
      this.fileTargets = parseFileSd(text, this.options.job);
      this.lastMtime = st.mtimeMs;
      this.lastError = '';
    } catch (err) {
      const message = `service discovery file ${file}: ${err instanceof z.ZodError ? 'not in file_sd format' : (err as Error).message}; keeping ${this.fileTargets.length} known target(s)`;
      if (message !== this.lastError) this.options.onError(message);
      this.lastError = message;
    }
  }
}
