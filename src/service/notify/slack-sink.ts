import { classifySlackError } from '../../adapters/slack/classify-slack-error.js';
import type { SlackWebApi } from '../../adapters/slack/slack-web-api.js';
import type { Logger } from '../../log/create-logger.js';
import { ChannelQueue, type QueueObserver } from './channel-queue.js';
import type { MessageSink } from './message-sink.js';

export interface SlackSinkOptions {
  readonly api: SlackWebApi;
  readonly logger: Logger;
  /** slack.messages_per_second_per_channel. */
  readonly messagesPerSecond: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly observe?: QueueObserver;
}

/** Messages to Slack through the per-channel queue: paced, in order, retried, never dropped. */
export function createSlackSink(options: SlackSinkOptions): MessageSink & { readonly queue: ChannelQueue } {
  const queue = new ChannelQueue({
    messagesPerSecond: options.messagesPerSecond,
    classify: (err, label) => classifySlackError(err, label),
    logger: options.logger,
    ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
    ...(options.backoffMaxMs !== undefined ? { backoffMaxMs: options.backoffMaxMs } : {}),
    ...(options.observe ? { observe: options.observe } : {}),
  });
  const { api } = options;
  return {
    kind: 'slack',
    queue,
    post: (a) =>
      queue.enqueue(a.channel, {
        label: 'chat.postMessage',
        run: () => api.postMessage(a),
        ...(a.stillWanted ? { stillWanted: a.stillWanted } : {}),
      }),
    update: (a) => queue.enqueue(a.channel, { label: 'chat.update', run: () => api.updateMessage(a) }),
    // The three upload calls count as one message in the channel: only the last one posts.
    upload: (f) => queue.enqueue(f.channel, { label: 'files.upload', run: api.uploadSteps(f) }),
    idle: () => queue.idle(),
    close: async () => queue.close(),
  };
}
