import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack Web API on loopback, for component tests. Point the service at it with
 * SLACK_API_URL = `fake.apiUrl` (WebClient's `slackApiUrl`). It answers the methods serve-medic
 * uses, records every call in arrival order, and fails on demand:
 *
 *   const slack = await startFakeSlackServer({ botToken: 'xoxb-test' });
 *   slack.failNext('chat.postMessage', { status: 429, retryAfterS: 1 });
 *   ...
 *   expect(slack.callsTo('chat.postMessage')[0]?.threadTs).toBeUndefined();
 *   await slack.close();
 *
 * Methods: auth.test, chat.postMessage, chat.update, chat.postEphemeral, chat.delete,
 * files.getUploadURLExternal (+ POST to the returned upload URL, recorded as "upload"),
 * files.completeUploadExternal, usergroups.users.list, conversations.info; response_url posts go
 * to any path under /commands/, /actions/ or /response/ (recorded as "response_url").
 */
export interface FakeSlackCall {
  /** 1, 2, 3… in arrival order. */
  readonly seq: number;
  /** Web API method name, or "upload" / "response_url". */
  readonly method: string;
  readonly path: string;
  /** Parsed body: form fields with JSON fields (blocks, attachments, files) decoded, or the JSON body. */
  readonly body: Record<string, unknown>;
  /** The bearer token sent, if any. */
  readonly token?: string;
  /** Arrival time (ms, high resolution). */
  readonly atMs: number;
  /** HTTP status answered. */
  readonly status: number;
  /** Channel the call targets (`channel` or `channel_id`). */
  readonly channel?: string;
  /** thread_ts sent, for replies and file shares. */
  readonly threadTs?: string;
  /** The ts returned (postMessage) or targeted (update/delete). */
  readonly ts?: string;
  /** The `ok:false` error or injected failure, if it failed. */
  readonly error?: string;
  /** For "upload": the bytes received. */
  readonly bytes?: Buffer;
}

export type FakeFailure =
  | { readonly status: 429; readonly retryAfterS: number }
  | { readonly status: 500 | 502 | 503 | 504 }
  | { readonly error: string }
  /** Close the connection without answering (a network error for the client). */
  | { readonly drop: true };

export interface FakeMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  readonly text: string;
  readonly blocks?: unknown;
  readonly attachments?: unknown;
  readonly updates: number;
}

export interface FakeSlackServerOptions {
  /** When set, any other bearer token gets `invalid_auth`. */
  readonly botToken?: string;
  readonly teamId?: string;
  readonly botUserId?: string;
}

export interface FakeSlackServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/api/`: the value for SLACK_API_URL / WebClient slackApiUrl. */
  readonly apiUrl: string;
  readonly calls: readonly FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /** Calls that post into a channel: postMessage, update, completeUploadExternal (in order). */
  channelCalls(channel?: string): FakeSlackCall[];
  /** Replies and file shares in the thread of `parentTs`, in order. */
  threadCalls(parentTs: string): FakeSlackCall[];
  /** Posted messages as they are now (after updates), by ts. */
  message(ts: string): FakeMessage | undefined;
  messages(): FakeMessage[];
  /** The next `times` calls to `method` fail as described, then it answers normally again. */
  failNext(method: string, failure: FakeFailure, times?: number): void;
  /** Delays answers to `method` (ms), to make races and slow Slack observable. */
  setLatency(method: string, ms: number): void;
  setUserGroup(groupId: string, userIds: readonly string[]): void;
  /** A fresh response_url on this server (like https://hooks.slack.com/commands/T…/…/…). */
  responseUrl(kind?: 'commands' | 'actions'): string;
  /** What was posted to one response_url (or to all when omitted). */
  responses(responseUrl?: string): FakeSlackCall[];
  waitFor(predicate: (calls: readonly FakeSlackCall[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata']);
const CHANNEL_POSTS = new Set(['chat.postMessage', 'chat.update', 'files.completeUploadExternal']);

function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (text === '') return {};
  if ((contentType ?? '').includes('application/json')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { _raw: text };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* keep as string */
      }
    }
    out[k] = v;
  }
  return out;
}

export async function startFakeSlackServer(options: FakeSlackServerOptions = {}): Promise<FakeSlackServer> {
  const calls: FakeSlackCall[] = [];
  const messages = new Map<string, FakeMessage>();
  const failures = new Map<string, { failure: FakeFailure; left: number }[]>();
  const latency = new Map<string, number>();
  const groups = new Map<string, readonly string[]>();
  const uploads = new Map<string, { filename: string; length: number; bytes?: Buffer }>();
  const teamId = options.teamId ?? 'T0FAKE';
  const botUserId = options.botUserId ?? 'U0BOT';
  let seq = 0;
  let tsCounter = 0;
  let fileCounter = 0;
  let responseCounter = 0;
  const baseSec = Math.floor(Date.now() / 1000);
  const nextTs = () => {
    tsCounter++;
    return `${baseSec + Math.floor(tsCounter / 1e6)}.${String(tsCounter % 1e6).padStart(6, '0')}`;
  };
  const channelId = (c: string) => (c.startsWith('#') ? `C${createHash('sha1').update(c).digest('hex').slice(0, 9).toUpperCase()}` : c);

  let url = '';

  function takeFailure(method: string): FakeFailure | undefined {
    const list = failures.get(method);
    const head = list?.[0];
    if (!head) return undefined;
    head.left--;
    if (head.left <= 0) list!.shift();
    return head.failure;
  }

  function answer(method: string, body: Record<string, unknown>, token: string | undefined): { status: number; json: Record<string, unknown>; record: Partial<FakeSlackCall> } {
    if (options.botToken !== undefined && token !== options.botToken && method !== 'upload' && method !== 'response_url') {
      return { status: 200, json: { ok: false, error: token ? 'invalid_auth' : 'not_authed' }, record: { error: token ? 'invalid_auth' : 'not_authed' } };
    }
    const channel = typeof body.channel === 'string' ? channelId(body.channel) : typeof body.channel_id === 'string' ? body.channel_id : undefined;
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    const ok = (json: Record<string, unknown>, record: Partial<FakeSlackCall> = {}) => ({ status: 200, json: { ok: true, ...json }, record: { channel, threadTs, ...record } });
    const fail = (error: string) => ({ status: 200, json: { ok: false, error }, record: { channel, threadTs, error } });
    switch (method) {
      case 'auth.test':
        return ok({ url: 'https://fake.slack.com/', team: 'Fake', user: 'serve-medic', team_id: teamId, user_id: botUserId, bot_id: 'B0BOT' });
      case 'chat.postMessage': {
        if (!channel) return fail('channel_not_found');
        if (body.text === undefined && body.blocks === undefined && body.attachments === undefined) return fail('no_text');
        if (threadTs !== undefined && !messages.has(threadTs)) return fail('thread_not_found');
        const ts = nextTs();
        messages.set(ts, { channel, ts, ...(threadTs ? { threadTs } : {}), text: String(body.text ?? ''), blocks: body.blocks, attachments: body.attachments, updates: 0 });
        return ok({ channel, ts, message: { ts, text: body.text } }, { ts });
      }
      case 'chat.update': {
        const ts = String(body.ts ?? '');
        const prev = messages.get(ts);
        if (!prev || prev.channel !== channel) return fail('message_not_found');
        messages.set(ts, { ...prev, text: String(body.text ?? ''), blocks: body.blocks, attachments: body.attachments, updates: prev.updates + 1 });
        return ok({ channel, ts, text: body.text }, { ts });
      }
      case 'chat.delete': {
        const ts = String(body.ts ?? '');
        if (!messages.delete(ts)) return fail('message_not_found');
        return ok({ channel, ts }, { ts });
      }
      case 'chat.postEphemeral':
        if (!channel) return fail('channel_not_found');
        return ok({ message_ts: nextTs() });
      case 'files.getUploadURLExternal': {
        const length = Number(body.length);
        if (!body.filename || !(length > 0)) return fail('invalid_arguments');
        const id = `F${String(++fileCounter).padStart(8, '0')}`;
        uploads.set(id, { filename: String(body.filename), length });
        return ok({ upload_url: `${url}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(body.files) ? (body.files as { id?: string }[]) : [];
        if (files.length === 0 || files.some((f) => !f.id || !uploads.get(f.id)?.bytes)) return fail('file_upload_not_completed');
        if (threadTs !== undefined && !messages.has(threadTs)) return fail('thread_not_found');
        return ok({ files: files.map((f) => ({ id: f.id, title: (f as { title?: string }).title })) });
      }
      case 'usergroups.users.list': {
        const users = groups.get(String(body.usergroup ?? ''));
        return users ? ok({ users }) : fail('no_such_subteam');
      }
      case 'conversations.info':
        return channel ? ok({ channel: { id: channel, name: channel.toLowerCase() } }) : fail('channel_not_found');
      default:
        return fail('unknown_method');
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const atMs = performance.timeOrigin + performance.now();
        const raw = Buffer.concat(chunks);
        const path = (req.url ?? '/').split('?')[0]!;
        const auth = req.headers.authorization;
        const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
        let method: string;
        if (path.startsWith('/api/')) method = path.slice(5);
        else if (path.startsWith('/upload/')) method = 'upload';
        else if (/^\/(commands|actions|response)\//.test(path)) method = 'response_url';
        else method = 'unknown';

        const body = method === 'upload' ? {} : parseBody(raw, req.headers['content-type']);
        if (token === undefined && typeof body.token === 'string') (body as { token?: string }).token = '[body token]';
        const record = (status: number, extra: Partial<FakeSlackCall>) => {
          calls.push({ seq: ++seq, method, path, body, ...(token ? { token } : {}), atMs, status, ...extra });
        };

        const delay = latency.get(method);
        if (delay) await new Promise((r) => setTimeout(r, delay));

        const failure = takeFailure(method);
        if (failure) {
          if ('drop' in failure) {
            record(0, { error: 'dropped' });
            req.socket.destroy();
            return;
          }
          if ('status' in failure) {
            record(failure.status, { error: `http_${failure.status}` });
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (failure.status === 429) headers['retry-after'] = String(failure.retryAfterS);
            res.writeHead(failure.status, headers);
            res.end(JSON.stringify({ ok: false, error: failure.status === 429 ? 'ratelimited' : 'internal_error' }));
            return;
          }
          record(200, { error: failure.error });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: failure.error }));
          return;
        }

        if (method === 'upload') {
          const id = path.slice('/upload/'.length);
          const u = uploads.get(id);
          if (!u) {
            record(404, { error: 'no_such_upload' });
            res.writeHead(404).end('not found');
            return;
          }
          uploads.set(id, { ...u, bytes: raw });
          record(200, { bytes: raw });
          res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
          return;
        }
        if (method === 'response_url') {
          record(200, {});
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          return;
        }
        if (method === 'unknown') {
          record(404, { error: 'not_found' });
          res.writeHead(404).end();
          return;
        }
        const { status, json, record: extra } = answer(method, body, token);
        record(status, extra);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(json));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeSlackServer = {
    url,
    apiUrl: `${url}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    channelCalls: (channel) => calls.filter((c) => CHANNEL_POSTS.has(c.method) && c.status === 200 && !c.error && (channel === undefined || c.channel === channel)),
    threadCalls: (parentTs) =>
      calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'files.completeUploadExternal') && c.threadTs === parentTs && c.status === 200 && !c.error),
    message: (ts) => messages.get(ts),
    messages: () => [...messages.values()],
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      list.push({ failure, left: times });
      failures.set(method, list);
    },
    setLatency(method, ms) {
      latency.set(method, ms);
    },
    setUserGroup(groupId, userIds) {
      groups.set(groupId, [...userIds]);
    },
    responseUrl(kind = 'commands') {
      responseCounter++;
      return `${url}/${kind}/${teamId}/${1000 + responseCounter}/${createHash('sha1').update(String(responseCounter)).digest('hex').slice(0, 24)}`;
    },
    responses: (responseUrl) => {
      const path = responseUrl === undefined ? undefined : new URL(responseUrl).pathname;
      return calls.filter((c) => c.method === 'response_url' && (path === undefined || c.path === path));
    },
    async waitFor(predicate, timeoutMs = 5000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > deadline) {
          const summary = calls.map((c) => `${c.seq} ${c.method} ${c.status}${c.error ? ` ${c.error}` : ''}`).join('\n');
          throw new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}; calls so far:\n${summary}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    reset() {
      calls.length = 0;
      messages.clear();
      failures.clear();
      latency.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
