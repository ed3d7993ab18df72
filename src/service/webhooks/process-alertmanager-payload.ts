import type { Redis } from 'ioredis';
import type { QueuedWebhook } from '../../adapters/redis/webhook-queue.js';
import { groupAlert, groupEvent, memberAlert, memberTarget } from '../../core/alertmanager/to-alerts.js';
import { parseWebhookPayload } from '../../core/alertmanager/webhook-payload.js';
import type { Clock } from '../../core/clock.js';
import { humanizeDuration } from '../../core/duration.js';
import type { Alert } from '../../core/model/alert.js';
import type { Diagnosis } from '../../core/model/diagnosis.js';
import type { DiagnoseFn } from '../../core/notify/notification.js';
import { section } from '../../core/slack-render/blocks.js';
import { renderAlertParent } from '../../core/slack-render/render-alert-parent.js';
import { renderDiagnosis } from '../../core/slack-render/render-diagnosis.js';
import { renderDiagnosisFailed } from '../../core/slack-render/render-thread-replies.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';
import type { Notifier } from '../notify/create-notifier.js';

/**
 * Processes queued Alertmanager notifications into the same Slack threads as our own alerts.
 * The group is the thread (its parent follows the group's state); a group about several
 * deployments gets one diagnosis reply per member, and a member that resolves while others
 * still fire gets a short reply. Every reply is written at most once (a Redis "once" key per
 * member and status), so Alertmanager's retries and its HA duplicates post nothing twice.
 */
export interface AlertmanagerProcessorDeps {
  readonly notifier: Notifier;
  readonly redis: Redis;
  readonly prefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly cluster: string;
  readonly diagnose?: DiagnoseFn;
  /** Issue #6: a diagnosis of a member alert may carry a remediation to propose in the thread. */
  readonly onMemberDiagnosis?: (alert: Alert, diagnosis: Diagnosis, threadKey: string) => Promise<void>;
}

const ONCE_TTL_S = 7 * 24 * 3600;

export function createAlertmanagerProcessor(deps: AlertmanagerProcessorDeps): (entry: QueuedWebhook) => Promise<void> {
  const log = deps.logger.child({ component: 'alertmanager' });
  const once = async (key: string): Promise<boolean> =>
    (await deps.redis.set(`${deps.prefix}:am:once:${key}`, '1', 'EX', ONCE_TTL_S, 'NX')) === 'OK';

  return async (entry) => {
    const parsed = parseWebhookPayload(entry.body);
    if (!parsed.ok) {
      // Validated when it was received; a payload that fails now cannot succeed later either.
      log.error({ id: entry.id, reason: parsed.reason }, 'dropping an invalid queued webhook');
      return;
    }
    const payload = parsed.payload;
    const now = deps.clock.now();
    const event = groupEvent(payload, now);
    const threadKey = deps.notifier.threadKeyOf(event.alert);
    const group = groupAlert(payload);
    const summaryKey = `${threadKey}:summary:${group.annotations.summary ?? ''}`;
    // A thread opened by this notification already shows the current summary.
    if (event.kind === 'firing' && !(await deps.notifier.getThread(threadKey))) await once(summaryKey);
    await deps.notifier.onEvents([event]);

    const groupTarget = memberTarget(group.labels);
    const members = payload.alerts.map((a) => memberAlert(a, payload));
    const perMember = members.length > 1 || members.some((m) => memberTarget(m.labels) !== groupTarget);
    if (event.kind === 'resolved' || !perMember) return;

    for (const member of members) {
      const target = memberTarget(member.labels);
      if (member.state !== 'firing') {
        if (await once(`${threadKey}:${member.fingerprint}:${member.activeAtMs}:resolved`)) {
          const lasted = humanizeDuration(Math.max(0, (member.resolvedAtMs ?? now) - member.activeAtMs));
          await deps.notifier.postInThread(threadKey, { text: `✅ ${target} resolved after ${lasted}`, blocks: [section(`✅ *${target}* resolved after ${lasted}.`)] });
        }
        continue;
      }
      if (!member.labels.application || !deps.diagnose) continue;
      if (!(await once(`${threadKey}:${member.fingerprint}:${member.activeAtMs}:diagnosed`))) continue;
      try {
        const diagnosis = await deps.diagnose({
          application: member.labels.application,
          ...(member.labels.deployment ? { deployment: member.labels.deployment } : {}),
          alert: member,
        });
        await deps.notifier.postInThread(threadKey, renderDiagnosis(diagnosis));
        await deps.onMemberDiagnosis?.(member, diagnosis, threadKey);
      } catch (err) {
        await deps.notifier.postInThread(threadKey, renderDiagnosisFailed(member, describeError(err)));
      }
    }

    // The parent names the firing members: keep it current as members join and leave.
    const thread = await deps.notifier.getThread(threadKey);
    if (thread?.ts && thread.state === 'firing') {
      if (await once(summaryKey)) {
        const parent = renderAlertParent({ alert: group, state: 'firing', cluster: deps.cluster, nowMs: now, threadKey });
        await deps.notifier.updateInThread(threadKey, thread.ts, parent);
      }
    }
  };
}
