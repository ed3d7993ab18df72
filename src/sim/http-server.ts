import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { SimHeaders, SimResponse } from './rest-handlers.js';

export interface SimServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Handler = (method: string, path: string, headers: SimHeaders, body: string) => SimResponse;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Serves the simulator's dashboard routes and /metrics on 127.0.0.1 (port 0: any free port). */
export function listenSimulator(handle: Handler, port = 0): Promise<SimServer> {
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const r = handle(req.method ?? 'GET', req.url ?? '/', req.headers as SimHeaders, body);
        res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
        res.end(r.body);
      },
      () => {
        res.writeHead(400);
        res.end();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
