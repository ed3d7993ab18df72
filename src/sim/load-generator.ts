import type { HttpProxy } from './proxy.js';
import type { SimContext } from './sim-context.js';

/** Open-loop client traffic to one route: Poisson arrivals at `rps`, which may vary with time. */
export interface LoadTarget {
  readonly path: string;
  readonly method?: string;
  /** Requests per second, or a function of the milliseconds since the load started. */
  readonly rps: number | ((elapsedMs: number) => number);
  /** Sent as x-request-timeout-seconds (the proxy answers 408 past it). */
  readonly timeoutS?: number;
}

const IDLE_POLL_MS = 1000;

export class LoadGenerator {
  private readonly targets = new Map<string, { target: LoadTarget; generation: number }>();
  private generation = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly proxy: () => HttpProxy | undefined,
    private readonly startedAt: number,
  ) {}

  /** Sets (or replaces) the load on a path; rps 0 stops it. */
  set(target: LoadTarget): void {
    const generation = ++this.generation;
    this.targets.set(target.path, { target, generation });
    this.scheduleNext(target.path, generation, this.ctx.now());
  }

  current(): readonly LoadTarget[] {
    return [...this.targets.values()].map((t) => t.target);
  }

  private rate(target: LoadTarget, at: number): number {
    return typeof target.rps === 'function' ? target.rps(at - this.startedAt) : target.rps;
  }

  private scheduleNext(path: string, generation: number, from: number): void {
    const entry = this.targets.get(path);
    if (!entry || entry.generation !== generation) return;
    const rate = this.rate(entry.target, from);
    if (!(rate > 0)) {
      this.ctx.queue.schedule(from + IDLE_POLL_MS, () => this.scheduleNext(path, generation, from + IDLE_POLL_MS));
      return;
    }
    const at = from + this.ctx.random.exponential(rate / 1000);
    this.ctx.queue.schedule(at, () => {
      const current = this.targets.get(path);
      if (!current || current.generation !== generation) return;
      // Thinning keeps the arrivals Poisson when the rate changed since this one was drawn.
      if (this.ctx.random.next() * rate <= this.rate(current.target, at)) {
        this.proxy()?.receive(path, current.target.method ?? 'GET', current.target.timeoutS);
      }
      this.scheduleNext(path, generation, at);
    });
  }
}
