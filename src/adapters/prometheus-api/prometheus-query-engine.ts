import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { z } from 'zod';
import type { InstantSample, QueryEngine, QueryValue, RangeSeries } from '../../core/query/types.js';
import { ServeMedicError } from '../../errors.js';
import { classifyStatus } from '../http/classify-status.js';

/**
 * The second metrics backend: with PROMETHEUS_URL set, expressions go to Prometheus's (or
 * Thanos's, Mimir's) /api/v1/query and come back in the same shapes as the built-in engine's.
 */
const sampleValue = z.tuple([z.number(), z.string()]);
const vectorItem = z.object({ metric: z.record(z.string(), z.string()), value: sampleValue });
const matrixItem = z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleValue) });
const responseSchema = z.object({
  status: z.enum(['success', 'error']),
  data: z
    .discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('vector'), result: z.array(vectorItem) }),
      z.object({ resultType: z.literal('matrix'), result: z.array(matrixItem) }),
      z.object({ resultType: z.literal('scalar'), result: sampleValue }),
      z.object({ resultType: z.literal('string'), result: sampleValue }),
    ])
    .optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

/** Prometheus's JSON spells special floats as strings that Number() does not all accept. */
export function parsePromFloat(text: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    default:
      return Number(text);
  }
}

export interface PrometheusQueryEngineOptions {
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
  readonly headers?: Record<string, string>;
}

export class PrometheusQueryEngine implements QueryEngine {
  private readonly base: string;

  constructor(private readonly options: PrometheusQueryEngineOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async instantQuery(expr: string, timeMs: number): Promise<QueryValue> {
    const data = await this.call('/api/v1/query', { query: expr, time: (timeMs / 1000).toFixed(3) });
    switch (data.resultType) {
      case 'vector':
        return {
          resultType: 'vector',
          result: data.result.map(
            (r): InstantSample => ({ labels: r.metric, timestampMs: Math.round(r.value[0] * 1000), value: parsePromFloat(r.value[1]) }),
          ),
        };
      case 'matrix':
        return { resultType: 'matrix', result: data.result.map(toRangeSeries) };
      case 'scalar':
        return { resultType: 'scalar', result: { timestampMs: Math.round(data.result[0] * 1000), value: parsePromFloat(data.result[1]) } };
      case 'string':
        return { resultType: 'string', result: { timestampMs: Math.round(data.result[0] * 1000), value: data.result[1] } };
    }
  }

  async rangeQuery(expr: string, startMs: number, endMs: number, stepMs: number): Promise<readonly RangeSeries[]> {
    const data = await this.call('/api/v1/query_range', {
      query: expr,
      start: (startMs / 1000).toFixed(3),
      end: (endMs / 1000).toFixed(3),
      step: (stepMs / 1000).toString(),
    });
    if (data.resultType !== 'matrix') {
      throw new ServeMedicError('PROMETHEUS_QUERY_REJECTED', `range query returned ${data.resultType}, expected matrix`);
    }
    return data.result.map(toRangeSeries);
  }

  private async call(path: string, params: Record<string, string>): Promise<NonNullable<z.infer<typeof responseSchema>['data']>> {
    const url = this.base + path;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'serve-medic', ...(this.options.headers ?? {}) },
        body: new URLSearchParams(params).toString(),
        headersTimeout: this.options.timeoutMs ?? 10_000,
        bodyTimeout: this.options.timeoutMs ?? 10_000,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
    } catch (err) {
      throw new ServeMedicError('PROMETHEUS_UNAVAILABLE', `${url}: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.body.text();
    const cls = classifyStatus(res.statusCode);
    let json: z.infer<typeof responseSchema> | undefined;
    try {
      json = responseSchema.parse(JSON.parse(text));
    } catch {
      json = undefined;
    }
    if (cls.retryable || (!cls.ok && !json)) {
      throw new ServeMedicError(cls.retryable ? 'PROMETHEUS_UNAVAILABLE' : 'PROMETHEUS_QUERY_REJECTED', `${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    }
    if (!json || json.status === 'error' || !json.data) {
      throw new ServeMedicError('PROMETHEUS_QUERY_REJECTED', `Prometheus rejected "${params.query}": ${json?.errorType ?? 'bad_response'}: ${json?.error ?? text.slice(0, 300)}`);
    }
    return json.data;
  }
}

function toRangeSeries(r: z.infer<typeof matrixItem>): RangeSeries {
  return { labels: r.metric, points: r.values.map(([t, v]) => ({ timestampMs: Math.round(t * 1000), value: parsePromFloat(v) })) };
}
