import type { HttpRoute } from './http/create-http-server.js';
import type { OwnMetrics } from './own-metrics.js';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves to null when fine, or a short reason when not. */
  readonly check: () => Promise<string | null>;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);
}

/** GET /healthz (the process is alive), GET /readyz (it can do its job), GET /metrics (its own metrics). */
export function healthRoutes(options: { own: OwnMetrics; checks: readonly ReadinessCheck[]; timeoutMs?: number }): HttpRoute[] {
  const timeoutMs = options.timeoutMs ?? 2000;
  return [
    {
      method: 'GET',
      path: '/healthz',
      handler: (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'ok' }));
      },
    },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        const results = await Promise.all(
          options.checks.map(async (c) => {
            try {
              return [c.name, await withTimeout(c.check(), timeoutMs, c.name)] as const;
            } catch (err) {
              return [c.name, (err as Error).message] as const;
            }
          }),
        );
        const failing = results.filter(([, reason]) => reason !== null);
        res.statusCode = failing.length === 0 ? 200 : 503;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            status: failing.length === 0 ? 'ready' : 'not ready',
            checks: Object.fromEntries(results.map(([name, reason]) => [name, reason ?? 'ok'])),
          }),
        );
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        res.setHeader('content-type', options.own.registry.contentType);
        res.end(await options.own.registry.metrics());
      },
    },
  ];
}
