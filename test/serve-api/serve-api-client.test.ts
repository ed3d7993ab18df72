import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ServeApiClient } from '../../src/adapters/serve-api/serve-api-client.js';
import { isServeMedicError } from '../../src/errors.js';
import { startHttpStub } from '../helpers/http-stub.js';

const captured = readFileSync(new URL('../fixtures/ray/get_01_after_initial_deploy.json', import.meta.url), 'utf8');
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('ServeApiClient', () => {
  it('reads a real captured GET body and keeps fields it does not know', async () => {
    const stub = await startHttpStub((_req, res) => void res.end(captured));
    close = stub.close;
    const details = await new ServeApiClient({ baseUrl: stub.url }).getApplications();
    expect(Object.keys(details.applications ?? {})).toEqual(['app_fast', 'app_slow']);
    expect(details.applications?.app_fast?.deployments?.Echo?.deployment_config?.autoscaling_config?.max_replicas).toBe(3);
    expect(details.controller_health_metrics).toBeDefined();
    expect(stub.requests[0]?.url).toBe('/api/serve/applications/');
  });

  it('sends no browser headers on PUT (Ray refuses those with 405) and sends the bearer token', async () => {
    const stub = await startHttpStub((_req, res) => void res.end());
    close = stub.close;
    await new ServeApiClient({ baseUrl: stub.url + '/', token: 'tok-123' }).putApplications({ applications: [] });
    const put = stub.requests[0]!;
    expect(put.method).toBe('PUT');
    expect(Object.keys(put.headers).filter((h) => h.startsWith('sec-fetch'))).toEqual([]);
    expect(put.headers['user-agent']).not.toMatch(/Mozilla/);
    expect(put.headers.authorization).toBe('Bearer tok-123');
    expect(put.headers['content-type']).toBe('application/json');
    expect(JSON.parse(put.body)).toEqual({ applications: [] });
  });

  it.each([
    [400, 'SERVE_API_REJECTED', false, 'Found multiple configs for application app_fast.'],
    [401, 'SERVE_API_UNAUTHORIZED', false, 'set RAY_DASHBOARD_TOKEN'],
    [403, 'SERVE_API_UNAUTHORIZED', false, 'check RAY_DASHBOARD_TOKEN'],
    [503, 'SERVE_API_UNAVAILABLE', true, 'The GCS may be down'],
  ])('classifies HTTP %i as %s (retryable: %s)', async (status, code, retryable, text) => {
    const stub = await startHttpStub((_req, res) => {
      res.statusCode = status;
      res.end(status === 503 ? 'Failed to get a response from the controller. The GCS may be down, please retry later' : 'Found multiple configs for application app_fast.');
    });
    close = stub.close;
    const client = new ServeApiClient({ baseUrl: stub.url, ...(status === 403 ? { token: 'wrong' } : {}) });
    const err = await client.getApplications().catch((e: unknown) => e);
    expect(isServeMedicError(err)).toBe(true);
    if (!isServeMedicError(err)) return;
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(text);
  });

  it('reports an unreachable dashboard as retryable', async () => {
    const err = await new ServeApiClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 }).getVersion().catch((e: unknown) => e);
    expect(isServeMedicError(err, 'SERVE_API_UNAVAILABLE')).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
  });
});
