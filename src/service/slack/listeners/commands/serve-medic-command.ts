import type { App } from '@slack/bolt';
import type { ResponseUrlClient, ResponseUrlReply } from '../../../../adapters/slack/response-url-client.js';
import { messageArgs } from '../../../../adapters/slack/slack-web-api.js';
import { parseCommand } from '../../../../core/slack-commands/parse-command.js';
import { describeError } from '../../../../errors.js';
import type { Logger } from '../../../../log/create-logger.js';
import type { CommandHandlerDeps } from '../../command-handler.js';
import { executeCommand, immediateReply, workingText } from '../../command-handler.js';

export const SLASH_COMMAND = '/serve-medic';

export interface ServeMedicCommandDeps {
  readonly handler: CommandHandlerDeps;
  readonly responder: Pick<ResponseUrlClient, 'respond'>;
  readonly logger: Logger;
}

function ackBody(reply: ResponseUrlReply): { response_type: 'in_channel' | 'ephemeral'; text: string } {
  return { response_type: reply.responseType, ...(messageArgs(reply.message) as { text: string }) };
}

/**
 * `/serve-medic …`: parse, ack within Slack's 3 seconds (help and mistakes are answered in the
 * ack itself), then one call into the core whose answer goes to the response_url.
 */
export function registerServeMedicCommand(app: App, deps: ServeMedicCommandDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack }) => {
    const parsed = parseCommand(command.text ?? '');
    const now = immediateReply(parsed);
    if (now) {
      await ack(ackBody(now));
      return;
    }
    const working = workingText(parsed);
    await ack(working ? { response_type: 'ephemeral', text: working } : undefined);
    void respondLater(deps, parsed, command.user_id, command.response_url);
  });
}

async function respondLater(deps: ServeMedicCommandDeps, parsed: ReturnType<typeof parseCommand>, userId: string, responseUrl: string): Promise<void> {
  try {
    const reply = await executeCommand(parsed, { userId }, deps.handler);
    await deps.responder.respond(responseUrl, reply);
  } catch (err) {
    deps.logger.error({ verb: parsed.verb, user: userId, err: describeError(err) }, 'could not answer a slash command');
  }
}
