import { RAY_COMMIT, RAY_VERSION } from './constants.js';
import { parseDeployRequest } from './deploy-schema.js';
import { contentTypeOf, negotiateFormat } from './metrics-exposition.js';
import type { SimExpositionFormat } from './metrics-exposition.js';

/** A response of the simulated dashboard, independent of any socket. */
export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type SimHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The parts of the simulator the REST routes act on. */
export interface RestBackend {
  readonly authToken: string | undefined;
  readonly sessionName: string;
  instanceDetails(apiType: string | undefined): unknown;
  /** Applies a validated PUT, starting Serve when it is not running. */
  deploy(request: Extract<ReturnType<typeof parseDeployRequest>, { ok: true }>['value']): void;
  shutdown(): void;
  metrics(format: SimExpositionFormat): string;
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const text = (status: number, body: string): SimResponse => ({ status, headers: { 'content-type': TEXT }, body });

function header(headers: SimHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(', ') : (v as string | undefined);
  }
  return undefined;
}

/** RAY_AUTH_MODE=token: Authorization: Bearer, X-Ray-Authorization, or the ray-authentication-token cookie. */
function presentedToken(headers: SimHeaders): string | undefined {
  for (const name of ['authorization', 'x-ray-authorization']) {
    const v = header(headers, name);
    if (v !== undefined) return v.replace(/^Bearer\s+/i, '');
  }
  const cookie = header(headers, 'cookie');
  const match = cookie?.match(/(?:^|;\s*)ray-authentication-token=([^;]*)/);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** The dashboard refuses state changes from browsers (Sec-Fetch-* headers or a browser User-Agent). */
function isBrowser(headers: SimHeaders): boolean {
  if (Object.keys(headers).some((k) => k.toLowerCase().startsWith('sec-fetch-'))) return true;
  return /^Mozilla\//.test(header(headers, 'user-agent') ?? '');
}

const JSON_DECODE_TRACEBACK = (detail: string) =>
  [
    'Traceback (most recent call last):',
    '  File "/usr/local/lib/python3.11/site-packages/ray/dashboard/optional_utils.py", line 109, in _decorator_impl',
    '    return await f(self, *args, **kwargs)',
    '  File "/usr/local/lib/python3.11/site-packages/ray/dashboard/modules/serve/serve_head.py", line 141, in put_all_applications',
    '    config: ServeDeploySchema = ServeDeploySchema.model_validate(await req.json())',
    '  File "/usr/local/lib/python3.11/json/decoder.py", line 355, in raw_decode',
    '    raise JSONDecodeError("Expecting value", s, err.value) from None',
    `json.decoder.JSONDecodeError: ${detail}`,
    '',
  ].join('\n');

function jsonError(body: string): string {
  try {
    JSON.parse(body);
    return '';
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const pos = m ? Number(m[1]) : 0;
    const line = body.slice(0, pos).split('\n').length;
    const col = pos - body.lastIndexOf('\n', pos - 1);
    return `Expecting value: line ${line} column ${col} (char ${pos})`;
  }
}

/** Ray's dashboard routes for Serve, plus the node's /metrics, as one request handler. */
export function handleRest(backend: RestBackend, method: string, rawPath: string, headers: SimHeaders = {}, body = ''): SimResponse {
  const url = new URL(rawPath, 'http://127.0.0.1');
  const path = url.pathname;
  const verb = method.toUpperCase();
  if (path === '/metrics' && verb === 'GET') {
    const format = negotiateFormat(header(headers, 'accept'));
    return { status: 200, headers: { 'content-type': contentTypeOf(format) }, body: backend.metrics(format) };
  }
  if ((verb === 'PUT' || verb === 'POST') && isBrowser(headers)) return text(405, `'${verb}' method not allowed for browser traffic.`);
  if (backend.authToken !== undefined && path.startsWith('/api/')) {
    const token = presentedToken(headers);
    if (token === undefined || token === '') return text(401, 'Unauthorized: Missing authentication token');
    if (token !== backend.authToken) return text(403, 'Forbidden: Invalid authentication token');
  }
  if (path === '/api/ray/version' && verb === 'GET') {
    const payload = { version: '2', ray_version: RAY_VERSION, ray_commit: RAY_COMMIT, session_name: backend.sessionName };
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(payload) };
  }
  if (path !== '/api/serve/applications/') return text(404, '404: Not Found');
  if (verb === 'GET') {
    const apiType = url.searchParams.get('api_type') ?? undefined;
    if (apiType !== undefined && apiType !== 'declarative' && apiType !== 'imperative') {
      return text(400, `Invalid 'api_type' value: ${apiType}. Must be one of ['imperative', 'declarative'].`);
    }
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(backend.instanceDetails(apiType)) };
  }
  if (verb === 'PUT') {
    const decodeError = jsonError(body);
    if (decodeError) return text(500, JSON_DECODE_TRACEBACK(decodeError));
    const parsed = parseDeployRequest(JSON.parse(body));
    if (!parsed.ok) return text(400, parsed.message);
    backend.deploy(parsed.value);
    return { status: 200, headers: { 'content-type': TEXT }, body: '' };
  }
  if (verb === 'DELETE') {
    backend.shutdown();
    return { status: 200, headers: { 'content-type': TEXT }, body: '' };
  }
  return text(405, '405: Method Not Allowed');
}
