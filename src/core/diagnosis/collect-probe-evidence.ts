import type { Evidence } from '../model/diagnosis.js';
import type { DiagnosisTarget, ProbeResult } from './diagnosis-input.js';
import { exceedFactor, probeThreshold } from './probe-threshold.js';
import { describeScope, inTarget, seriesScope } from './series-scope.js';

/**
 * Turns probe results into evidence per checklist item. A probe that returned at least one
 * series of the target confirms its item. Each confirming probe adds a strength of
 * 10 × (1 + min(2, log10(factor))), where factor is how far the strongest series is past the
 * probe's threshold (1 when the probe has none): 10 for "just over", 20 at 10x, 30 at 100x and
 * beyond. Per deployment, the same strength is remembered, so the diagnosis can tell which
 * deployment of an application the evidence points at.
 */
export interface ItemEvidence {
  readonly evidence: Evidence[];
  /** Sum over confirming probes of their strength. */
  strength: number;
  /** Strength per deployment name, for series that name one. */
  readonly deployments: Map<string, number>;
  /** Names of the probes that confirmed the item. */
  readonly probes: Set<string>;
  /** Largest value of each probe, by probe name (the remediation reads some of them). */
  readonly values: Map<string, number>;
}

const MAX_SERIES_PER_PROBE = 3;

export function probeStrength(factor: number): number {
  return 10 * (1 + Math.min(2, Math.log10(Math.max(1, factor))));
}

/** Numbers as people read them: 340, 8.7, 1.25, 0.0512; shares as percentages. */
export function formatValue(value: number, share = false): string {
  if (!Number.isFinite(value)) return String(value);
  if (share) return `${trim((value * 100).toPrecision(3))}%`;
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (abs >= 10) return trim(value.toFixed(1));
  return trim(value.toPrecision(3));
}

function trim(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}

export function emptyItemEvidence(): ItemEvidence {
  return { evidence: [], strength: 0, deployments: new Map(), probes: new Set(), values: new Map() };
}

export function collectProbeEvidence(results: readonly ProbeResult[], target: DiagnosisTarget): Map<string, ItemEvidence> {
  const byItem = new Map<string, ItemEvidence>();
  for (const result of results) {
    if (result.error) continue;
    const threshold = probeThreshold(result.probe.expr);
    const share = /^share\b/i.test(result.probe.name);
    const series = result.samples
      .map((s) => ({ sample: s, scope: seriesScope(s.labels) }))
      .filter(({ scope, sample }) => inTarget(scope, target) && !Number.isNaN(sample.value))
      .map((x) => ({ ...x, factor: exceedFactor(x.sample.value, threshold) }))
      .sort((a, b) => b.factor - a.factor);
    if (series.length === 0) continue;

    const item = byItem.get(result.probe.confirms) ?? emptyItemEvidence();
    byItem.set(result.probe.confirms, item);
    if (item.probes.has(result.probe.name)) continue; // the same reading from another rule
    item.probes.add(result.probe.name);
    item.strength += probeStrength(series[0]!.factor);
    item.values.set(result.probe.name, series[0]!.sample.value);
    for (const { scope, factor } of series) {
      if (scope.deployment) item.deployments.set(scope.deployment, Math.max(item.deployments.get(scope.deployment) ?? 0, probeStrength(factor)));
    }
    for (const { sample, scope } of series.slice(0, MAX_SERIES_PER_PROBE)) {
      const where = describeScope(scope);
      const limit = threshold ? ` (threshold ${threshold.op} ${formatValue(threshold.value, share)})` : '';
      item.evidence.push({
        source: 'probe',
        name: result.probe.name,
        text: `${formatValue(sample.value, share)}${limit}${where ? ` on ${where}` : ''}`,
        value: sample.value,
        expr: result.expr,
      });
    }
  }
  return byItem;
}
