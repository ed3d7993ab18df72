import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { humanizeNumber } from '../humanize-number.js';
import type { RangeSeries } from '../query/types.js';
import { chartFont, registerChartFont } from './chart-font.js';
import { computeTimeTicks, computeYAxis, formatTimeTick, splitRuns } from './chart-layout.js';
import { seriesLegend } from './chart-query.js';

export interface ChartInput {
  readonly title: string;
  readonly series: readonly RangeSeries[];
  readonly startMs: number;
  readonly endMs: number;
  readonly threshold?: number;
  /** A threshold that moves (the rule compares against an expression): drawn dashed. */
  readonly thresholdSeries?: readonly RangeSeries[];
  /** A vertical marker, e.g. when the alert started firing. */
  readonly markerMs?: number;
  readonly markerLabel?: string;
  /** Expected sample spacing; longer gaps break the line. */
  readonly stepMs?: number;
  readonly width?: number;
  readonly height?: number;
}

/** Colour-blind-safe palette (Okabe–Ito), readable on white. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const THRESHOLD_COLOR = '#C0392B';

/**
 * Renders a line chart of the series as a PNG: title, legend (application/deployment), y axis
 * with humanized values, UTC time axis, the threshold as a dashed line and the firing start as
 * a marker. Sized for Slack's image preview on a phone: few, large labels.
 */
export function renderChartPng(input: ChartInput): Buffer {
  registerChartFont();
  const width = input.width ?? 1000;
  const height = input.height ?? 500;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#FFFFFF';
  ctx.fillRect(0, 0, width, height);

  ctx.fillStyle = '#1D1C1D';
  ctx.font = chartFont(26, 'bold');
  ctx.textBaseline = 'top';
  ctx.fillText(fitText(ctx, input.title, width - 40), 20, 14);

  const legendBottom = drawLegend(ctx, input.series, 20, 52, width - 40, (input.thresholdSeries?.length ?? 0) > 0);

  const values = input.series.flatMap((s) => s.points.map((p) => p.value));
  if (input.threshold !== undefined) values.push(input.threshold);
  for (const t of input.thresholdSeries ?? []) values.push(...t.points.map((p) => p.value));
  const y = computeYAxis(values);
  ctx.font = chartFont(18);
  const yLabelWidth = Math.max(...y.ticks.map((t) => ctx.measureText(humanizeNumber(t)).width));
  const plot = { left: 24 + yLabelWidth, top: legendBottom + 14, right: width - 36, bottom: height - 58 };
  const xOf = (t: number) => plot.left + ((t - input.startMs) / Math.max(1, input.endMs - input.startMs)) * (plot.right - plot.left);
  const yOf = (v: number) => plot.bottom - ((v - y.min) / Math.max(Number.EPSILON, y.max - y.min)) * (plot.bottom - plot.top);

  // Grid and y labels.
  ctx.strokeStyle = '#E8E8E8';
  ctx.lineWidth = 1;
  ctx.fillStyle = '#616061';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of y.ticks) {
    const py = Math.round(yOf(t)) + 0.5;
    line(ctx, plot.left, py, plot.right, py);
    ctx.fillText(humanizeNumber(t), plot.left - 8, py);
  }

  // Time axis.
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of computeTimeTicks(input.startMs, input.endMs)) {
    const px = Math.round(xOf(t)) + 0.5;
    ctx.strokeStyle = '#F2F2F2';
    line(ctx, px, plot.top, px, plot.bottom);
    ctx.fillText(formatTimeTick(t), px, plot.bottom + 8);
  }
  ctx.textAlign = 'right';
  ctx.font = chartFont(15);
  ctx.fillText('UTC', plot.right, height - 24);
  ctx.strokeStyle = '#BBBBBB';
  line(ctx, plot.left, plot.bottom + 0.5, plot.right, plot.bottom + 0.5);

  if (input.threshold !== undefined) {
    const py = yOf(input.threshold);
    ctx.strokeStyle = THRESHOLD_COLOR;
    ctx.lineWidth = 2;
    ctx.setLineDash([10, 6]);
    line(ctx, plot.left, py, plot.right, py);
    ctx.setLineDash([]);
    ctx.fillStyle = THRESHOLD_COLOR;
    ctx.font = chartFont(16);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(`threshold ${humanizeNumber(input.threshold)}`, plot.left + 6, py - 4);
  }

  if (input.markerMs !== undefined && input.markerMs >= input.startMs && input.markerMs <= input.endMs) {
    const px = xOf(input.markerMs);
    ctx.strokeStyle = '#7A7A7A';
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 4]);
    line(ctx, px, plot.top, px, plot.bottom);
    ctx.setLineDash([]);
    ctx.fillStyle = '#616061';
    ctx.font = chartFont(15);
    const label = input.markerLabel ?? 'fired';
    // Near the right edge the label goes on the left of the line, so it is never cut off.
    const fitsRight = px + 4 + ctx.measureText(label).width <= plot.right;
    ctx.textAlign = fitsRight ? 'left' : 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(label, fitsRight ? px + 4 : px - 4, plot.top + 2);
  }

  // Series lines, clipped to the plot.
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.left, plot.top - 2, plot.right - plot.left, plot.bottom - plot.top + 4);
  ctx.clip();
  const maxGap = (input.stepMs ?? 60_000) * 2.5;
  ctx.strokeStyle = THRESHOLD_COLOR;
  ctx.lineWidth = 2;
  ctx.setLineDash([10, 6]);
  for (const t of input.thresholdSeries ?? []) {
    for (const run of splitRuns(t.points, maxGap)) {
      ctx.beginPath();
      run.forEach((p, j) => (j === 0 ? ctx.moveTo(xOf(p.timestampMs), yOf(p.value)) : ctx.lineTo(xOf(p.timestampMs), yOf(p.value))));
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);
  input.series.forEach((s, i) => {
    ctx.strokeStyle = PALETTE[i % PALETTE.length]!;
    ctx.lineWidth = 3;
    ctx.lineJoin = 'round';
    for (const run of splitRuns(s.points, maxGap)) {
      ctx.beginPath();
      run.forEach((p, j) => (j === 0 ? ctx.moveTo(xOf(p.timestampMs), yOf(p.value)) : ctx.lineTo(xOf(p.timestampMs), yOf(p.value))));
      if (run.length === 1) ctx.arc(xOf(run[0]!.timestampMs), yOf(run[0]!.value), 2, 0, Math.PI * 2);
      ctx.stroke();
    }
  });
  ctx.restore();

  if (input.series.length === 0) {
    ctx.fillStyle = '#616061';
    ctx.font = chartFont(20);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('no data in this window', (plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2);
  }
  return canvas.toBuffer('image/png');
}

function line(ctx: SKRSContext2D, x1: number, y1: number, x2: number, y2: number): void {
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
}

function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > maxWidth) t = t.slice(0, -1);
  return `${t}…`;
}

/** Legend entries flow left to right and wrap; returns the y below the legend. */
function drawLegend(ctx: SKRSContext2D, series: readonly RangeSeries[], x0: number, y0: number, maxWidth: number, withThreshold: boolean): number {
  ctx.font = chartFont(18);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let x = x0;
  let y = y0 + 11;
  series.forEach((s, i) => {
    const label = fitText(ctx, seriesLegend(s.labels), maxWidth - 40);
    const w = 30 + ctx.measureText(label).width + 24;
    if (x + w > x0 + maxWidth && x > x0) {
      x = x0;
      y += 26;
    }
    ctx.fillStyle = PALETTE[i % PALETTE.length]!;
    ctx.fillRect(x, y - 3, 22, 6);
    ctx.fillStyle = '#1D1C1D';
    ctx.fillText(label, x + 30, y);
    x += w;
  });
  if (withThreshold) {
    const w = 30 + ctx.measureText('threshold').width;
    if (x + w > x0 + maxWidth && x > x0) {
      x = x0;
      y += 26;
    }
    ctx.strokeStyle = THRESHOLD_COLOR;
    ctx.lineWidth = 3;
    ctx.setLineDash([7, 4]);
    line(ctx, x, y, x + 22, y);
    ctx.setLineDash([]);
    ctx.fillStyle = '#1D1C1D';
    ctx.fillText('threshold', x + 30, y);
  }
  return series.length > 0 || withThreshold ? y + 13 : y0;
}
