/**
 * The server side of the webhook benchmark, in its own process so the load generator does not
 * share its event loop: either serve-medic's Alertmanager webhook route (auth, size limit,
 * schema validation, durable enqueue into Redis) or a bare node:http server that reads the body
 * and answers 200 — the peer the ratio is measured against. Prints its port on stdout.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRedis } from '../../src/adapters/redis/create-redis.js';
import { WebhookQueue } from '../../src/adapters/redis/webhook-queue.js';
import { createHttpServer } from '../../src/service/http/create-http-server.js';
import { createAlertmanagerWebhookHandler } from '../../src/service/webhooks/alertmanager-webhook.js';
import { createLogger } from '../../src/log/create-logger.js';

const mode = process.argv[2] ?? 'serve-medic';
const redisUrl = process.argv[3] ?? 'redis://127.0.0.1:6379';
const key = process.argv[4] ?? `bench:webhooks:${process.pid}`;

if (mode === 'bare') {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Buffer.concat(chunks).toString('utf8');
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"ok"}');
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(String((server.address() as AddressInfo).port)));
} else {
  const redis = createRedis({ url: redisUrl, purpose: 'commands' });
  const queue = new WebhookQueue({ redis, key, maxLen: 100_000 });
  const http = await createHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent' }),
    routes: [
      {
        method: 'POST',
        path: '/webhooks/alertmanager',
        handler: createAlertmanagerWebhookHandler({ bearerToken: 'bench-token-123', maxBodyBytes: 1 << 20, enqueue: (b, t) => queue.enqueue(b, t) }),
      },
    ],
  });
  console.log(String(http.port));
}
