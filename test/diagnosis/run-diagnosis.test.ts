import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { DiagnoseFn } from '../../src/core/notify/notification.js';
import type { QueryEngine, QueryValue } from '../../src/core/query/types.js';
import { CONTEXT_QUERIES } from '../../src/core/diagnosis/context-queries.js';
import { createDiagnose, diagnosisTargetOf, renderProbeExpr } from '../../src/service/diagnosis/run-diagnosis.js';
import { createSimulatedCluster } from '../../src/service/diagnosis/simulated-cluster.js';
import { DEFAULT_GUARDRAILS, runningCluster, shippedRules } from './diagnosis-fixtures.js';

/** A query engine that answers from a table of expression fragments and records what it was asked. */
function fakeEngine(answers: readonly { match: RegExp; value: QueryValue }[], asked: { expr: string; at: number }[]): QueryEngine {
  return {
    async instantQuery(expr, timeMs) {
      asked.push({ expr, at: timeMs });
      if (expr.includes('BROKEN')) throw new Error('boom');
      return answers.find((a) => a.match.test(expr))?.value ?? { resultType: 'vector', result: [] };
    },
    async rangeQuery() {
      return [];
    },
  };
}

const vector = (labels: Record<string, string>, value: number): QueryValue => ({ resultType: 'vector', result: [{ labels, value, timestampMs: 0 }] });

describe('createDiagnose', () => {
  it("runs the probes at the requested time with the alert's labels rendered in, and reads the REST API", async () => {
    const { groups, checklist } = await shippedRules();
    const asked: { expr: string; at: number }[] = [];
    const engine = fakeEngine(
      [
        { match: /^sum by \(application, deployment\) \(ray_serve_deployment_queued_queries\{application="app_fast"\}\) > 10\s*$/, value: vector({ application: 'app_fast', deployment: 'Echo' }, 340) },
        { match: /ray_serve_autoscaling_target_ongoing_requests\{application="app_fast"\}\)$/, value: vector({ application: 'app_fast', deployment: 'Echo' }, 2) },
      ],
      asked,
    );
    let gets = 0;
    const diagnose = createDiagnose({
      queryEngine: engine,
      serveApi: { getApplications: async () => (gets++, runningCluster()) },
      groups,
      checklist,
      guardrails: DEFAULT_GUARDRAILS,
      cluster: 'prod',
      clock: new ManualClock(1_000_000),
    });
    // The notifier and the Slack command receive it as their DiagnoseFn.
    const injected: DiagnoseFn = diagnose;
    expect(injected).toBe(diagnose);
    const d = await diagnose({
      application: 'app_fast',
      deployment: 'Echo',
      alert: { name: 'ServeQueueBuildingUp', value: 340, labels: { alertname: 'ServeQueueBuildingUp', application: 'app_fast', deployment: 'Echo' } },
      atMs: 900_000,
    });
    expect(gets).toBe(1);
    expect(asked.length).toBeGreaterThan(5);
    expect(asked.every((a) => a.at === 900_000)).toBe(true);
    expect(asked.some((a) => a.expr.includes('{{'))).toBe(false);
    expect(d.cluster).toBe('prod');
    expect(d.items[0]?.item.id).toBe('latency-queue-building-up');
    expect(d.remediation?.action).toBe('raise_max_replicas');
    expect(d.generatedAtMs).toBe(900_000);
  });

  it('survives a failing query and an unreachable REST API, and reports the query', async () => {
    const { groups, checklist } = await shippedRules();
    const broken = groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, diagnose: r.diagnose.map((p) => ({ ...p, expr: `${p.expr} BROKEN` })) })) }));
    const errors: string[] = [];
    const diagnose = createDiagnose({
      queryEngine: fakeEngine([], []),
      serveApi: {
        getApplications: async () => {
          throw new Error('connection refused');
        },
      },
      groups: broken,
      checklist,
      guardrails: DEFAULT_GUARDRAILS,
      cluster: 'prod',
      clock: new ManualClock(),
      onQueryError: (_expr, error) => errors.push(error),
    });
    const d = await diagnose({ application: 'app_fast' });
    expect(errors.length).toBeGreaterThan(0);
    expect(d.items).toEqual([]);
    expect(d.configFindings[0]?.message).toMatch(/could not be read \(connection refused\)/);
  });

  it('escapes quotes in label values it renders into PromQL strings', () => {
    expect(renderProbeExpr('x{application="{{ $labels.application }}"}', { application: 'a"b' })).toBe('x{application="a\\"b"}');
  });

  it('finds the target of an alert in its labels or in a Ray component name', () => {
    expect(diagnosisTargetOf({ alertname: 'X', application: 'a', deployment: 'D' })).toEqual({ application: 'a', deployment: 'D' });
    expect(diagnosisTargetOf({ alertname: 'X', application: 'a' })).toEqual({ application: 'a' });
    expect(diagnosisTargetOf({ Component: 'ray::ServeReplica:a:D' })).toEqual({ application: 'a', deployment: 'D' });
    expect(diagnosisTargetOf({ alertname: 'X', ip: '10.0.0.1' })).toBeUndefined();
  });
});

describe('probes on the built-in evaluator', () => {
  it('evaluates every probe and context query, rendered for an application, without an error', async () => {
    const { groups } = await shippedRules();
    const cluster = createSimulatedCluster({ scenario: 'healthy-baseline' });
    cluster.advance(2 * 60_000, 15_000);
    const labels = { application: 'embeddings', deployment: 'Embedder' };
    const exprs = [...groups.flatMap((g) => g.rules.flatMap((r) => r.diagnose.map((p) => p.expr))), ...Object.values(CONTEXT_QUERIES)];
    for (const expr of exprs) {
      const value = await cluster.queryEngine.instantQuery(renderProbeExpr(expr, labels), cluster.clock.now());
      expect(value.resultType, expr).toBe('vector');
    }
  });
});
