import { describe, expect, it } from 'vitest';
import { alertFingerprint } from '../../src/core/alerts/alert-fingerprint.js';
import { evaluateAlertRule, RESOLVED_RETENTION_MS } from '../../src/core/alerts/evaluate-alert-rule.js';
import { toAlertVector, type RuleResult } from '../../src/core/alerts/to-alert-vector.js';
import type { Alert, AlertEvent } from '../../src/core/model/alert.js';
import type { AlertRule } from '../../src/core/model/rule.js';

const T0 = Date.UTC(2026, 0, 1);
const S = 1000;
const M = 60 * S;

const RULE: AlertRule = {
  alert: 'ServeHighLatency',
  expr: 'p99 > 2000',
  for_ms: 5 * M,
  keep_firing_for_ms: 0,
  labels: { severity: 'warning' },
  annotations: { summary: '{{ $labels.application }}: p99 {{ $value | humanize }} ms' },
  checklist: [],
  diagnose: [],
  source: 'rules/latency.yaml:5',
};

const sample = (application: string, value: number) => ({ labels: { __name__: 'p99', application }, timestampMs: 0, value });
const vec = (...samples: ReturnType<typeof sample>[]): RuleResult => ({ vector: samples });

/** Runs a rule over a timeline of results and collects states and events. */
function run(rule: AlertRule, steps: readonly [number, RuleResult][], initial: readonly Alert[] = []) {
  let alerts: readonly Alert[] = initial;
  const events: AlertEvent[] = [];
  const errors: string[] = [];
  const states: (readonly Alert[])[] = [];
  for (const [t, result] of steps) {
    const out = evaluateAlertRule({ rule, previous: alerts, result, timeMs: t });
    alerts = out.alerts;
    events.push(...out.events);
    if (out.error) errors.push(out.error);
    states.push(out.alerts);
  }
  return { alerts, events, errors, states };
}

const kinds = (events: readonly AlertEvent[]) => events.map((e) => `${e.kind}@${(e.atMs - T0) / S}s`);

describe('alert fingerprints', () => {
  it('equal Alertmanager 0.25 fingerprints of the same label sets (captured from its API)', () => {
    expect(alertFingerprint({ alertname: 'ServeHighLatency', application: 'app1', severity: 'warning' })).toBe('28aed796e3bd8bda');
    expect(alertFingerprint({ alertname: 'A', job: 'api', b: 'é' })).toBe('a2a8380feec1a02c');
  });

  it('do not depend on label order', () => {
    expect(alertFingerprint({ b: '1', a: '2' })).toBe(alertFingerprint({ a: '2', b: '1' }));
  });
});

describe('alert lifecycle', () => {
  it('builds one alert per label set: series labels without __name__, templated rule labels, alertname; templated annotations', () => {
    const rule = { ...RULE, labels: { severity: 'warning', team: '{{ $labels.application }}-oncall', level: '{{ if }}' } };
    const out = evaluateAlertRule({ rule, previous: [], result: vec(sample('app1', 2345.6)), timeMs: T0 });
    expect(out.events).toEqual([]);
    expect(out.alerts).toHaveLength(1);
    const alert = out.alerts[0]!;
    expect(alert.labels).toEqual({
      alertname: 'ServeHighLatency',
      application: 'app1',
      severity: 'warning',
      team: 'app1-oncall',
      level: '<error expanding template: error parsing template __alert_ServeHighLatency: template: __alert_ServeHighLatency:1:115: "if" is not supported in serve-medic templates (supported: $labels.NAME, $value, $externalLabels.NAME (or .Labels.NAME, .Value, .ExternalLabels.NAME), string and number constants, pipelines, and the functions humanize, humanize1024, humanizePercentage, humanizeDuration, printf, toUpper, toLower, title)>',
    });
    expect(alert).toMatchObject({
      name: 'ServeHighLatency',
      state: 'pending',
      activeAtMs: T0,
      value: 2345.6,
      source: 'rules',
      annotations: { summary: 'app1: p99 2.346k ms' },
      fingerprint: alertFingerprint(alert.labels),
    });
  });

  it('fires at the first evaluation where the alert has been active for at least `for`, once', () => {
    const steps: [number, RuleResult][] = [0, 1, 2, 3, 4, 5, 6, 7].map((m) => [T0 + m * M, vec(sample('app1', 3000))]);
    const { events, states } = run(RULE, steps);
    expect(kinds(events)).toEqual(['firing@300s']);
    expect(states.map((s) => s[0]!.state)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'firing', 'firing', 'firing']);
    expect(states[7]![0]).toMatchObject({ activeAtMs: T0, firedAtMs: T0 + 5 * M });
  });

  it('fires at once when `for` is 0', () => {
    const { events } = run({ ...RULE, for_ms: 0 }, [[T0, vec(sample('app1', 3000))]]);
    expect(kinds(events)).toEqual(['firing@0s']);
  });

  it('drops a pending alert silently when the expression stops returning it', () => {
    const { events, alerts } = run(RULE, [
      [T0, vec(sample('app1', 3000))],
      [T0 + M, vec()],
    ]);
    expect(events).toEqual([]);
    expect(alerts).toEqual([]);
  });

  it('resolves a firing alert, keeps it 15 minutes, then forgets it', () => {
    const rule = { ...RULE, for_ms: 0 };
    const { events, states } = run(rule, [
      [T0, vec(sample('app1', 3000))],
      [T0 + M, vec()],
      [T0 + M + RESOLVED_RETENTION_MS, vec()],
      [T0 + M + RESOLVED_RETENTION_MS + S, vec()],
    ]);
    expect(kinds(events)).toEqual(['firing@0s', 'resolved@60s']);
    expect(states[1]![0]).toMatchObject({ state: 'inactive', resolvedAtMs: T0 + M, firedAtMs: T0, value: 3000 });
    expect(states[2]).toHaveLength(1);
    expect(states[3]).toEqual([]);
  });

  it('keeps a firing alert firing for keep_firing_for after the expression stops returning it', () => {
    const rule = { ...RULE, for_ms: 0, keep_firing_for_ms: 2 * M };
    const { events, states } = run(rule, [
      [T0, vec(sample('app1', 3000))],
      [T0 + M, vec()],
      [T0 + 2 * M, vec(sample('app1', 2500))],
      [T0 + 3 * M, vec()],
      [T0 + 4 * M, vec()],
      [T0 + 5 * M, vec()],
    ]);
    expect(kinds(events)).toEqual(['firing@0s', 'resolved@300s']);
    expect(states[1]![0]).toMatchObject({ state: 'firing', keepFiringSinceMs: T0 + M, value: 3000 });
    expect(states[2]![0]).toMatchObject({ state: 'firing', value: 2500 });
    expect(states[2]![0]!.keepFiringSinceMs).toBeUndefined();
    expect(states[3]![0]).toMatchObject({ state: 'firing', keepFiringSinceMs: T0 + 3 * M });
    expect(states[4]![0]).toMatchObject({ state: 'firing', keepFiringSinceMs: T0 + 3 * M });
    expect(states[5]![0]).toMatchObject({ state: 'inactive', resolvedAtMs: T0 + 5 * M });
  });

  it('does not hold a pending alert with keep_firing_for', () => {
    const rule = { ...RULE, keep_firing_for_ms: 10 * M };
    const { events, alerts } = run(rule, [
      [T0, vec(sample('app1', 3000))],
      [T0 + M, vec()],
    ]);
    expect(events).toEqual([]);
    expect(alerts).toEqual([]);
  });

  it('treats a flapping alert as a new alert each time: pending again, `for` again, a new firing event', () => {
    const rule = { ...RULE, for_ms: 2 * M };
    const on = vec(sample('app1', 3000));
    const { events, states } = run(rule, [
      [T0, on],
      [T0 + 2 * M, on],
      [T0 + 3 * M, vec()],
      [T0 + 4 * M, on],
      [T0 + 5 * M, on],
      [T0 + 6 * M, on],
    ]);
    expect(kinds(events)).toEqual(['firing@120s', 'resolved@180s', 'firing@360s']);
    expect(states[3]![0]).toMatchObject({ state: 'pending', activeAtMs: T0 + 4 * M });
    expect(states[3]![0]!.resolvedAtMs).toBeUndefined();
  });

  it('tracks label sets independently and updates value and annotations while active', () => {
    const rule = { ...RULE, for_ms: M };
    const { events, states } = run(rule, [
      [T0, vec(sample('app1', 3000))],
      [T0 + M, vec(sample('app1', 4000), sample('app2', 5000))],
      [T0 + 2 * M, vec(sample('app2', 6000))],
    ]);
    expect(events.map((e) => `${e.kind} ${e.alert.labels.application} ${(e.atMs - T0) / S}s`)).toEqual(['firing app1 60s', 'resolved app1 120s', 'firing app2 120s']);
    const app2 = states[2]!.find((a) => a.labels.application === 'app2')!;
    expect(app2).toMatchObject({ value: 6000, annotations: { summary: 'app2: p99 6k ms' } });
  });

  it('keeps the previous state and reports the error when the expression fails', () => {
    const rule = { ...RULE, for_ms: 0 };
    const first = evaluateAlertRule({ rule, previous: [], result: vec(sample('app1', 3000)), timeMs: T0 });
    const failed = evaluateAlertRule({ rule, previous: first.alerts, result: { error: 'Prometheus did not answer' }, timeMs: T0 + M });
    expect(failed).toEqual({ alerts: first.alerts, events: [], error: 'Prometheus did not answer' });
  });

  it('fails like Prometheus when two series have the same label set once the rule labels are applied', () => {
    const rule = { ...RULE, labels: { application: 'all' } };
    const out = evaluateAlertRule({ rule, previous: [], result: vec(sample('app1', 1), sample('app2', 2)), timeMs: T0 });
    expect(out).toEqual({ alerts: [], events: [], error: 'vector contains metrics with the same labelset after applying alert labels' });
  });

  it('sends a firing alert back to pending, with a resolved event, when a reload lengthens `for`', () => {
    const fired = run({ ...RULE, for_ms: 0 }, [[T0, vec(sample('app1', 3000))]]);
    const out = evaluateAlertRule({ rule: { ...RULE, for_ms: 10 * M }, previous: fired.alerts, result: vec(sample('app1', 3000)), timeMs: T0 + M });
    expect(out.alerts[0]).toMatchObject({ state: 'pending', activeAtMs: T0 });
    expect(out.alerts[0]!.firedAtMs).toBeUndefined();
    expect(kinds(out.events)).toEqual(['resolved@60s']);
  });

  it('turns a scalar result into one alert with the rule labels, and rejects other result types', () => {
    expect(toAlertVector({ resultType: 'scalar', result: { timestampMs: T0, value: 1 } })).toEqual({ vector: [{ labels: {}, timestampMs: T0, value: 1 }] });
    expect(toAlertVector({ resultType: 'string', result: { timestampMs: T0, value: 'x' } })).toEqual({ error: 'rule result is not a vector or scalar (got a string)' });
    const out = evaluateAlertRule({ rule: { ...RULE, for_ms: 0 }, previous: [], result: toAlertVector({ resultType: 'scalar', result: { timestampMs: T0, value: 1 } }), timeMs: T0 });
    expect(out.alerts[0]!.labels).toEqual({ alertname: 'ServeHighLatency', severity: 'warning' });
  });
});
