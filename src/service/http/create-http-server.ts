import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Logger } from '../../log/create-logger.js';
import { verifySlackRequestSignature } from './verify-slack-request.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** One of the service's own routes: POST /webhooks/alertmanager, GET /metrics, /healthz, /readyz. */
export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Exact path, without query string. */
  readonly path: string;
  readonly handler: RouteHandler;
}

/** Slack's request URL, served by Bolt's HTTPReceiver (see create-slack-app). */
export interface SlackHttpEndpoint {
  readonly path: string;
  readonly signingSecret: string;
  readonly requestListener: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface CreateHttpServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly routes: readonly HttpRoute[];
  /** Present in HTTP mode; absent in console mode and in Socket Mode (events come over the socket). */
  readonly slack?: SlackHttpEndpoint;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Slack sends small bodies; anything bigger is refused before it is verified. */
  readonly slackBodyLimitBytes?: number;
}

export interface HttpServerHandle {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The service's one HTTP port. One plain node:http server in every mode, so the routes behave
 * the same with Slack on or off; `/slack/events` is handed to Bolt's HTTPReceiver only after
 * the signature has been checked here (with the injected clock, both sides of the 5-minute
 * window). Bolt then checks it again with its own verifier: two independent checks, and nothing
 * unsigned ever reaches a listener.
 */
export async function createHttpServer(options: CreateHttpServerOptions): Promise<HttpServerHandle> {
  const log = options.logger.child({ component: 'http' });
  const clock = options.clock ?? systemClock;
  const limit = options.slackBodyLimitBytes ?? 1024 * 1024;
  const routes = new Map<string, Map<string, RouteHandler>>();
  for (const r of options.routes) {
    const byMethod = routes.get(r.path) ?? new Map<string, RouteHandler>();
    if (byMethod.has(r.method)) throw new Error(`route ${r.method} ${r.path} is registered twice`);
    byMethod.set(r.method, r.handler);
    routes.set(r.path, byMethod);
  }
  const slack = options.slack;
  if (slack && routes.has(slack.path)) throw new Error(`${slack.path} is Slack's; a route cannot use it`);

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    // Every request gets an id (a caller's X-Request-Id when it sends a sane one), echoed in the
    // response and in the request's log line, so a webhook or click can be followed in the logs.
    const given = req.headers['x-request-id'];
    const reqId = typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', reqId);
    const started = performance.now();
    res.once('finish', () => {
      const fields = { reqId, method, path, status: res.statusCode, ms: Math.round(performance.now() - started) };
      if (path === '/healthz' || path === '/readyz' || path === '/metrics') log.trace(fields, 'request');
      else log.debug(fields, 'request');
    });
    if (slack && path === slack.path) {
      if (method !== 'POST') return reply(res, 405, 'method not allowed', { allow: 'POST' });
      void handleSlack(req, res, slack);
      return;
    }
    const byMethod = routes.get(path);
    if (!byMethod) return reply(res, 404, 'not found');
    const handler = byMethod.get(method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined);
    if (!handler) return reply(res, 405, 'method not allowed', { allow: [...byMethod.keys()].join(', ') });
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        log.error({ path, method, err: (err as Error).message }, 'route handler failed');
        if (!res.headersSent) reply(res, 500, 'internal error');
        else res.destroy();
      });
  });

  async function handleSlack(req: IncomingMessage, res: ServerResponse, endpoint: SlackHttpEndpoint): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch {
      return reply(res, 413, 'payload too large');
    }
    const check = verifySlackRequestSignature(req, body, endpoint.signingSecret, clock.now());
    if (!check.ok) {
      log.warn({ reason: check.reason, remote: req.socket.remoteAddress }, 'refused a Slack request that is not signed by Slack');
      return reply(res, 401, '');
    }
    // Bolt reads the body from rawBody when it is already buffered.
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    try {
      endpoint.requestListener(req, res);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'Slack request handling failed');
      if (!res.headersSent) reply(res, 500, '');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeIdleConnections();
        server.close(() => resolve());
        // Slow clients must not hold shutdown.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
