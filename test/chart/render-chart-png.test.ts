import { sep } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { CHART_FONT_FAMILY, chartFont, chartFontFiles, registerChartFont } from '../../src/core/chart/chart-font.js';
import { computeTimeTicks, computeYAxis, niceStep, splitRuns } from '../../src/core/chart/chart-layout.js';
import { chartQueryForAlert, selectAlertSeries, seriesLegend, splitThreshold } from '../../src/core/chart/chart-query.js';
import { renderChartPng } from '../../src/core/chart/render-chart-png.js';
import { humanizeNumber } from '../../src/core/humanize-number.js';
import type { RangeSeries } from '../../src/core/query/types.js';
import { T0, alertFor, rules } from '../notify/notify-fixtures.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A fixture shaped like a range query result: queue length per deployment over the last hour. */
function fixture(): RangeSeries[] {
  const start = T0 - 3600_000;
  const points = (f: (i: number) => number) => Array.from({ length: 241 }, (_, i) => ({ timestampMs: start + i * 15_000, value: f(i) }));
  return [
    { labels: { application: 'checkout', deployment: 'Ingress' }, points: points((i) => (i < 150 ? 3 + Math.sin(i / 5) : 3 + (i - 150) * 4)) },
    { labels: { application: 'checkout', deployment: 'Model' }, points: points((i) => (i > 100 && i < 110 ? Number.NaN : 5 + Math.cos(i / 9))) },
  ];
}

function pngSize(png: Buffer): { width: number; height: number } {
  // IHDR is the first chunk: width and height are big-endian at bytes 16 and 20.
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('chart PNG', () => {
  it('renders a PNG of the requested size from a range series fixture', () => {
    const png = renderChartPng({ title: 'RayServeQueueBuildingUp — checkout/Ingress', series: fixture(), startMs: T0 - 3600_000, endMs: T0, threshold: 10, markerMs: T0 - 20 * 60_000, stepMs: 15_000 });
    expect(png.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(pngSize(png)).toEqual({ width: 1000, height: 500 });
    const small = renderChartPng({ title: 't', series: fixture(), startMs: T0 - 3600_000, endMs: T0, width: 640, height: 320 });
    expect(pngSize(small)).toEqual({ width: 640, height: 320 });
  });

  it('draws a threshold that is itself a series', () => {
    const [series] = fixture();
    const threshold = { labels: { application: 'checkout', deployment: 'Ingress' }, points: series!.points.map((p) => ({ timestampMs: p.timestampMs, value: 200 })) };
    const png = renderChartPng({ title: 'moving threshold', series: [series!], thresholdSeries: [threshold], startMs: T0 - 3600_000, endMs: T0, stepMs: 15_000 });
    expect(png.subarray(0, 8)).toEqual(PNG_MAGIC);
  });

  it('renders with no series at all (says there is no data)', () => {
    const png = renderChartPng({ title: 'empty', series: [], startMs: T0 - 3600_000, endMs: T0 });
    expect(png.subarray(0, 8)).toEqual(PNG_MAGIC);
  });

  it('draws its text with DejaVu Sans registered from the dejavu-fonts-ttf package, not a system font', () => {
    const { family, files } = registerChartFont();
    expect(family).toBe(CHART_FONT_FAMILY);
    for (const f of files) expect(f).toContain(`${sep}node_modules${sep}dejavu-fonts-ttf${sep}ttf${sep}`);
    expect(files).toEqual([chartFontFiles().regular, chartFontFiles().bold]);
    expect(GlobalFonts.has(CHART_FONT_FAMILY)).toBe(true);

    // The family name is ours alone, so text measured with it can only come from that file: it is
    // proportional (unlike a monospace fallback) and differs from an unregistered name's fallback.
    const ctx = createCanvas(10, 10).getContext('2d');
    ctx.font = chartFont(100);
    const ours = { i: ctx.measureText('iiii').width, m: ctx.measureText('MMMM').width };
    expect(ours.m).toBeGreaterThan(ours.i * 2);
    GlobalFonts.registerFromPath(chartFontFiles().regular.replace('DejaVuSans.ttf', 'DejaVuSansMono.ttf'), 'ServeMedic Test Mono');
    ctx.font = '100px "ServeMedic Test Mono"';
    expect(ctx.measureText('iiii').width).not.toBeCloseTo(ours.i, 0);
  });
});

describe('chart layout and query', () => {
  it('picks nice y ticks from zero and round time ticks', () => {
    expect(niceStep(23)).toBe(25);
    expect(niceStep(0.07)).toBeCloseTo(0.1);
    const y = computeYAxis([3, 340, 10]);
    expect(y.min).toBe(0);
    expect(y.max).toBeGreaterThanOrEqual(340);
    expect(y.ticks[0]).toBe(0);
    const t = computeTimeTicks(T0 - 3600_000, T0);
    expect(t.every((x) => x % (10 * 60_000) === 0)).toBe(true);
    expect(t.length).toBeLessThanOrEqual(7);
    expect(computeTimeTicks(T0 - 3600_000, T0, 5).every((x) => x % (15 * 60_000) === 0)).toBe(true);
  });

  it('breaks lines at gaps and NaN', () => {
    const runs = splitRuns(
      [
        { timestampMs: 0, value: 1 },
        { timestampMs: 15, value: 2 },
        { timestampMs: 30, value: Number.NaN },
        { timestampMs: 45, value: 3 },
        { timestampMs: 200, value: 4 },
      ],
      40,
    );
    expect(runs.map((r) => r.length)).toEqual([2, 1, 1]);
  });

  it('charts the rule expression without its threshold, and only the alerting workload', () => {
    expect(splitThreshold('sum by (application, deployment) (ray_serve_deployment_queued_queries) > 10')).toEqual({
      expr: 'sum by (application, deployment) (ray_serve_deployment_queued_queries)',
      threshold: 10,
      comparator: '>',
    });
    expect(splitThreshold('histogram_quantile(0.99, sum by (le) (rate(x_bucket{a="b>1"}[5m]))) >= 2.5e2').threshold).toBe(250);
    expect(splitThreshold('max(x > 1)')).toEqual({ expr: 'max(x > 1)' });
    expect(splitThreshold('a / on(app) b >= bool on(app) group_left() (max_over_time(m[2m]) + 1)')).toEqual({
      expr: 'a / on(app) b',
      thresholdExpr: '(max_over_time(m[2m]) + 1)',
      comparator: '>=',
    });
    expect(splitThreshold('sum(rate(x{code=~"5.."}[5m])) < 2')).toEqual({ expr: 'sum(rate(x{code=~"5.."}[5m]))', threshold: 2, comparator: '<' });
    expect(splitThreshold('0.5 < rate(x[1m])')).toEqual({ expr: 'rate(x[1m])', threshold: 0.5, comparator: '<' });
    expect(splitThreshold('a > 1 and b > 2')).toEqual({ expr: 'a > 1 and b > 2' });
    expect(chartQueryForAlert(alertFor(), rules)?.threshold).toBe(10);
    const fromAm = { ...alertFor({ name: 'FromAlertmanager' }), generatorUrl: 'http://prom:9090/graph?g0.expr=rate%28errors_total%5B5m%5D%29+%3E+0.05&g0.tab=1' };
    expect(chartQueryForAlert(fromAm, [])).toEqual({ expr: 'rate(errors_total[5m])', threshold: 0.05, comparator: '>' });

    const series = fixture();
    expect(selectAlertSeries(series, { application: 'checkout', deployment: 'Model' }).map((s) => seriesLegend(s.labels))).toEqual(['checkout/Model']);
    expect(selectAlertSeries(series, { application: 'other' })).toHaveLength(2);
  });

  it('humanizes values for axes and messages', () => {
    expect([0, 0.25, 3.456, 42.25, 340.2, 1234, 2_500_000, -1500].map(humanizeNumber)).toEqual(['0', '0.25', '3.46', '42.3', '340', '1.2k', '2.5M', '-1.5k']);
  });
});
