import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { SilenceStore } from '../../adapters/redis/silence-store.js';
import type { ThreadRecord, ThreadStore } from '../../adapters/redis/thread-store.js';
import type { Clock } from '../../core/clock.js';
import type { Alert, AlertEvent } from '../../core/model/alert.js';
import { createDedupStage } from '../../core/notify/dedup-stage.js';
import type { DiagnoseFn, Notification, NotifyStage } from '../../core/notify/notification.js';
import { runStages } from '../../core/notify/notification.js';
import type { SlackRoute } from '../../core/notify/route-stage.js';
import { createRouteStage } from '../../core/notify/route-stage.js';
import { createSilenceStage } from '../../core/notify/silence-stage.js';
import type { Silence } from '../../core/silence/silence.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import { ServeMedicError, describeError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';
import type { AlertChartSource } from './alert-chart-source.js';
import type { FileUpload, MessageSink, PostedMessage } from './message-sink.js';
import { createSendStage } from './send-stage.js';

export interface NotifierOptions {
  readonly sink: MessageSink;
  readonly threads: ThreadStore;
  readonly silences: Pick<SilenceStore, 'listActive'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** config.cluster_name. */
  readonly cluster: string;
  /** SLACK_CHANNEL: where alerts go when no route matches (without it, such alerts are logged). */
  readonly defaultChannel?: string;
  readonly routes?: readonly SlackRoute[];
  /** slack.repeat_interval. */
  readonly repeatIntervalMs: number;
  readonly diagnose?: DiagnoseFn;
  readonly chart?: AlertChartSource;
  /** The thread key of an alert; default its fingerprint (issue #7 keys Alertmanager groups). */
  readonly threadKeyOf?: (alert: Alert) => string;
  readonly instanceId?: string;
  /** How long a parent claim holds without a ts before another instance may take over. */
  readonly leaseMs?: number;
  /** How often reminders and ended silences are checked. */
  readonly tickIntervalMs?: number;
  /** Polling interval while waiting for another instance's parent ts. */
  readonly pollMs?: number;
  readonly diagnoseTimeoutMs?: number;
  /** How long silences read from Redis are reused between ticks. */
  readonly silenceCacheMs?: number;
}

/**
 * The Slack side of the service as the rest of it sees it. The alert lifecycle calls onEvents;
 * remediation (issue #6) and the Alertmanager webhook (issue #7) use the thread API.
 */
export interface Notifier {
  /** Hands alert events to the pipeline (silence → dedup → route → send). Resolves once queued. */
  onEvents(events: readonly AlertEvent[]): Promise<void>;
  /** Re-runs the pipeline for every alert still firing: reminders and alerts whose silence ended. */
  tick(): Promise<void>;
  /** A reply in the thread of `threadKey`, after its parent. Resolves when posted. */
  postInThread(threadKey: string, message: SlackMessage, options?: { broadcast?: boolean }): Promise<PostedMessage>;
  /** Edits a message of the thread in place (e.g. a proposal after a click). */
  updateInThread(threadKey: string, ts: string, message: SlackMessage): Promise<void>;
  uploadToThread(threadKey: string, file: Omit<FileUpload, 'channel' | 'threadTs'>): Promise<void>;
  getThread(threadKey: string): Promise<ThreadRecord | null>;
  threadKeyOf(alert: Alert): string;
  /** Resolves when every event handed in so far has been fully sent (or has failed). */
  idle(): Promise<void>;
  /** Reloads the alerts still firing (kept in Redis), then starts the periodic tick and lease renewal. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { clock, logger, threads, sink } = options;
  const log = logger.child({ component: 'notifier' });
  const threadKeyOf = options.threadKeyOf ?? ((a: Alert) => a.fingerprint);
  const leaseMs = options.leaseMs ?? 60_000;
  const instanceId = options.instanceId ?? defaultInstanceId();
  const pendingClaims = new Set<string>();
  /** Latest firing event per thread key: what tick() re-checks. */
  const active = new Map<string, AlertEvent>();
  /** Per-thread serial chains: a thread's notifications are handled one after another. */
  const chains = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<unknown>>();
  const tickQueued = new Set<string>();
  let silenceCache: { at: number; value: Promise<readonly Silence[]> } | undefined;
  const silenceCacheMs = options.silenceCacheMs ?? 1000;

  const track = (p: Promise<unknown>, what: string, threadKey: string) => {
    const t = p.catch((err: unknown) => log.error({ threadKey, what, err: describeError(err) }, 'could not send to Slack'));
    inflight.add(t);
    void t.finally(() => inflight.delete(t));
  };

  const activeSilences = (nowMs: number): Promise<readonly Silence[]> => {
    const at = performance.now();
    if (!silenceCache || at - silenceCache.at > silenceCacheMs) {
      const value = options.silences.listActive(nowMs);
      silenceCache = { at, value };
      value.catch(() => (silenceCache = undefined));
    }
    return silenceCache.value;
  };

  const stages: NotifyStage[] = [
    createSilenceStage({
      activeSilences,
      onMuted: (threadKey, s) => log.debug({ threadKey, silence: s.id }, 'muted by a silence'),
    }),
    createDedupStage({ lookup: (k) => threads.get(k), repeatIntervalMs: options.repeatIntervalMs, now: () => clock.now() }),
    createRouteStage({
      routes: options.routes ?? [],
      ...(options.defaultChannel ? { defaultChannel: options.defaultChannel } : {}),
      onUnrouted: (threadKey) => log.error({ threadKey }, 'no slack.routes entry matches this alert and SLACK_CHANNEL is not set: not posted'),
    }),
    createSendStage({
      sink,
      threads,
      clock,
      logger: log,
      cluster: options.cluster,
      instanceId,
      leaseMs,
      pollMs: options.pollMs ?? 250,
      ...(options.diagnose ? { diagnose: options.diagnose } : {}),
      diagnoseTimeoutMs: options.diagnoseTimeoutMs ?? 60_000,
      ...(options.chart ? { chart: options.chart } : {}),
      pendingClaims,
      track,
    }),
  ];

  const serial = (threadKey: string, work: () => Promise<void>): Promise<void> => {
    const prev = chains.get(threadKey) ?? Promise.resolve();
    const next = prev.then(work).catch((err: unknown) => log.error({ threadKey, err: describeError(err) }, 'notification failed'));
    chains.set(threadKey, next);
    void next.finally(() => {
      if (chains.get(threadKey) === next) chains.delete(threadKey);
    });
    return next;
  };

  const handle = (event: AlertEvent): Promise<void> => {
    const threadKey = threadKeyOf(event.alert);
    const n: Notification = { threadKey, event };
    return serial(threadKey, async () => {
      const done = await runStages(stages, n);
      if (done) log.info({ threadKey, alert: event.alert.name, action: done.action, channel: done.channel }, 'notified');
    });
  };

  const where = async (threadKey: string): Promise<{ channel: string; ts: string }> => {
    const rec = await threads.get(threadKey);
    if (!rec) throw new ServeMedicError('SLACK_API_ERROR', `no Slack thread for key ${threadKey}`);
    if (rec.ts) return { channel: rec.channel, ts: rec.ts };
    const waited = await threads.waitForTs(threadKey, { nowMs: () => clock.now(), pollMs: options.pollMs ?? 250 });
    if (waited && 'record' in waited) return { channel: waited.record.channel, ts: waited.record.ts };
    throw new ServeMedicError('SLACK_API_ERROR', `the parent of thread ${threadKey} was never posted`);
  };

  let tickTimer: NodeJS.Timeout | undefined;
  let leaseTimer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const notifier: Notifier = {
    async onEvents(events) {
      // Remembered in Redis first: a restart must still know what fires (reminders, silences ending).
      await Promise.all(
        events.map((e) => (e.kind === 'firing' ? threads.rememberFiring(threadKeyOf(e.alert), e) : threads.forgetFiring(threadKeyOf(e.alert)))),
      );
      for (const e of events) {
        const key = threadKeyOf(e.alert);
        if (e.kind === 'firing') active.set(key, e);
        else active.delete(key);
        void handle(e);
      }
    },

    tick() {
      // One tick at a time; a tick asked for while one runs joins it.
      ticking ??= (async () => {
        silenceCache = undefined;
        const nowMs = clock.now();
        const due = [...active.entries()].filter(([key]) => !tickQueued.has(key));
        await Promise.all(
          due.map(([key, e]) => {
            // A thread busy with a slow post keeps one re-check queued, not one per tick.
            tickQueued.add(key);
            return serial(key, async () => {
              tickQueued.delete(key);
              const done = await runStages(stages, { threadKey: key, event: { kind: 'firing', alert: e.alert, atMs: nowMs } });
              if (done) log.info({ threadKey: key, alert: e.alert.name, action: done.action, channel: done.channel }, 'notified');
            });
          }),
        );
      })().finally(() => (ticking = undefined));
      return ticking;
    },

    async postInThread(threadKey, message, opts) {
      const { channel, ts } = await where(threadKey);
      return sink.post({ channel, threadTs: ts, message, ...(opts?.broadcast ? { broadcast: true } : {}) });
    },

    async updateInThread(threadKey, ts, message) {
      const { channel } = await where(threadKey);
      await sink.update({ channel, ts, message });
    },

    async uploadToThread(threadKey, file) {
      const { channel, ts } = await where(threadKey);
      await sink.upload({ ...file, channel, threadTs: ts });
    },

    getThread: (threadKey) => threads.get(threadKey),
    threadKeyOf,

    async idle() {
      // Chains hand new sends to the sink; loop until nothing new appears.
      for (;;) {
        await Promise.all([...chains.values()]);
        await Promise.all([...inflight]);
        await sink.idle();
        if (chains.size === 0 && inflight.size === 0) return;
      }
    },

    async start() {
      if (tickTimer) return;
      for (const [key, event] of await threads.loadFiring(clock.now())) if (!active.has(key)) active.set(key, event);
      tickTimer = setInterval(() => void notifier.tick().catch((err: unknown) => log.error({ err: describeError(err) }, 'tick failed')), options.tickIntervalMs ?? 5000);
      tickTimer.unref();
      leaseTimer = setInterval(() => {
        for (const key of pendingClaims) void threads.extendLease(key, instanceId, clock.now() + leaseMs).catch(() => false);
      }, Math.max(50, Math.floor(leaseMs / 3)));
      leaseTimer.unref();
    },

    async stop() {
      clearInterval(tickTimer);
      clearInterval(leaseTimer);
      tickTimer = undefined;
      leaseTimer = undefined;
      await sink.close();
    },
  };
  return notifier;
}
