import { request } from 'undici';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import { ServeMedicError } from '../../errors.js';
import { classifyStatus, isNetworkError } from '../http/classify-status.js';
import { backoffDelay } from './classify-slack-error.js';
import { messageArgs } from './slack-web-api.js';

export interface ResponseUrlReply {
  readonly message: SlackMessage;
  /** in_channel: everyone sees it (diagnoses, silences); ephemeral: only the user (help, errors). */
  readonly responseType: 'in_channel' | 'ephemeral';
  readonly replaceOriginal?: boolean;
}

export interface ResponseUrlClientOptions {
  /**
   * SLACK_API_URL, when set: response_urls are sent to this origin (path kept), the way the Web
   * API base is overridden for proxies and for the fake Slack server in tests.
   */
  readonly apiUrl?: string;
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly backoffBaseMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Answers slash commands and button clicks after the 3-second ack, through the payload's
 * response_url (valid for 30 minutes, up to 5 posts). Retries 5xx and network failures a few
 * times; anything else is reported once by the caller.
 */
export class ResponseUrlClient {
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ResponseUrlClientOptions = {}) {
    this.attempts = options.attempts ?? 4;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Where a response_url really goes: the override's origin, else only Slack's own hosts. */
  target(responseUrl: string): string {
    let url: URL;
    try {
      url = new URL(responseUrl);
    } catch {
      throw new ServeMedicError('SLACK_API_ERROR', 'response_url is not a URL');
    }
    if (this.options.apiUrl) {
      const base = new URL(this.options.apiUrl);
      return `${base.origin}${url.pathname}${url.search}`;
    }
    if (url.protocol !== 'https:' || !(url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com'))) {
      throw new ServeMedicError('SLACK_API_ERROR', `response_url host ${url.hostname} is not Slack's; refusing to post there`);
    }
    return url.href;
  }

  async respond(responseUrl: string, reply: ResponseUrlReply): Promise<void> {
    const url = this.target(responseUrl);
    const body = JSON.stringify({
      response_type: reply.responseType,
      ...(reply.replaceOriginal !== undefined ? { replace_original: reply.replaceOriginal } : {}),
      ...messageArgs(reply.message),
    });
    for (let attempt = 1; ; attempt++) {
      let status: number;
      try {
        const res = await request(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          headersTimeout: this.options.timeoutMs ?? 10_000,
          bodyTimeout: this.options.timeoutMs ?? 10_000,
        });
        await res.body.text();
        status = res.statusCode;
      } catch (err) {
        if (!isNetworkError(err) || attempt >= this.attempts) {
          throw new ServeMedicError('SLACK_UNAVAILABLE', `response_url post failed: ${(err as Error).message}`, { cause: err });
        }
        await this.sleep(backoffDelay(attempt, this.options.backoffBaseMs ?? 500, 5000));
        continue;
      }
      const cls = classifyStatus(status);
      if (cls.ok) return;
      if (!cls.retryable || attempt >= this.attempts) {
        throw new ServeMedicError(cls.retryable ? 'SLACK_UNAVAILABLE' : 'SLACK_API_ERROR', `response_url answered HTTP ${status}`, { retryable: cls.retryable });
      }
      await this.sleep(backoffDelay(attempt, this.options.backoffBaseMs ?? 500, 5000));
    }
  }
}
