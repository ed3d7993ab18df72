import type { Redis } from 'ioredis';

/**
 * A durable queue of accepted webhook payloads: a Redis stream with a consumer group, so a
 * payload is acknowledged to Alertmanager (200) only once Redis holds it, any instance can
 * process it, and one that dies mid-processing leaves it pending for another to claim.
 */
export interface QueuedWebhook {
  readonly id: string;
  readonly body: string;
  readonly receivedAtMs: number;
  readonly deliveries: number;
}

export interface WebhookQueueOptions {
  readonly redis: Redis;
  readonly key: string;
  readonly group?: string;
  /** Bound on the stream's length; the oldest processed entries go first. */
  readonly maxLen?: number;
}

export class WebhookQueue {
  private readonly group: string;
  private stopped = false;
  private blocking: Redis | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: WebhookQueueOptions) {
    this.group = options.group ?? 'processors';
  }

  async enqueue(body: string, receivedAtMs: number): Promise<string> {
    const id = await this.options.redis.xadd(
      this.options.key,
      'MAXLEN',
      '~',
      String(this.options.maxLen ?? 10_000),
      '*',
      'body',
      body,
      'received',
      String(receivedAtMs),
    );
    return id ?? '';
  }

  private async ensureGroup(redis: Redis): Promise<void> {
    try {
      await redis.xgroup('CREATE', this.options.key, this.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /**
   * Processes entries until stop(): new ones, and ones another consumer left pending for longer
   * than claimIdleMs. An entry is acknowledged only after the handler resolves.
   */
  start(
    consumer: string,
    handler: (entry: QueuedWebhook) => Promise<void>,
    opts: { blockMs?: number; claimIdleMs?: number; onError?: (err: unknown, entry?: QueuedWebhook) => void } = {},
  ): void {
    const redis = this.options.redis.duplicate();
    this.blocking = redis;
    const blockMs = opts.blockMs ?? 2000;
    const claimIdleMs = opts.claimIdleMs ?? 30_000;
    const handle = async (id: string, fields: string[], deliveries: number) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      const entry: QueuedWebhook = { id, body: f.body ?? '', receivedAtMs: Number(f.received ?? 0), deliveries };
      try {
        await handler(entry);
        await redis.xack(this.options.key, this.group, id);
      } catch (err) {
        opts.onError?.(err, entry);
      }
    };
    this.loop = (async () => {
      await this.ensureGroup(redis);
      let lastClaim = 0;
      while (!this.stopped) {
        try {
          if (Date.now() - lastClaim >= Math.min(claimIdleMs, 5000)) {
            lastClaim = Date.now();
            const claimed = (await redis.xautoclaim(this.options.key, this.group, consumer, claimIdleMs, '0-0', 'COUNT', 50)) as [
              string,
              [string, string[]][],
            ];
            for (const [id, fields] of claimed[1] ?? []) if (fields) await handle(id, fields, 2);
          }
          const res = (await redis.xreadgroup('GROUP', this.group, consumer, 'COUNT', 50, 'BLOCK', blockMs, 'STREAMS', this.options.key, '>')) as
            | [string, [string, string[]][]][]
            | null;
          for (const [, entries] of res ?? []) for (const [id, fields] of entries) await handle(id, fields, 1);
        } catch (err) {
          if (this.stopped) break;
          opts.onError?.(err);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.blocking?.disconnect();
    await this.loop?.catch(() => undefined);
  }

  /** Entries delivered but not yet acknowledged (for /metrics and tests). */
  async pending(): Promise<number> {
    try {
      const summary = (await this.options.redis.xpending(this.options.key, this.group)) as [number, ...unknown[]];
      return Number(summary[0] ?? 0);
    } catch {
      return 0;
    }
  }
}
