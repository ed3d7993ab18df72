import type { ThreadRecord, ThreadStore } from '../../adapters/redis/thread-store.js';
import type { Clock } from '../../core/clock.js';
import type { Alert } from '../../core/model/alert.js';
import type { DiagnoseFn, Notification, NotifyStage } from '../../core/notify/notification.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import { renderAlertParent } from '../../core/slack-render/render-alert-parent.js';
import { renderDiagnosis } from '../../core/slack-render/render-diagnosis.js';
import { renderDiagnosisFailed, renderReminder, renderReopenedReply, renderResolvedReply } from '../../core/slack-render/render-thread-replies.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';
import type { AlertChartSource } from './alert-chart-source.js';
import type { MessageSink } from './message-sink.js';

export interface SendStageDeps {
  readonly sink: MessageSink;
  readonly threads: ThreadStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly cluster: string;
  /** This process, as owner of the claims it makes. */
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly diagnose?: DiagnoseFn;
  readonly diagnoseTimeoutMs: number;
  readonly chart?: AlertChartSource;
  /** Claims whose parent is still waiting to be posted; the notifier renews their leases. */
  readonly pendingClaims: Set<string>;
  /** Sends handed to the sink whose outcome nobody awaits: logged here, tracked for idle(). */
  readonly track: (p: Promise<unknown>, what: string, threadKey: string) => void;
}

/**
 * The last stage: carries out what dedup decided, against the thread store and the sink.
 * Every action first wins a compare-and-set in the store, so retries, restarts and a second
 * instance never post twice. Replies are handed to the sink in thread order and not awaited:
 * the sink's per-channel FIFO keeps them in that order.
 */
export function createSendStage(deps: SendStageDeps): NotifyStage {
  return async (n) => {
    switch (n.action) {
      case 'open':
        return open(deps, n);
      case 'remind':
        return remind(deps, n);
      case 'resolve':
        return resolve(deps, n);
      case 'reopen':
        return reopen(deps, n);
      default:
        return null;
    }
  };
}

function parentMessage(deps: SendStageDeps, n: Notification, state: 'firing' | 'resolved', resolvedAtMs?: number): SlackMessage {
  return renderAlertParent({
    alert: n.event.alert,
    state,
    cluster: deps.cluster,
    nowMs: deps.clock.now(),
    threadKey: n.threadKey,
    ...(resolvedAtMs !== undefined ? { resolvedAtMs } : {}),
  });
}

async function open(deps: SendStageDeps, n: Notification): Promise<Notification | null> {
  const { alert } = n.event;
  const channel = n.channel!;
  const key = n.threadKey;
  const claim = await deps.threads.claim(key, { owner: deps.instanceId, channel, nowMs: deps.clock.now(), leaseMs: deps.leaseMs, alertName: alert.name });
  if (!claim.won) {
    deps.logger.debug({ threadKey: key }, 'thread already claimed; not posting a parent');
    return null;
  }
  if (claim.tookOver) deps.logger.warn({ threadKey: key }, 'took over a thread claim whose owner never posted the parent');

  // Slow work starts now so it overlaps the parent's wait in the queue.
  const nowMs = deps.clock.now();
  const diagnosis = diagnosisMessage(deps, alert);
  const chart = deps.chart ? deps.chart(alert, nowMs) : Promise.resolve(null);

  deps.pendingClaims.add(key);
  let posted;
  try {
    posted = await deps.sink.post({
      channel,
      message: parentMessage(deps, n, 'firing'),
      stillWanted: () => deps.threads.extendLease(key, deps.instanceId, deps.clock.now() + deps.leaseMs),
    });
  } catch (err) {
    deps.logger.error({ threadKey: key, channel, err: describeError(err) }, 'could not post the alert; it will be tried again on the next notification');
    await deps.threads.release(key, deps.instanceId).catch(() => false);
    return null;
  } finally {
    deps.pendingClaims.delete(key);
  }
  const stored = await deps.threads.setTs(key, posted.channel, posted.ts);
  if (stored !== posted.ts) {
    // Only when our lease ran out mid-post and another instance posted first.
    deps.logger.warn({ threadKey: key, ours: posted.ts, theirs: stored }, 'another instance posted this parent first');
    return null;
  }
  await postFollowUps(deps, key, posted.channel, posted.ts, diagnosis, chart);
  return n;
}

async function postFollowUps(
  deps: SendStageDeps,
  key: string,
  channel: string,
  ts: string,
  diagnosis: Promise<SlackMessage | null>,
  chart: ReturnType<AlertChartSource>,
): Promise<void> {
  const d = await diagnosis;
  if (d) deps.track(deps.sink.post({ channel, threadTs: ts, message: d }), 'diagnosis', key);
  const c = await chart;
  if (c) deps.track(deps.sink.upload({ channel, threadTs: ts, filename: c.filename, title: c.title, data: c.data, altText: c.altText }), 'chart', key);
}

async function diagnosisMessage(deps: SendStageDeps, alert: Alert): Promise<SlackMessage | null> {
  const application = alert.labels.application ?? alert.labels.app_name;
  if (!deps.diagnose || !application) return null;
  const deployment = alert.labels.deployment;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(deps.diagnoseTimeoutMs / 1000)} s`)), deps.diagnoseTimeoutMs);
    });
    const diagnosis = await Promise.race([deps.diagnose({ application, ...(deployment ? { deployment } : {}), alert }), timeout]);
    return renderDiagnosis(diagnosis);
  } catch (err) {
    deps.logger.warn({ alert: alert.name, err: describeError(err) }, 'diagnosis failed');
    return renderDiagnosisFailed(alert, describeError(err));
  } finally {
    clearTimeout(timer);
  }
}

/** The parent's ts, waiting for another instance's post if needed; null when it never came. */
async function parentTs(deps: SendStageDeps, key: string, rec: ThreadRecord | null): Promise<{ channel: string; ts: string } | null> {
  if (rec?.ts) return { channel: rec.channel, ts: rec.ts };
  const waited = await deps.threads.waitForTs(key, { nowMs: () => deps.clock.now(), pollMs: deps.pollMs });
  if (waited && 'record' in waited) return { channel: waited.record.channel, ts: waited.record.ts };
  return null;
}

async function remind(deps: SendStageDeps, n: Notification): Promise<Notification | null> {
  const before = n.thread!;
  if (!(await deps.threads.claimReminder(n.threadKey, before.lastNotifiedMs, deps.clock.now()))) return null;
  const where = await parentTs(deps, n.threadKey, await deps.threads.get(n.threadKey));
  if (!where) return null;
  deps.track(deps.sink.post({ channel: where.channel, threadTs: where.ts, message: renderReminder(n.event.alert, deps.clock.now()) }), 'reminder', n.threadKey);
  return n;
}

async function resolve(deps: SendStageDeps, n: Notification): Promise<Notification | null> {
  const resolvedAtMs = n.event.alert.resolvedAtMs ?? n.event.atMs;
  const before = await deps.threads.claimResolve(n.threadKey, deps.clock.now());
  if (!before) return null;
  let where = await parentTs(deps, n.threadKey, before);
  if (!where) {
    // The owner died before posting: post the parent ourselves, already resolved.
    const claim = await deps.threads.claim(n.threadKey, { owner: deps.instanceId, channel: before.channel, nowMs: deps.clock.now(), leaseMs: deps.leaseMs, alertName: n.event.alert.name });
    if (!claim.won) return null;
    const posted = await deps.sink.post({ channel: before.channel, message: parentMessage(deps, n, 'resolved', resolvedAtMs) });
    await deps.threads.setTs(n.threadKey, posted.channel, posted.ts);
    where = posted;
  } else {
    deps.track(deps.sink.update({ channel: where.channel, ts: where.ts, message: parentMessage(deps, n, 'resolved', resolvedAtMs) }), 'resolve update', n.threadKey);
  }
  deps.track(deps.sink.post({ channel: where.channel, threadTs: where.ts, message: renderResolvedReply(n.event.alert, resolvedAtMs) }), 'resolved reply', n.threadKey);
  return n;
}

async function reopen(deps: SendStageDeps, n: Notification): Promise<Notification | null> {
  const before = n.thread!;
  if (!before.ts || !(await deps.threads.reopen(n.threadKey, deps.clock.now()))) return null;
  const { channel, ts } = { channel: before.channel, ts: before.ts };
  deps.track(deps.sink.update({ channel, ts, message: parentMessage(deps, n, 'firing') }), 'reopen update', n.threadKey);
  deps.track(
    deps.sink.post({ channel, threadTs: ts, broadcast: true, message: renderReopenedReply(n.event.alert, before.resolvedAtMs, deps.clock.now()) }),
    'reopened reply',
    n.threadKey,
  );
  return n;
}
