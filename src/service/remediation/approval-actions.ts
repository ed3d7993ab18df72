import type { App } from '@slack/bolt';
import { z } from 'zod';
import { APPROVE_ACTION, REJECT_ACTION } from '../../core/slack-render/render-proposal.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';
import type { ActionRegistrar } from '../slack/listeners/index.js';
import type { Click, ClickClient } from './handle-click.js';

/** The parts of a block_actions payload a click needs; anything else is ignored. */
const clickPayload = z.looseObject({
  user: z.looseObject({ id: z.string().min(1) }),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().regex(/^[0-9a-f]{8,64}$/) })).min(1),
  channel: z.looseObject({ id: z.string() }).optional(),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  container: z.looseObject({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).optional(),
});

/**
 * The Approve / Reject (and Roll back / Keep it) buttons: ack at once, check the payload, then
 * one call into the remediation core with the click. Bolt hands each listener a Web API client
 * (the bot token's), used for the in-place update, the ephemeral answer and user-group lookups.
 */
export function approvalActions(onClick: (click: Click) => Promise<unknown>, logger: Logger): ActionRegistrar {
  return (app: App) => {
    for (const [actionId, action] of [
      [APPROVE_ACTION, 'approve'],
      [REJECT_ACTION, 'reject'],
    ] as const) {
      app.action(actionId, async ({ ack, body, client }) => {
        await ack();
        const parsed = clickPayload.safeParse(body);
        if (!parsed.success) {
          logger.warn({ actionId, issue: parsed.error.issues[0]?.message }, 'ignored a remediation click with an unexpected payload');
          return;
        }
        const b = parsed.data;
        const channel = b.channel?.id ?? b.container?.channel_id;
        const messageTs = b.message?.ts ?? b.container?.message_ts;
        const threadTs = b.message?.thread_ts ?? b.container?.thread_ts;
        const click: Click = {
          action,
          proposalId: b.actions[0]!.value,
          userId: b.user.id,
          ...(channel ? { channel } : {}),
          ...(messageTs ? { messageTs } : {}),
          ...(threadTs ? { threadTs } : {}),
          client: client as unknown as ClickClient,
        };
        try {
          await onClick(click);
        } catch (err) {
          logger.error({ actionId, proposal: click.proposalId, user: click.userId, err: describeError(err) }, 'remediation click failed');
        }
      });
    }
  };
}
