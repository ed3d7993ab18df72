import { createHmac } from 'node:crypto';
import { request } from 'undici';

/**
 * Requests to /slack/events signed exactly as Slack signs them: `x-slack-request-timestamp`
 * (Unix seconds) and `x-slack-signature: v0=` + hex HMAC-SHA256(signing secret,
 * `v0:{timestamp}:{raw body}`). Slash commands are form-encoded; interactivity payloads are
 * form-encoded with one `payload` field holding JSON. Written independently of the service's own
 * verifier, so a test cannot pass because both share a bug.
 */
export function slackSignature(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export interface SignOptions {
  readonly signingSecret: string;
  /** Default: now. Use an old one to test the 5-minute window. */
  readonly timestampSec?: number;
  /** Send this signature instead of the right one (forgery tests). */
  readonly signature?: string;
  /** Send no signature headers at all. */
  readonly unsigned?: boolean;
}

export interface SlackResponse {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
  readonly elapsedMs: number;
}

export async function postSignedToSlackEndpoint(url: string, rawBody: string, contentType: string, sign: SignOptions): Promise<SlackResponse> {
  const ts = sign.timestampSec ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType, 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' };
  if (!sign.unsigned) {
    headers['x-slack-request-timestamp'] = String(ts);
    headers['x-slack-signature'] = sign.signature ?? slackSignature(sign.signingSecret, ts, rawBody);
  }
  const started = performance.now();
  const res = await request(url, { method: 'POST', body: rawBody, headers });
  const text = await res.body.text();
  const elapsedMs = performance.now() - started;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, text, json, elapsedMs };
}

export interface SlashCommandFields {
  readonly command?: string;
  readonly text: string;
  readonly responseUrl: string;
  readonly userId?: string;
  readonly userName?: string;
  readonly channelId?: string;
  readonly channelName?: string;
  readonly teamId?: string;
}

/** The form body Slack sends for a slash command. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token-not-used',
    team_id: f.teamId ?? 'T0FAKE',
    team_domain: 'example',
    channel_id: f.channelId ?? 'C0ALERTS',
    channel_name: f.channelName ?? 'ray-serve-alerts',
    user_id: f.userId ?? 'U0ONCALL',
    user_name: f.userName ?? 'oncall',
    command: f.command ?? '/serve-medic',
    text: f.text,
    api_app_id: 'A0SERVEMEDIC',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: '123456.789.abcdef',
  }).toString();
}

export function sendSlashCommand(eventsUrl: string, f: SlashCommandFields, sign: SignOptions): Promise<SlackResponse> {
  return postSignedToSlackEndpoint(eventsUrl, slashCommandBody(f), 'application/x-www-form-urlencoded', sign);
}

/** The form body Slack sends for block_actions and other interactivity: `payload=<JSON>`. */
export function interactivityBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function sendBlockActions(eventsUrl: string, payload: unknown, sign: SignOptions): Promise<SlackResponse> {
  return postSignedToSlackEndpoint(eventsUrl, interactivityBody(payload), 'application/x-www-form-urlencoded', sign);
}

/** Events API callbacks are JSON bodies. */
export function sendEvent(eventsUrl: string, body: unknown, sign: SignOptions): Promise<SlackResponse> {
  return postSignedToSlackEndpoint(eventsUrl, JSON.stringify(body), 'application/json', sign);
}
