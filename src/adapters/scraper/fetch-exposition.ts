import { createGunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { ServeMedicError } from '../../errors.js';

/** What Prometheus 2.x asks for: OpenMetrics first, then the text format. */
export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export interface FetchedExposition {
  readonly body: string;
  readonly contentType: string | undefined;
  readonly bytes: number;
}

export interface FetchExpositionOptions {
  readonly timeoutMs: number;
  readonly bodyLimitBytes: number;
  readonly dispatcher?: Dispatcher;
}

function fail(url: string, reason: string, cause?: unknown): never {
  throw new ServeMedicError('SCRAPE_FAILED', `${url}: ${reason}`, { cause, details: { reason } });
}

/**
 * GETs one metrics endpoint: Prometheus's Accept header, gzip, a timeout for the whole scrape and
 * a limit on the decompressed body (a runaway exporter must not exhaust our memory).
 */
export async function fetchExposition(url: string, options: FetchExpositionOptions): Promise<FetchedExposition> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs);
  try {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        signal: abort.signal,
        headers: {
          accept: SCRAPE_ACCEPT,
          'accept-encoding': 'gzip',
          'user-agent': 'serve-medic',
          'x-prometheus-scrape-timeout-seconds': String(options.timeoutMs / 1000),
        },
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
    } catch (err) {
      fail(url, abort.signal.aborted ? `timed out after ${options.timeoutMs} ms` : (err as Error).message, err);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      fail(url, `server returned HTTP status ${res.statusCode}`);
    }
    const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
    const source = encoding === 'gzip' ? res.body.pipe(createGunzip()) : res.body;
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > options.bodyLimitBytes) {
          abort.abort();
          fail(url, `body exceeds the limit of ${options.bodyLimitBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof ServeMedicError) throw err;
      fail(url, abort.signal.aborted ? `timed out after ${options.timeoutMs} ms` : `reading body: ${(err as Error).message}`, err);
    }
    const ct = res.headers['content-type'];
    return { body: Buffer.concat(chunks).toString('utf8'), contentType: Array.isArray(ct) ? ct[0] : ct, bytes };
  } finally {
    clearTimeout(timer);
  }
}
