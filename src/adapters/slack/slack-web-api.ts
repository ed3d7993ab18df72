import { request } from 'undici';
import { webApi } from '@slack/bolt';
import type { Logger } from '../../log/create-logger.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import { ServeMedicError } from '../../errors.js';
import { classifyStatus } from '../http/classify-status.js';
import { pinoSlackLogger } from './pino-slack-logger.js';

export type WebClient = webApi.WebClient;

export interface CreateWebClientOptions {
  readonly token: string;
  /** SLACK_API_URL: the Web API base, e.g. http://127.0.0.1:PORT/api/ for the fake server. */
  readonly apiUrl?: string;
  readonly logger: Logger;
  readonly timeoutMs?: number;
}

/**
 * A Web API client whose own retries are off: a 429 is thrown with its Retry-After and a 5xx as
 * an HTTP error, so the send queue's single retry policy (classify-slack-error) decides.
 */
export function createWebClient(options: CreateWebClientOptions): WebClient {
  return new webApi.WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: withTrailingSlash(options.apiUrl) } : {}),
    logger: pinoSlackLogger(options.logger, 'slack-web-api'),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 15_000,
  });
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The Web API arguments for a rendered message: blocks, or blocks in a coloured attachment. */
export function messageArgs(message: SlackMessage): Record<string, unknown> {
  if (message.color) {
    return { text: message.text, attachments: [{ color: message.color, blocks: message.blocks, fallback: message.text }] };
  }
  return { text: message.text, blocks: message.blocks };
}

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

export interface FileUpload {
  readonly channel: string;
  readonly threadTs: string;
  readonly filename: string;
  readonly title: string;
  readonly data: Buffer;
  readonly altText?: string;
}

/** The few Web API calls the notifier makes, each one attempt (the queue retries). */
export class SlackWebApi {
  constructor(readonly client: WebClient) {}

  async postMessage(a: { channel: string; threadTs?: string; message: SlackMessage; broadcast?: boolean }): Promise<PostedMessage> {
    const res = await this.client.chat.postMessage({
      channel: a.channel,
      ...(a.threadTs ? { thread_ts: a.threadTs, ...(a.broadcast ? { reply_broadcast: true } : {}) } : {}),
      ...messageArgs(a.message),
      unfurl_links: false,
      unfurl_media: false,
    } as Parameters<WebClient['chat']['postMessage']>[0]);
    if (!res.ts || !res.channel) throw new ServeMedicError('SLACK_API_ERROR', 'chat.postMessage returned no ts/channel');
    return { channel: res.channel, ts: res.ts };
  }

  async updateMessage(a: { channel: string; ts: string; message: SlackMessage }): Promise<void> {
    await this.client.chat.update({ channel: a.channel, ts: a.ts, ...messageArgs(a.message) } as Parameters<WebClient['chat']['update']>[0]);
  }

  /**
   * The files upload v2 flow, one step at a time so a retry resumes where it failed:
   * files.getUploadURLExternal → POST the bytes to the returned URL → files.completeUploadExternal
   * with channel_id + thread_ts (which shares the file into the thread).
   */
  uploadSteps(f: FileUpload): () => Promise<void> {
    const state: { fileId?: string; uploadUrl?: string; uploaded?: boolean } = {};
    return async () => {
      if (!state.fileId || !state.uploadUrl) {
        const res = await this.client.files.getUploadURLExternal({ filename: f.filename, length: f.data.length, ...(f.altText ? { alt_text: f.altText } : {}) });
        if (!res.file_id || !res.upload_url) throw new ServeMedicError('SLACK_API_ERROR', 'files.getUploadURLExternal returned no upload_url');
        state.fileId = res.file_id;
        state.uploadUrl = res.upload_url;
      }
      if (!state.uploaded) {
        // The URL is pre-signed: no bot token goes with the bytes.
        const res = await request(state.uploadUrl, { method: 'POST', body: f.data, headers: { 'content-type': 'application/octet-stream' } });
        await res.body.text();
        const cls = classifyStatus(res.statusCode);
        if (!cls.ok) {
          throw new ServeMedicError(cls.retryable ? 'SLACK_UNAVAILABLE' : 'SLACK_API_ERROR', `file upload answered HTTP ${res.statusCode}`, { retryable: cls.retryable });
        }
        state.uploaded = true;
      }
      await this.client.files.completeUploadExternal({
        files: [{ id: state.fileId, title: f.title }],
        channel_id: f.channel,
        thread_ts: f.threadTs,
      });
    };
  }
}
