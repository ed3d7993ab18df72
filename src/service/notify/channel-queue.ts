import type { SlackRetryDecision } from '../../adapters/slack/classify-slack-error.js';
import { backoffDelay } from '../../adapters/slack/classify-slack-error.js';
import type { Logger } from '../../log/create-logger.js';

/**
 * Per-channel FIFO with a pacer (Slack allows about one message per second per channel): items
 * run one at a time in the order they were queued, each call starts at least 1/rate seconds
 * after the previous one in its channel *finished*, and nothing is dropped. Pacing from the
 * finish rather than the start costs one round trip per message but guarantees the spacing as
 * Slack sees it: a call delayed on its way out can never be followed closely by the next one.
 *
 * - 429: the same call is repeated after Slack's Retry-After (not counted as a failure);
 * - 5xx / network / Slack-side internal errors: repeated with capped exponential backoff, for as
 *   long as it takes (a Slack outage delays messages, it does not lose them);
 * - anything else (channel_not_found, invalid_auth): the item fails, the next one goes.
 *
 * Why in memory and not in Redis/BullMQ: what is durable is already in Redis — the thread claim,
 * the parent ts and the last notification — and after a restart the lifecycle re-emits what
 * still fires, so dedup re-derives what must be sent (a claim whose owner died is taken over
 * when its lease ends). A durable queue would replay messages rendered from stale state and
 * make per-thread ordering a cross-process problem. What an in-memory queue can lose on a crash
 * is a reply still waiting to be sent (a reminder, a diagnosis), never a parent or a resolution.
 */
export interface ChannelQueueOptions {
  readonly messagesPerSecond: number;
  readonly classify: (err: unknown, label: string) => SlackRetryDecision;
  readonly logger: Logger;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Give up on transient failures after this many attempts (default: never). */
  readonly maxAttempts?: number;
  /** Monotonic milliseconds, for pacing. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** For the service's own metrics: every call's result, every wait, the depth. */
  readonly observe?: QueueObserver;
}

export interface QueueObserver {
  call(label: string, result: 'ok' | 'failed' | 'rate_limited' | 'retried'): void;
  wait(reason: 'throttle' | 'retry_after'): void;
  depth(items: number): void;
}

export interface QueueOp<T> {
  readonly label: string;
  readonly run: () => Promise<T>;
  /** Checked before each attempt; false abandons the item (e.g. the thread claim was lost). */
  readonly stillWanted?: () => Promise<boolean>;
}

interface Item {
  readonly op: QueueOp<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

interface Lane {
  readonly items: Item[];
  running: boolean;
  nextStartMs: number;
}

export class QueueClosedError extends Error {
  constructor() {
    super('the Slack send queue was closed');
    this.name = 'QueueClosedError';
  }
}

export class ItemAbandonedError extends Error {
  constructor(label: string) {
    super(`${label}: no longer wanted`);
    this.name = 'ItemAbandonedError';
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new QueueClosedError());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new QueueClosedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class ChannelQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly abort = new AbortController();
  private outstanding = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: ChannelQueueOptions) {
    if (!(options.messagesPerSecond > 0)) throw new RangeError('messagesPerSecond must be > 0');
    this.intervalMs = 1000 / options.messagesPerSecond;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? abortableSleep;
  }

  enqueue<T>(channel: string, op: QueueOp<T>): Promise<T> {
    if (this.abort.signal.aborted) return Promise.reject(new QueueClosedError());
    let lane = this.lanes.get(channel);
    if (!lane) {
      lane = { items: [], running: false, nextStartMs: 0 };
      this.lanes.set(channel, lane);
    }
    this.outstanding++;
    this.options.observe?.depth(this.outstanding);
    const promise = new Promise<T>((resolve, reject) => {
      lane.items.push({ op: op as QueueOp<unknown>, resolve: resolve as (v: unknown) => void, reject });
    });
    if (!lane.running) void this.drain(channel, lane);
    return promise;
  }

  /** Items queued or running, for one channel or all. */
  size(channel?: string): number {
    if (channel !== undefined) {
      const lane = this.lanes.get(channel);
      return lane ? lane.items.length + (lane.running ? 1 : 0) : 0;
    }
    return this.outstanding;
  }

  /** Resolves when every queued item has been sent or has failed. */
  idle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops: waiting items fail with QueueClosedError. */
  close(): void {
    this.abort.abort();
    for (const lane of this.lanes.values()) {
      for (const item of lane.items.splice(0)) this.settle(item, new QueueClosedError(), false);
    }
  }

  private async drain(channel: string, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      for (let item = lane.items.shift(); item; item = lane.items.shift()) {
        try {
          this.settle(item, await this.runWithRetries(channel, lane, item.op), true);
        } catch (err) {
          this.settle(item, err, false);
        }
      }
    } finally {
      lane.running = false;
    }
  }

  private settle(item: Item, value: unknown, ok: boolean): void {
    if (ok) item.resolve(value);
    else item.reject(value);
    this.outstanding--;
    this.options.observe?.depth(this.outstanding);
    if (this.outstanding === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async runWithRetries(channel: string, lane: Lane, op: QueueOp<unknown>): Promise<unknown> {
    const log = this.options.logger;
    for (let failures = 0; ; ) {
      if (op.stillWanted && !(await op.stillWanted())) throw new ItemAbandonedError(op.label);
      await this.pace(lane);
      try {
        const result = await op.run();
        this.spaceAfterCall(lane);
        this.options.observe?.call(op.label, 'ok');
        return result;
      } catch (err) {
        this.spaceAfterCall(lane);
        const decision = this.options.classify(err, op.label);
        this.options.observe?.call(op.label, decision.kind === 'permanent' ? 'failed' : decision.kind === 'rate_limited' ? 'rate_limited' : 'retried');
        if (decision.kind === 'permanent') throw decision.error;
        if (decision.kind === 'rate_limited') {
          this.options.observe?.wait('retry_after');
          log.warn({ channel, call: op.label, retryAfterMs: decision.delayMs }, 'Slack rate-limited the call; repeating it after Retry-After');
          // Nothing else may start in this channel before Slack's delay is over.
          lane.nextStartMs = Math.max(lane.nextStartMs, this.now() + decision.delayMs);
          continue;
        }
        failures++;
        if (this.options.maxAttempts !== undefined && failures >= this.options.maxAttempts) throw decision.error;
        const delay = backoffDelay(failures - 1, this.options.backoffBaseMs ?? 1000, this.options.backoffMaxMs ?? 60_000);
        log.warn({ channel, call: op.label, attempt: failures, retryInMs: delay, err: decision.error.message }, 'Slack call failed; retrying');
        lane.nextStartMs = Math.max(lane.nextStartMs, this.now() + delay);
      }
    }
  }

  /** After a call finished: the next may start one interval from now at the earliest. */
  private spaceAfterCall(lane: Lane): void {
    lane.nextStartMs = Math.max(lane.nextStartMs, this.now() + this.intervalMs);
  }

  /** Waits for this channel's next slot, then books the one after it. */
  private async pace(lane: Lane): Promise<void> {
    // Timers may fire a little early against a monotonic clock: wait until the slot has truly come.
    let waited = false;
    for (let wait = lane.nextStartMs - this.now(); wait > 0; wait = lane.nextStartMs - this.now()) {
      if (!waited) this.options.observe?.wait('throttle');
      waited = true;
      await this.sleep(Math.ceil(wait), this.abort.signal);
    }
    lane.nextStartMs = Math.max(this.now(), lane.nextStartMs) + this.intervalMs;
  }
}
