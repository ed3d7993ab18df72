import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPutBody } from '../../src/core/remediation/build-put-body.js';
import { configFingerprint } from '../../src/core/remediation/config-fingerprint.js';
import { planChange } from '../../src/core/remediation/plan-change.js';
import type { ServeInstanceDetails } from '../../src/core/serve/serve-types.js';
import { isServeMedicError } from '../../src/errors.js';

function fixture(name: string): ServeInstanceDetails {
  return JSON.parse(readFileSync(new URL(`../fixtures/ray/${name}`, import.meta.url), 'utf8')) as ServeInstanceDetails;
}
const get01 = fixture('get_01_after_initial_deploy.json');
const put02 = JSON.parse(readFileSync(new URL('../fixtures/ray/put_02_min2.request.json', import.meta.url), 'utf8'));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isServeMedicError(err) ? err.code : 'other';
  }
  return undefined;
}

describe('buildPutBody', () => {
  it('rebuilds the complete desired state from a real GET: every declarative app, as submitted', () => {
    const body = buildPutBody(get01);
    expect(body.applications.map((a) => a.name)).toEqual(['app_fast', 'app_slow']);
    expect(body.applications[0]).toEqual(get01.applications!.app_fast!.deployed_app_config);
    expect(body.proxy_location).toBe('HeadOnly');
  });

  it('leaves out imperative apps (a PUT does not delete them) and apps being deleted', () => {
    const details = structuredClone(get01);
    details.applications!.app_slow!.source = 'imperative';
    details.applications!.app_slow!.deployed_app_config = null;
    expect(buildPutBody(details).applications.map((a) => a.name)).toEqual(['app_fast']);
    expect(buildPutBody(fixture('get_05_immediately_after_omit.json')).applications.map((a) => a.name)).toEqual(['app_fast']);
  });
});

describe('planChange', () => {
  it('raising min_replicas reproduces the PUT a human made on the real cluster, and changes nothing else', () => {
    const plan = planChange(get01, { application: 'app_fast', deployment: 'Echo', action: 'raise_min_replicas', to: 2 });
    expect(plan.body.applications).toEqual(put02.applications);
    expect(plan.from).toBe(1);
    expect(plan.diff).toEqual([{ path: 'applications[app_fast].deployments[Echo].autoscaling_config.min_replicas', from: 1, to: 2 }]);
    expect(plan.body.applications[1]).toEqual(get01.applications!.app_slow!.deployed_app_config);
    expect(plan.restartsApp).toBe(false);
  });

  it('sends the autoscaling_config complete when raising max_replicas', () => {
    const plan = planChange(get01, { application: 'app_fast', deployment: 'Echo', action: 'raise_max_replicas', to: 6 });
    expect(plan.body.applications[0]!.deployments![0]!.autoscaling_config).toEqual({ min_replicas: 1, max_replicas: 6, target_ongoing_requests: 2 });
  });

  it('copies the effective autoscaling config (without policy) when only the code defined it, and warns of the app restart', () => {
    const details = structuredClone(get01);
    details.applications!.app_fast!.deployed_app_config!.deployments = [];
    const plan = planChange(details, { application: 'app_fast', deployment: 'Echo', action: 'raise_max_replicas', to: 6 });
    const as = plan.body.applications[0]!.deployments![0]!.autoscaling_config!;
    expect(as.max_replicas).toBe(6);
    expect(as.min_replicas).toBe(1);
    expect(as.target_ongoing_requests).toBe(2);
    expect(as.upscale_delay_s).toBe(30);
    expect(as).not.toHaveProperty('policy');
    expect(as).not.toHaveProperty('initial_replicas');
    expect(plan.restartsApp).toBe(true);
  });

  it('raises num_replicas of a fixed deployment and never switches it to autoscaling', () => {
    const plan = planChange(get01, { application: 'app_slow', deployment: 'Sleeper', action: 'raise_num_replicas', to: 2 });
    const d = plan.body.applications[1]!.deployments![0]!;
    expect(d).toEqual({ name: 'Sleeper', num_replicas: 2, max_ongoing_requests: 2 });
    expect(codeOf(() => planChange(get01, { application: 'app_slow', deployment: 'Sleeper', action: 'raise_max_replicas', to: 3 }))).toBe('REMEDIATION_REFUSED');
    expect(codeOf(() => planChange(get01, { application: 'app_fast', deployment: 'Echo', action: 'raise_num_replicas', to: 3 }))).toBe('REMEDIATION_REFUSED');
  });

  it('sets max_ongoing_requests and warns outside the 2-3x target guidance', () => {
    const ok = planChange(get01, { application: 'app_fast', deployment: 'Echo', action: 'set_max_ongoing_requests', to: 6 });
    expect(ok.warnings).toEqual([]);
    const high = planChange(get01, { application: 'app_fast', deployment: 'Echo', action: 'set_max_ongoing_requests', to: 10 });
    expect(high.warnings[0]).toContain('5.00x target_ongoing_requests 2; the guide says 2-3x');
  });

  it('refuses what Ray would accept and then fail: min above max', () => {
    expect(codeOf(() => planChange(get01, { application: 'app_fast', deployment: 'Echo', action: 'raise_min_replicas', to: 5 }))).toBe('SERVE_CONFIG_INVALID');
  });

  it('refuses to lower a value, unknown apps, and apps whose deployments are hidden by DEPLOY_FAILED', () => {
    expect(codeOf(() => planChange(get01, { application: 'app_fast', deployment: 'Echo', action: 'raise_max_replicas', to: 2 }))).toBe('REMEDIATION_REFUSED');
    expect(codeOf(() => planChange(get01, { application: 'nope', deployment: 'Echo', action: 'raise_max_replicas', to: 4 }))).toBe('REMEDIATION_REFUSED');
    const failed = fixture('get_08_after_min_gt_max.json');
    expect(codeOf(() => planChange(failed, { application: 'app_fast', deployment: 'Echo', action: 'raise_max_replicas', to: 6 }))).toBe('REMEDIATION_REFUSED');
  });
});

describe('configFingerprint', () => {
  it('changes when any app config or deploy time changes, and ignores replica churn', () => {
    const a = configFingerprint(get01);
    const churn = structuredClone(get01);
    churn.applications!.app_fast!.deployments!.Echo!.replicas = [];
    expect(configFingerprint(churn)).toBe(a);
    const edited = structuredClone(get01);
    edited.applications!.app_slow!.deployed_app_config!.deployments![0]!.max_ongoing_requests = 3;
    expect(configFingerprint(edited)).not.toBe(a);
    const redeployed = structuredClone(get01);
    redeployed.applications!.app_fast!.last_deployed_time_s! += 1;
    expect(configFingerprint(redeployed)).not.toBe(a);
  });
});
