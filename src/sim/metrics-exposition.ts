import type { Labels } from '../core/labels.js';
import { FAMILY_ORDER } from './metric-catalogue.js';
import type { MetricFamily } from './metric-catalogue.js';
import type { ExportedSeries, MetricsRegistry } from './metrics-registry.js';
import { formatGoFloat } from './py-float.js';

export type SimExpositionFormat = 'text' | 'openmetrics';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** As the captured Ray 2.58 agent answered (prometheus_client adds the escaping scheme). */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores';

/** Ray's agent answers OpenMetrics only when the Accept header asks for it. */
export function negotiateFormat(accept: string | undefined): SimExpositionFormat {
  return accept !== undefined && accept.includes('application/openmetrics-text') ? 'openmetrics' : 'text';
}

export function contentTypeOf(format: SimExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(help: string, format: SimExpositionFormat): string {
  const s = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? s.replace(/"/g, '\\"') : s;
}

/** Labels sorted by name, as the exporter prints them (`le` takes its sorted place). */
function renderLabels(labels: Labels): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  return `{${names.map((n) => `${n}="${escapeLabelValue(labels[n] ?? '')}"`).join(',')}}`;
}

/** One schema per family: the union of label names, "" where a series lacks one. */
function unifyLabels(series: readonly ExportedSeries[]): Labels[] {
  const names = new Set<string>();
  for (const s of series) for (const n of Object.keys(s.labels)) names.add(n);
  return series.map((s) => {
    const out: Record<string, string> = {};
    for (const n of names) out[n] = s.labels[n] ?? '';
    return out;
  });
}

function renderFamily(family: MetricFamily, series: readonly ExportedSeries[], format: SimExpositionFormat): string[] {
  const isCounter = family.type === 'counter';
  const headerName = isCounter && format === 'text' ? `${family.name}_total` : family.name;
  const lines = [`# HELP ${headerName} ${escapeHelp(family.help, format)}`, `# TYPE ${headerName} ${family.type}`];
  const labelSets = unifyLabels(series);
  series.forEach((s, i) => {
    const labels = labelSets[i]!;
    if (family.type === 'histogram') {
      const bounds = family.buckets ?? [];
      let cumulative = 0;
      for (let b = 0; b <= bounds.length; b++) {
        cumulative += s.data.buckets?.[b] ?? 0;
        const le = b < bounds.length ? formatGoFloat(bounds[b]!) : '+Inf';
        lines.push(`${family.name}_bucket${renderLabels({ ...labels, le })} ${formatGoFloat(cumulative)}`);
      }
      lines.push(`${family.name}_count${renderLabels(labels)} ${formatGoFloat(s.data.count ?? 0)}`);
      lines.push(`${family.name}_sum${renderLabels(labels)} ${formatGoFloat(s.data.sum ?? 0)}`);
    } else {
      const name = isCounter ? `${family.name}_total` : family.name;
      lines.push(`${name}${renderLabels(labels)} ${formatGoFloat(s.data.value)}`);
    }
  });
  return lines;
}

/** The node's /metrics body as it stands at `now` (the last shipped copy of every process). */
export function renderExposition(registry: MetricsRegistry, now: number, format: SimExpositionFormat): string {
  const lines: string[] = [];
  for (const family of FAMILY_ORDER) {
    const series = registry.exported(family, now);
    if (series.length > 0) lines.push(...renderFamily(family, series, format));
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return lines.join('\n') + '\n';
}
