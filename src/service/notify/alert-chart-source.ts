import { alertTarget, firingSince } from '../../core/slack-render/alert-style.js';
import { chartQueryForAlert, selectAlertSeries } from '../../core/chart/chart-query.js';
import type { Alert } from '../../core/model/alert.js';
import type { AlertRule } from '../../core/model/rule.js';
import type { QueryEngine } from '../../core/query/types.js';
import type { Logger } from '../../log/create-logger.js';

export interface AlertChart {
  readonly data: Buffer;
  readonly filename: string;
  readonly title: string;
  readonly altText: string;
}

/** Renders the chart for an alert, or null when there is nothing to chart. Never throws. */
export type AlertChartSource = (alert: Alert, nowMs: number) => Promise<AlertChart | null>;

export interface AlertChartSourceOptions {
  readonly queryEngine: QueryEngine;
  readonly listRules: () => readonly AlertRule[] | Promise<readonly AlertRule[]>;
  readonly logger: Logger;
  readonly windowMs?: number;
}

/**
 * The chart that goes into the thread: the alert's expression (without its threshold) over the
 * last hour, only the alerting workload's series, the threshold as a line, the firing start as
 * a marker. The canvas module is loaded on first use, so commands that never chart skip it.
 */
export function createAlertChartSource(options: AlertChartSourceOptions): AlertChartSource {
  const windowMs = options.windowMs ?? 3600_000;
  return async (alert, nowMs) => {
    try {
      const query = chartQueryForAlert(alert, await options.listRules());
      if (!query) return null;
      const windowStart = nowMs - windowMs;
      const stepMs = Math.max(15_000, Math.round(windowMs / 240));
      const series = selectAlertSeries(await options.queryEngine.rangeQuery(query.expr, windowStart, nowMs, stepMs), alert.labels);
      if (series.length === 0) return null;
      // Right after a start there is less than an hour of data: chart what there is, not an empty left side.
      const firstSample = Math.min(...series.map((s) => s.points[0]?.timestampMs ?? nowMs));
      const startMs = firstSample - windowStart > 5 * 60_000 ? Math.floor((firstSample - 60_000) / 60_000) * 60_000 : windowStart;
      const thresholdSeries = query.thresholdExpr
        ? selectAlertSeries(await options.queryEngine.rangeQuery(query.thresholdExpr, windowStart, nowMs, stepMs).catch(() => []), alert.labels, 1)
        : [];
      const { renderChartPng } = await import('../../core/chart/render-chart-png.js');
      const target = alertTarget(alert);
      const title = `${alert.name}${target ? ` — ${target}` : ''}`;
      const since = firingSince(alert);
      const data = renderChartPng({
        title,
        series,
        startMs,
        endMs: nowMs,
        stepMs,
        ...(query.threshold !== undefined ? { threshold: query.threshold } : {}),
        ...(thresholdSeries.length > 0 ? { thresholdSeries } : {}),
        markerMs: since,
        markerLabel: `fired ${new Date(since).toISOString().slice(11, 16)}`,
      });
      const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
      const filename = `${`${alert.name}-${target || 'all'}`.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${stamp}.png`;
      const minutes = Math.round((nowMs - startMs) / 60_000);
      return { data, filename, title: `${title} (last ${minutes} min)`, altText: `Chart of ${query.expr} over the last ${minutes} minutes` };
    } catch (err) {
      options.logger.warn({ alert: alert.name, err: (err as Error).message }, 'could not render the alert chart');
      return null;
    }
  };
}
