import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScrapeManager, type ScrapeSink } from '../../src/adapters/scraper/scrape-manager.js';
import { parseFileSd, TargetDiscovery, targetFromUrl, type ScrapeTarget } from '../../src/adapters/scraper/target-discovery.js';
import { SCRAPE_ACCEPT } from '../../src/adapters/scraper/fetch-exposition.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Labels } from '../../src/core/labels.js';
import { formatSeries } from '../../src/core/labels.js';
import { startHttpStub } from '../helpers/http-stub.js';

/** Records what the scraper writes, in order, as readable lines. */
class RecordingSink implements ScrapeSink {
  readonly writes: { series: string; t: number; value: number | 'stale' }[] = [];
  append(labels: Labels, t: number, value: number): void {
    this.writes.push({ series: formatSeries(labels), t, value });
  }
  markStale(labels: Labels, t: number): void {
    this.writes.push({ series: formatSeries(labels), t, value: 'stale' });
  }
  at(t: number) {
    return this.writes.filter((w) => w.t === t);
  }
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function exporter(bodies: (string | { status: number } | { gzip: string } | { contentType: string; body: string })[]) {
  let i = 0;
  const stub = await startHttpStub((_req, res) => {
    const b = bodies[Math.min(i++, bodies.length - 1)]!;
    if (typeof b === 'string') {
      res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
      res.end(b);
    } else if ('status' in b) {
      res.statusCode = b.status;
      res.end('no');
    } else if ('gzip' in b) {
      res.setHeader('content-encoding', 'gzip');
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(gzipSync(b.gzip));
    } else {
      res.setHeader('content-type', b.contentType);
      res.end(b.body);
    }
  });
  closers.push(stub.close);
  return stub;
}

function manager(sink: ScrapeSink, clock: ManualClock, extra: Partial<ConstructorParameters<typeof ScrapeManager>[0]> = {}) {
  return new ScrapeManager({ sink, clock, timeoutMs: 2000, bodyLimitBytes: 1_000_000, maxConcurrent: 2, ...extra });
}

describe('ScrapeManager', () => {
  it('stores samples with instance and job labels and records up, duration and sample count', async () => {
    const stub = await exporter(['# TYPE q gauge\nq{application="a"} 3\nq{application="b"} 4\n']);
    const sink = new RecordingSink();
    const clock = new ManualClock(1_000_000);
    const m = manager(sink, clock);
    m.setTargets([targetFromUrl(stub.url + '/metrics', 'ray')]);
    const [outcome] = await m.scrapeAll();
    expect(outcome?.ok).toBe(true);
    const instance = new URL(stub.url).host;
    const lines = sink.at(1_000_000).map((w) => `${w.series} ${w.value}`);
    expect(lines).toContain(`q{application="a", instance="${instance}", job="ray"} 3`);
    expect(lines).toContain(`up{instance="${instance}", job="ray"} 1`);
    expect(lines).toContain(`scrape_samples_scraped{instance="${instance}", job="ray"} 2`);
    expect(lines.some((l) => l.startsWith('scrape_duration_seconds{'))).toBe(true);
    expect(stub.requests[0]?.headers.accept).toBe(SCRAPE_ACCEPT);
    expect(stub.requests[0]?.headers['accept-encoding']).toBe('gzip');
  });

  it('ends a series that disappears from the target with a staleness marker', async () => {
    const stub = await exporter(['q{r="1"} 1\nq{r="2"} 2\n', 'q{r="1"} 1\n']);
    const sink = new RecordingSink();
    const clock = new ManualClock(0);
    const m = manager(sink, clock);
    m.setTargets([targetFromUrl(stub.url, 'ray')]);
    await m.scrapeAll();
    clock.advance(15_000);
    await m.scrapeAll();
    const second = sink.at(15_000).filter((w) => w.series.startsWith('q{'));
    expect(second.map((w) => [w.series.includes('r="2"'), w.value])).toEqual(
      expect.arrayContaining([[false, 1], [true, 'stale']]),
    );
  });

  it('rejects a scrape with one bad line whole, ends every series, records up=0 and logs once per streak', async () => {
    const stub = await exporter(['q 1\nz 2\n', 'q 1\nz{ 2\n', 'q 1\nz{ 2\n', 'q 1\nz 2\n']);
    const sink = new RecordingSink();
    const clock = new ManualClock(0);
    const logs: string[] = [];
    const m = manager(sink, clock, { log: (level, message) => logs.push(`${level} ${message}`) });
    m.setTargets([targetFromUrl(stub.url, 'ray')]);
    const outcomes = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(...(await m.scrapeAll()));
      clock.advance(15_000);
    }
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    expect(outcomes[1]?.error).toMatch(/EXPOSITION_INVALID: .*2:\d+/);
    const failed = sink.at(15_000);
    expect(failed.filter((w) => w.value === 'stale').map((w) => w.series.split('{')[0]).sort()).toEqual(['q', 'z']);
    expect(failed.find((w) => w.series.startsWith('up{'))?.value).toBe(0);
    expect(sink.at(30_000).filter((w) => w.series.startsWith('q')).length).toBe(0);
    expect(logs).toEqual(['warn scrape failed', 'info scrape recovered']);
  });

  it('decompresses gzip, negotiates OpenMetrics by Content-Type, and enforces the body limit', async () => {
    const om = await exporter([{ contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8', body: '# TYPE c counter\nc_total 5\n# EOF\n' }]);
    const gz = await exporter([{ gzip: 'g 7\n' }]);
    const big = await exporter(['x 1\n'.repeat(1000)]);
    const sink = new RecordingSink();
    const m = manager(sink, new ManualClock(0), { bodyLimitBytes: 1000 });
    m.setTargets([targetFromUrl(om.url, 'ray'), targetFromUrl(gz.url, 'ray'), targetFromUrl(big.url, 'ray')]);
    const outcomes = await m.scrapeAll();
    const byUrl = new Map(outcomes.map((o) => [o.target.url, o]));
    expect(byUrl.get(new URL(om.url).toString())?.ok).toBe(true);
    expect(byUrl.get(new URL(gz.url).toString())?.ok).toBe(true);
    expect(byUrl.get(new URL(big.url).toString())?.error).toMatch(/exceeds the limit of 1000 bytes/);
    expect(sink.writes.some((w) => w.series.startsWith('c_total{') && w.value === 5)).toBe(true);
    expect(sink.writes.some((w) => w.series.startsWith('g{') && w.value === 7)).toBe(true);
  });

  it('times out a hanging target without holding up the others', async () => {
    const hang = await startHttpStub(() => undefined);
    closers.push(hang.close);
    const ok = await exporter(['a 1\n']);
    const m = manager(new RecordingSink(), new ManualClock(0), { timeoutMs: 300 });
    m.setTargets([targetFromUrl(hang.url, 'ray'), targetFromUrl(ok.url, 'ray')]);
    const outcomes = await m.scrapeAll();
    expect(outcomes.find((o) => o.target.url.startsWith(hang.url))?.error).toMatch(/timed out after 300 ms/);
    expect(outcomes.find((o) => o.target.url.startsWith(ok.url))?.ok).toBe(true);
  });

  it('keeps target labels over exposed ones (exported_*) and drops empty label values', async () => {
    const stub = await exporter(['q{instance="inner",application=""} 1\n']);
    const sink = new RecordingSink();
    const m = manager(sink, new ManualClock(0));
    m.setTargets([targetFromUrl(stub.url, 'ray')]);
    await m.scrapeAll();
    const q = sink.writes.find((w) => w.series.startsWith('q{'))!;
    expect(q.series).toContain('exported_instance="inner"');
    expect(q.series).not.toContain('application=');
  });

  it('ends the series of a target removed from discovery', async () => {
    const stub = await exporter(['q 1\n']);
    const sink = new RecordingSink();
    const clock = new ManualClock(0);
    const m = manager(sink, clock);
    m.setTargets([targetFromUrl(stub.url, 'ray')]);
    await m.scrapeAll();
    clock.advance(5000);
    m.setTargets([]);
    expect(sink.at(5000).map((w) => `${w.series.split('{')[0]} ${w.value}`).sort()).toEqual([
      'q stale',
      'scrape_duration_seconds stale',
      'scrape_samples_scraped stale',
      'up stale',
    ]);
  });

  it('bounds concurrent scrapes', async () => {
    let inFlight = 0;
    let peak = 0;
    const stub = await startHttpStub(async (_req, res) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 50));
      inFlight--;
      res.end('a 1\n');
    });
    closers.push(stub.close);
    const m = manager(new RecordingSink(), new ManualClock(0), { maxConcurrent: 3 });
    m.setTargets(Array.from({ length: 9 }, (_, i) => targetFromUrl(`${stub.url}/metrics?n=${i}`, 'ray')));
    const outcomes = await m.scrapeAll();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(peak).toBe(3);
  });
});

describe('target discovery', () => {
  it("reads Ray's file_sd document with its labels", () => {
    const targets = parseFileSd(JSON.stringify([{ labels: { job: 'ray' }, targets: ['10.0.0.1:8080', '10.0.0.2:8080'] }]), 'x');
    expect(targets.map((t) => [t.url, t.labels.instance, t.labels.job])).toEqual([
      ['http://10.0.0.1:8080/metrics', '10.0.0.1:8080', 'ray'],
      ['http://10.0.0.2:8080/metrics', '10.0.0.2:8080', 'ray'],
    ]);
  });

  it('re-reads the discovery file when it changes and keeps the last good list when it breaks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-'));
    const file = join(dir, 'prom_metrics_service_discovery.json');
    writeFileSync(file, JSON.stringify([{ labels: { job: 'ray' }, targets: ['10.0.0.1:8080'] }]));
    const seen: ScrapeTarget[][] = [];
    const errors: string[] = [];
    const d = new TargetDiscovery({
      staticTargets: ['http://127.0.0.1:9999/metrics'],
      discoveryFile: file,
      job: 'ray',
      pollMs: 50,
      onChange: (t) => seen.push([...t]),
      onError: (e) => errors.push(e),
    });
    await d.start();
    try {
      expect(seen.at(-1)?.map((t) => t.labels.instance)).toEqual(['127.0.0.1:9999', '10.0.0.1:8080']);
      await new Promise((r) => setTimeout(r, 20));
      writeFileSync(file, JSON.stringify([{ labels: { job: 'ray' }, targets: ['10.0.0.1:8080', '10.0.0.3:8080'] }]));
      for (let i = 0; i < 40 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(seen.at(-1)?.map((t) => t.labels.instance)).toEqual(['127.0.0.1:9999', '10.0.0.1:8080', '10.0.0.3:8080']);
      await new Promise((r) => setTimeout(r, 20));
      writeFileSync(file, '{not json');
      for (let i = 0; i < 40 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(errors[0]).toMatch(/keeping 2 known target/);
      expect(d.current()).toHaveLength(3);
    } finally {
      d.stop();
    }
  });
});
