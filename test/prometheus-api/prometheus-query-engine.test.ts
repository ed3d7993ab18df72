import { afterEach, describe, expect, it } from 'vitest';
import { parsePromFloat, PrometheusQueryEngine } from '../../src/adapters/prometheus-api/prometheus-query-engine.js';
import { isServeMedicError } from '../../src/errors.js';
import { startHttpStub } from '../helpers/http-stub.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function engineAnswering(status: number, body: unknown) {
  const stub = await startHttpStub((_req, res) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  close = stub.close;
  return { engine: new PrometheusQueryEngine({ baseUrl: stub.url + '/' }), stub };
}

describe('PrometheusQueryEngine', () => {
  it('turns a vector answer into instant samples with millisecond timestamps and special floats', async () => {
    const { engine, stub } = await engineAnswering(200, {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { application: 'a' }, value: [1764129312.5, '3.25'] },
          { metric: { application: 'b' }, value: [1764129312.5, '+Inf'] },
          { metric: { application: 'c' }, value: [1764129312.5, 'NaN'] },
        ],
      },
    });
    const v = await engine.instantQuery('sum by (application) (x)', 1764129312_500);
    expect(v.resultType).toBe('vector');
    if (v.resultType !== 'vector') return;
    expect(v.result[0]).toEqual({ labels: { application: 'a' }, timestampMs: 1764129312_500, value: 3.25 });
    expect(v.result[1]?.value).toBe(Infinity);
    expect(v.result[2]?.value).toBeNaN();
    const form = new URLSearchParams(stub.requests[0]!.body);
    expect(stub.requests[0]!.url).toBe('/api/v1/query');
    expect(form.get('query')).toBe('sum by (application) (x)');
    expect(form.get('time')).toBe('1764129312.500');
  });

  it('answers scalars and range queries in the shared shapes', async () => {
    const { engine } = await engineAnswering(200, {
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { a: '1' }, values: [[10, '1'], [25, '-Inf']] }] },
    });
    const series = await engine.rangeQuery('x', 10_000, 25_000, 15_000);
    expect(series).toEqual([{ labels: { a: '1' }, points: [{ timestampMs: 10_000, value: 1 }, { timestampMs: 25_000, value: -Infinity }] }]);
  });

  it('reports a bad query with Prometheus error text, not retryable', async () => {
    const { engine } = await engineAnswering(400, { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected <EOF>' });
    const err = await engine.instantQuery('sum(', 0).catch((e: unknown) => e);
    expect(isServeMedicError(err, 'PROMETHEUS_QUERY_REJECTED')).toBe(true);
    expect((err as Error).message).toContain('bad_data: 1:5: parse error');
  });

  it('reports 5xx and unreachable Prometheus as retryable', async () => {
    const { engine } = await engineAnswering(503, 'overloaded');
    const err = await engine.instantQuery('up', 0).catch((e: unknown) => e);
    expect(isServeMedicError(err, 'PROMETHEUS_UNAVAILABLE')).toBe(true);
    const down = await new PrometheusQueryEngine({ baseUrl: 'http://127.0.0.1:1' }).instantQuery('up', 0).catch((e: unknown) => e);
    expect(isServeMedicError(down, 'PROMETHEUS_UNAVAILABLE')).toBe(true);
    expect((down as { retryable: boolean }).retryable).toBe(true);
  });

  it('parses every float spelling Prometheus uses', () => {
    expect(parsePromFloat('+Inf')).toBe(Infinity);
    expect(parsePromFloat('-Inf')).toBe(-Infinity);
    expect(parsePromFloat('1e-3')).toBe(0.001);
  });
});
