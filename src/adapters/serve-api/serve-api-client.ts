import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { z } from 'zod';
import { ServeMedicError } from '../../errors.js';
import type { RayVersion, ServeDeployBody, ServeInstanceDetails } from '../../core/serve/serve-types.js';
import { classifyStatus, isNetworkError, serveErrorCode } from '../http/classify-status.js';

/**
 * Client of the Serve REST API on the Ray dashboard (port 8265).
 *
 * It uses undici.request, not fetch: the dashboard answers 405 "method not allowed for browser
 * traffic" to a PUT carrying Sec-Fetch-* headers, and Node's fetch always sends Sec-Fetch-Mode.
 */
export interface ServeApiClientOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
  readonly userAgent?: string;
}

// Validate just enough at the edge to trust the shape; keep every unknown field.
const detailsSchema = z.looseObject({
  applications: z.record(z.string(), z.looseObject({ deployments: z.record(z.string(), z.looseObject({})).optional() })).optional(),
});

export class ServeApiClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher | undefined;

  constructor(options: ServeApiClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.dispatcher = options.dispatcher;
    this.headers = {
      'user-agent': options.userAgent ?? 'serve-medic',
      accept: 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    };
  }

  get baseUrl(): string {
    return this.base;
  }

  async getApplications(): Promise<ServeInstanceDetails> {
    const body = await this.call('GET', '/api/serve/applications/');
    const parsed = detailsSchema.safeParse(parseJson(body, 'GET /api/serve/applications/'));
    if (!parsed.success) {
      throw new ServeMedicError('SERVE_API_REJECTED', `GET /api/serve/applications/ returned an unexpected body: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return parsed.data as ServeInstanceDetails;
  }

  /** PUT the complete desired state. Ray answers 200 with an empty body, even for configs it will fail later. */
  async putApplications(body: ServeDeployBody): Promise<void> {
    await this.call('PUT', '/api/serve/applications/', JSON.stringify(body));
  }

  async getVersion(): Promise<RayVersion> {
    return parseJson(await this.call('GET', '/api/ray/version'), 'GET /api/ray/version') as RayVersion;
  }

  private async call(method: 'GET' | 'PUT', path: string, body?: string): Promise<string> {
    const where = `${method} ${this.base}${path}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.base + path, {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
    } catch (err) {
      throw new ServeMedicError('SERVE_API_UNAVAILABLE', `${where} failed: ${(err as Error).message}`, {
        cause: err,
        // Refused, reset and timed-out connections are all worth another try later.
        retryable: true,
        details: { network: isNetworkError(err) },
      });
    }
    const text = await res.body.text();
    const cls = classifyStatus(res.statusCode);
    if (cls.ok) return text;
    const rayMessage = text.trim().slice(0, 2000);
    const hint =
      cls.kind === 'unauthorized'
        ? this.headers.authorization
          ? ' (the token was refused: check RAY_DASHBOARD_TOKEN)'
          : ' (the cluster uses token auth: set RAY_DASHBOARD_TOKEN)'
        : '';
    throw new ServeMedicError(serveErrorCode(cls.kind), `${where} answered ${res.statusCode}${hint}: ${rayMessage}`, {
      details: { status: res.statusCode, body: rayMessage },
    });
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServeMedicError('SERVE_API_REJECTED', `${where} did not return JSON: ${text.slice(0, 200)}`);
  }
}
