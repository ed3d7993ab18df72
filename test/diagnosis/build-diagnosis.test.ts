import { beforeAll, describe, expect, it } from 'vitest';
import { buildDiagnosis } from '../../src/core/diagnosis/build-diagnosis.js';
import type { DiagnosisInput, TriggeringAlert } from '../../src/core/diagnosis/diagnosis-input.js';
import type { Checklist } from '../../src/core/model/checklist.js';
import type { AlertRule } from '../../src/core/model/rule.js';
import type { DeploymentDetails, ServeInstanceDetails } from '../../src/core/serve/serve-types.js';
import { baseInput, capturedGet, DEFAULT_GUARDRAILS, NOW, probeResult, rule, runningCluster, shippedRules } from './diagnosis-fixtures.js';

let rules: readonly AlertRule[];
let checklist: Checklist;
beforeAll(async () => {
  ({ rules, checklist } = await shippedRules());
});

const ECHO = { application: 'app_fast', deployment: 'Echo' };

function alert(name: string, value: number, labels: Record<string, string> = ECHO): TriggeringAlert {
  return { name, value, labels: { alertname: name, ...labels } };
}

/** get_04 with app_fast/Echo changed by `edit`. */
function withEcho(edit: (echo: DeploymentDetails, serve: ServeInstanceDetails) => void): ServeInstanceDetails {
  const serve = runningCluster();
  edit(serve.applications!.app_fast!.deployments!.Echo!, serve);
  return serve;
}

function input(over: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return baseInput({ checklist, rules, target: ECHO, ...over });
}

function queueAlertInput(queued: number, over: Partial<DiagnosisInput> = {}): DiagnosisInput {
  const queue = rule(rules, 'ServeQueueBuildingUp');
  return input({
    alert: alert('ServeQueueBuildingUp', queued),
    probeResults: [probeResult(queue, 'queued requests', [{ labels: ECHO, value: queued }])],
    ...over,
  });
}

describe('buildDiagnosis: which item, with what evidence', () => {
  it('names the alert\'s item first, with the value that matched and the threshold', () => {
    const d = buildDiagnosis(queueAlertInput(340));
    expect(d.items[0]?.item.id).toBe('latency-queue-building-up');
    const texts = d.items[0]!.evidence.map((e) => `${e.name}: ${e.text}`);
    expect(texts).toContain('queued requests: 340 (threshold > 10) on app_fast/Echo');
    expect(texts).toContain('ServeQueueBuildingUp: firing with value 340');
    expect(d.alertName).toBe('ServeQueueBuildingUp');
    expect(d.application).toBe('app_fast');
    expect(d.deployment).toBe('Echo');
  });

  it("puts the alert's own probe-confirmed items before stronger evidence for other items", () => {
    const processing = rule(rules, 'ServeProcessingLatencyHigh');
    const queue = rule(rules, 'ServeQueueBuildingUp');
    const d = buildDiagnosis(
      input({
        alert: alert('ServeProcessingLatencyHigh', 1200),
        probeResults: [
          probeResult(processing, 'p90 processing latency', [{ labels: ECHO, value: 1200 }]),
          probeResult(queue, 'queued requests', [{ labels: ECHO, value: 5000 }]),
        ],
      }),
    );
    // Own and probe-confirmed, own and confirmed by the config only (num_cpus 1), then the rest.
    expect(d.items.map((i) => i.item.id)).toEqual(['latency-processing-time-high', 'tuning-omp-num-threads', 'latency-queue-building-up']);
    expect(d.items[0]!.score).toBeGreaterThan(d.items[2]!.score);
  });

  it('ranks the items of a symptom alert by how far past its threshold each probe is', () => {
    const high = rule(rules, 'ServeHighLatency');
    const d = buildDiagnosis(
      input({
        target: { application: 'app_fast' },
        alert: alert('ServeHighLatency', 8500, { application: 'app_fast' }),
        probeResults: [
          probeResult(high, 'queued requests', [{ labels: ECHO, value: 12 }]),
          probeResult(high, 'p90 processing latency', [{ labels: ECHO, value: 9000 }]),
        ],
      }),
    );
    expect(d.items.map((i) => i.item.id).slice(0, 2)).toEqual(['latency-processing-time-high', 'latency-queue-building-up']);
    // The app-level alert is narrowed to the deployment the evidence points at.
    expect(d.deployment).toBe('Echo');
  });

  it('ignores series of other applications and deployments', () => {
    const queue = rule(rules, 'ServeQueueBuildingUp');
    const d = buildDiagnosis(
      input({
        probeResults: [
          probeResult(queue, 'queued requests', [
            { labels: { application: 'other', deployment: 'Echo' }, value: 900 },
            { labels: { application: 'app_fast', deployment: 'Other' }, value: 900 },
          ]),
        ],
      }),
    );
    expect(d.items).toEqual([]);
  });

  it('attributes Ray component series (ray::ServeReplica:<app>:<deployment>) to their deployment', () => {
    const restarting = rule(rules, 'ServeReplicasRestarting');
    const d = buildDiagnosis(
      input({
        alert: alert('ServeReplicasRestarting', 2),
        probeResults: [probeResult(restarting, 'replica memory growth', [{ labels: { Component: 'ray::ServeReplica:app_fast:Echo', ip: '10.0.0.1' }, value: 40 }])],
      }),
    );
    expect(d.items[0]?.item.id).toBe('oom-memory-leak');
    expect(d.items[0]!.evidence.some((e) => e.text === '40 (threshold > 2) on app_fast/Echo')).toBe(true);
    expect(d.toCheck.map((c) => c.item.id)).toEqual(expect.arrayContaining(['oom-sync-fastapi-handlers', 'oom-large-request-response']));
    expect(d.toCheck.find((c) => c.item.id === 'oom-sync-fastapi-handlers')?.reason).toMatch(/code/);
  });

  it('shows a share as a percentage', () => {
    const rejected = rule(rules, 'ServeRequestsRejected503');
    const d = buildDiagnosis(
      input({
        target: { application: 'app_slow' },
        alert: alert('ServeRequestsRejected503', 0.512, { application: 'app_slow' }),
        probeResults: [probeResult(rejected, 'share of requests rejected (503)', [{ labels: { application: 'app_slow' }, value: 0.512 }])],
      }),
    );
    expect(d.items[0]?.item.id).toBe('requests-rejected-503');
    expect(d.items[0]!.evidence.map((e) => e.text)).toContain('51.2% (threshold > 1%) on app_slow');
    // One deployment in the app: that is the one to act on.
    expect(d.deployment).toBe('Sleeper');
  });

  it('falls back to the rule\'s first item when no probe confirms anything', () => {
    const d = buildDiagnosis(input({ alert: alert('ServeQueueBuildingUp', 14) }));
    expect(d.items.map((i) => i.item.id)).toEqual(['latency-queue-building-up']);
    expect(d.items[0]!.evidence[0]?.source).toBe('alert');
  });

  it('is a pure function of its input, dated by the clock value it is given', () => {
    const i = queueAlertInput(340);
    expect(buildDiagnosis(i)).toEqual(buildDiagnosis(i));
    expect(buildDiagnosis(i).generatedAtMs).toBe(NOW);
  });
});

describe('buildDiagnosis: configuration findings', () => {
  const finding = (serve: ServeInstanceDetails, over: Partial<DiagnosisInput> = {}) => buildDiagnosis(input({ serve, ...over })).configFindings;

  it('compares max_ongoing_requests with target_ongoing_requests (the guide: 2-3x)', () => {
    const serve = withEcho((e) => (e.deployment_config!.autoscaling_config!.target_ongoing_requests = 4));
    expect(finding(serve).find((f) => f.id === 'max-ongoing-low')?.message).toBe(
      'max_ongoing_requests 5 is 1.25x target_ongoing_requests 4; the guide says 2-3x (below, requests queue at the router)',
    );
  });

  it('says autoscaling will never happen when max_ongoing_requests is below target_ongoing_requests', () => {
    const serve = withEcho((e) => (e.deployment_config!.autoscaling_config!.target_ongoing_requests = 8));
    const f = finding(serve).find((x) => x.id === 'max-ongoing-below-target');
    expect(f?.severity).toBe('critical');
    expect(f?.message).toMatch(/autoscaling will never happen/);
    expect(f?.checklistId).toBe('tuning-max-ongoing-vs-target');
  });

  it('flags max_replicas 1 on an autoscaling deployment', () => {
    const serve = withEcho((e) => (e.deployment_config!.autoscaling_config!.max_replicas = 1));
    expect(finding(serve).find((f) => f.id === 'max-replicas-one')).toMatchObject({ checklistId: 'replicas-not-scaling', severity: 'warning' });
  });

  it('flags min_replicas 0, and makes it the cause when replicas are measured starting from zero', () => {
    const serve = withEcho((e) => (e.deployment_config!.autoscaling_config!.min_replicas = 0));
    expect(finding(serve).find((f) => f.id === 'min-replicas-zero')?.severity).toBe('info');
    const cold = rule(rules, 'ServeColdStart');
    const d = buildDiagnosis(
      input({
        serve,
        alert: alert('ServeColdStart', 1),
        probeResults: [probeResult(cold, 'replicas started from zero', [{ labels: ECHO, value: 1 }])],
      }),
    );
    expect(d.configFindings.find((f) => f.id === 'min-replicas-zero')?.severity).toBe('critical');
    expect(d.items[0]?.item.id).toBe('cold-start-scale-to-zero');
  });

  it('says OMP_NUM_THREADS is 1 when num_cpus is unset or 1', () => {
    expect(finding(runningCluster()).find((f) => f.id === 'omp-num-threads')?.message).toBe(
      'ray_actor_options.num_cpus is 1: Ray sets OMP_NUM_THREADS=1, so deep learning frameworks run single-threaded',
    );
    const four = withEcho((e) => (e.deployment_config!.ray_actor_options = { num_cpus: 4 }));
    expect(finding(four).find((f) => f.id === 'omp-num-threads')).toBeUndefined();
  });

  it('notices num_gpus unset while the nodes report GPUs', () => {
    const f = finding(runningCluster(), { context: { metricsSeen: true, gpuCount: 2, autoscalingTarget: { Echo: 2 } } }).find((x) => x.id === 'num-gpus-unset');
    expect(f?.message).toMatch(/num_gpus is unset while the cluster has 2 GPU/);
    expect(f?.checklistId).toBe('model-not-using-gpu');
  });

  it('warns that initial_replicas resets the target on every config change', () => {
    const serve = withEcho((e) => (e.deployment_config!.autoscaling_config!.initial_replicas = 3));
    expect(finding(serve).find((f) => f.id === 'initial-replicas-set')?.message).toMatch(/resets the target to it on every config change/);
  });

  it('notes an unset request_timeout_s', () => {
    expect(finding(runningCluster()).find((f) => f.id === 'request-timeout-unset')?.checklistId).toBe('tuning-request-timeout');
    const serve = runningCluster();
    serve.http_options = { ...serve.http_options, request_timeout_s: 30 };
    expect(finding(serve).find((f) => f.id === 'request-timeout-unset')).toBeUndefined();
  });

  it('finds autoscaling that is configured but not registered (no autoscaling metrics)', () => {
    const f = finding(runningCluster(), { context: { metricsSeen: true, autoscalingTarget: {} } }).find((x) => x.id === 'autoscaling-not-registered');
    expect(f?.checklistId).toBe('replicas-not-scaling');
  });

  it('checks max_batch_size against max_ongoing_requests when user_config carries it', () => {
    const serve = withEcho((e) => (e.deployment_config!.user_config = { max_batch_size: 32 }));
    expect(finding(serve).find((f) => f.id === 'max-batch-size')?.message).toMatch(/max_batch_size 32 is above max_ongoing_requests 5/);
  });
});

describe('buildDiagnosis: replicas now vs min and max', () => {
  it('counts only RUNNING replicas', () => {
    const serve = withEcho((e) => {
      e.replicas![1]!.state = 'STARTING';
    });
    const d = buildDiagnosis(input({ serve }));
    expect(d.replicas).toMatchObject({ running: 1, target: 2, autoscaling: true, min: 2, max: 3, status: 'HEALTHY' });
    expect(d.replicas!.note).toMatch(/1 more STARTING/);
  });

  it('never reads the empty deployments of a DEPLOY_FAILED app as zero replicas', () => {
    const serve = capturedGet('get_08_after_min_gt_max');
    const hidden = buildDiagnosis(input({ serve, context: { metricsSeen: true, healthyReplicas: { Echo: 1 } } }));
    expect(hidden.replicas?.running).toBe(1);
    expect(hidden.replicas?.status).toBe('DEPLOY_FAILED');
    expect(hidden.replicas?.note).toMatch(/replica status hidden/);
    const app = hidden.configFindings.find((f) => f.id === 'app-status');
    expect(app?.severity).toBe('critical');
    expect(app?.message).toMatch(/DEPLOY_FAILED: Value error, max_replicas \(2\) must be greater than or equal to min_replicas \(5\)!/);
    expect(hidden.remediation).toBeUndefined();
    expect(hidden.remediationNote ?? '').toMatch(/DEPLOY_FAILED/);

    // Without the metric there is no count to give: no summary rather than a zero.
    const unknown = buildDiagnosis(input({ serve, context: { metricsSeen: false } }));
    expect(unknown.replicas).toBeUndefined();
  });
});

describe('buildDiagnosis: the suggested remediation', () => {
  it('raises max_replicas of an autoscaling deployment by one max step, with its bounds', () => {
    const d = buildDiagnosis(queueAlertInput(340));
    expect(d.remediation).toMatchObject({
      action: 'raise_max_replicas',
      application: 'app_fast',
      deployment: 'Echo',
      field: 'autoscaling_config.max_replicas',
      from: 3,
      to: 6,
      checklistId: 'latency-queue-building-up',
      bounds: { ceiling: 20, maxStep: 2, cooldownMs: 15 * 60_000 },
    });
    expect(d.remediation!.expectedEffect).toMatch(/add up to 3 replica/);
  });

  it('sizes the step by the load when the autoscaler reports it', () => {
    const d = buildDiagnosis(queueAlertInput(340, { context: { metricsSeen: true, autoscalingTarget: { Echo: 2 }, autoscalingLoad: { Echo: 9 } } }));
    expect(d.remediation?.to).toBe(5);
    expect(d.remediation?.expectedEffect).toMatch(/the load calls for 5/);
  });

  it('stays under the per-deployment ceiling and says why nothing is proposed at it', () => {
    const capped = { ...DEFAULT_GUARDRAILS, deployments: { 'app_fast/Echo': { enabled: true, max_replicas_ceiling: 4 } } };
    expect(buildDiagnosis(queueAlertInput(340, { guardrails: capped })).remediation?.to).toBe(4);
    const atCeiling = { ...DEFAULT_GUARDRAILS, deployments: { 'app_fast/Echo': { enabled: true, max_replicas_ceiling: 3 } } };
    const d = buildDiagnosis(queueAlertInput(340, { guardrails: atCeiling }));
    expect(d.remediation).toBeUndefined();
    expect(d.remediationNote).toContain('already 3, the ceiling (remediation.deployments["app_fast/Echo"].max_replicas_ceiling = 3)');
  });

  it('uses the tighter of the rule and the config: smaller ceiling and step, longer cooldown', () => {
    const g = { ...DEFAULT_GUARDRAILS, default_max_replicas_ceiling: 50, max_step_factor: 1.5, cooldown: 60 * 60_000 };
    const d = buildDiagnosis(queueAlertInput(340, { guardrails: g }));
    expect(d.remediation?.bounds).toEqual({ ceiling: 20, maxStep: 1.5, cooldownMs: 60 * 60_000 });
    expect(d.remediation?.to).toBe(4);
  });

  it('raises num_replicas of a fixed deployment and never switches it to autoscaling', () => {
    const queue = rule(rules, 'ServeQueueBuildingUp');
    const sleeper = { application: 'app_slow', deployment: 'Sleeper' };
    const d = buildDiagnosis(
      input({
        target: sleeper,
        alert: alert('ServeQueueBuildingUp', 18, sleeper),
        probeResults: [probeResult(queue, 'queued requests', [{ labels: sleeper, value: 18 }])],
      }),
    );
    expect(d.remediation).toMatchObject({ action: 'raise_num_replicas', field: 'num_replicas', from: 1, to: 2 });

    const pinned = rule(rules, 'ServeAutoscalerPinnedAtMax');
    const notScaling = buildDiagnosis(
      input({
        target: sleeper,
        alert: alert('ServeAutoscalerPinnedAtMax', 4, sleeper),
        probeResults: [probeResult(pinned, 'replica count constant under load', [{ labels: sleeper, value: 4 }])],
      }),
    );
    expect(notScaling.items[0]?.item.id).toBe('replicas-not-scaling');
    expect(notScaling.remediation).toBeUndefined();
    expect(notScaling.remediationNote).toMatch(/never switches a deployment to autoscaling/);
  });

  it('sets max_ongoing_requests to 2x the target when autoscaling cannot work at all', () => {
    const serve = withEcho((e) => (e.deployment_config!.autoscaling_config!.target_ongoing_requests = 8));
    const d = buildDiagnosis(queueAlertInput(340, { serve }));
    // 2 x 8 = 16, but one change may at most double 5.
    expect(d.remediation).toMatchObject({ action: 'set_max_ongoing_requests', field: 'max_ongoing_requests', from: 5, to: 10 });
    expect(d.remediation!.expectedEffect).toMatch(/autoscaling starts working/);
  });

  it('raises min_replicas from 0 to 1 for a cold start', () => {
    const serve = withEcho((e) => (e.deployment_config!.autoscaling_config!.min_replicas = 0));
    const cold = rule(rules, 'ServeColdStart');
    const d = buildDiagnosis(
      input({
        serve,
        alert: alert('ServeColdStart', 1),
        probeResults: [probeResult(cold, 'replicas started from zero', [{ labels: ECHO, value: 1 }])],
      }),
    );
    expect(d.remediation).toMatchObject({ action: 'raise_min_replicas', field: 'autoscaling_config.min_replicas', from: 0, to: 1, checklistId: 'cold-start-scale-to-zero' });
    expect(d.remediation!.bounds.cooldownMs).toBe(30 * 60_000);
  });

  it('proposes nothing for a cause that needs a human, and says so', () => {
    const processing = rule(rules, 'ServeProcessingLatencyHigh');
    const d = buildDiagnosis(
      input({
        alert: alert('ServeProcessingLatencyHigh', 3000),
        probeResults: [probeResult(processing, 'p90 processing latency', [{ labels: ECHO, value: 3000 }])],
      }),
    );
    expect(d.remediation).toBeUndefined();
    expect(d.remediationNote).toMatch(/Processing time high" is fixed by hand/);
  });

  it('respects disabled deployments and the cooldown', () => {
    const off = { ...DEFAULT_GUARDRAILS, deployments: { 'app_fast/Echo': { enabled: false } } };
    expect(buildDiagnosis(queueAlertInput(340, { guardrails: off })).remediationNote).toMatch(/automatic changes are disabled for app_fast\/Echo/);
    const recent = buildDiagnosis(queueAlertInput(340, { lastRemediationAtMs: NOW - 5 * 60_000 }));
    expect(recent.remediation).toBeUndefined();
    expect(recent.remediationNote).toMatch(/changed 5 min ago; the cooldown is 15 min/);
  });

  it('proposes nothing without the current config', () => {
    const { serve: _serve, ...rest } = queueAlertInput(340);
    const d = buildDiagnosis({ ...rest, serveError: 'SERVE_API_UNAVAILABLE: connection refused' });
    expect(d.items[0]?.item.id).toBe('latency-queue-building-up');
    expect(d.remediation).toBeUndefined();
    expect(d.remediationNote).toMatch(/could not be read/);
    expect(d.configFindings.map((f) => f.id)).toEqual(['serve-api-unavailable']);
  });

  it('warns that a KubeRay RayService reverts REST changes', () => {
    const d = buildDiagnosis(queueAlertInput(340, { guardrails: { ...DEFAULT_GUARDRAILS, kuberay: true } }));
    expect(d.remediation).toBeDefined();
    expect(d.remediationNote).toMatch(/RayService/);
  });
});
