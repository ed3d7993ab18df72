import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/config-schema.js';
import { loadRules } from '../../src/adapters/rules/load-rules.js';
import { assessRollout, rayMessageSummary } from '../../src/core/remediation/assess-rollout.js';
import type { BuildProposalInput, ProposalSeed } from '../../src/core/remediation/build-proposal.js';
import { buildProposal, rollbackSeed } from '../../src/core/remediation/build-proposal.js';
import { buildPutBody } from '../../src/core/remediation/build-put-body.js';
import { checkGuardrails } from '../../src/core/remediation/check-guardrails.js';
import { decideClick, isApprover, type ClickInput } from '../../src/core/remediation/decide-click.js';
import { diffBodies } from '../../src/core/remediation/diff-bodies.js';
import { planReregistration, rollbackBody } from '../../src/core/remediation/plan-rollback.js';
import type { Proposal } from '../../src/core/remediation/proposal.js';
import { verificationSignal, verificationVerdict, workloadValue } from '../../src/core/remediation/verification.js';
import type { ServeInstanceDetails } from '../../src/core/serve/serve-types.js';
import { parseCommand } from '../../src/core/slack-commands/parse-command.js';
import { MAX_BLOCKS, MAX_SECTION_TEXT } from '../../src/core/slack-render/blocks.js';
import { renderBlocksAsText } from '../../src/core/slack-render/render-blocks-as-text.js';
import { renderHistory } from '../../src/core/slack-render/render-history.js';
import { renderProposal } from '../../src/core/slack-render/render-proposal.js';

function fixture(name: string): ServeInstanceDetails {
  return JSON.parse(readFileSync(new URL(`../fixtures/ray/${name}`, import.meta.url), 'utf8')) as ServeInstanceDetails;
}
const get01 = fixture('get_01_after_initial_deploy.json');
const get08 = fixture('get_08_after_min_gt_max.json');
const T = Date.UTC(2026, 0, 1, 12);
const settings = { ...configSchema.parse({}).remediation };

const seed: ProposalSeed = {
  action: 'raise_max_replicas',
  application: 'app_fast',
  deployment: 'Echo',
  to: 6,
  checklistId: 'latency-queue-building-up',
  checklistTitle: 'Queue building up',
  expectedEffect: 'the autoscaler may add up to 3 replicas',
  bounds: { ceiling: 20, maxStep: 2, cooldownMs: 15 * 60_000 },
};

function propose(over: Partial<BuildProposalInput> = {}): Proposal {
  const r = buildProposal({ seed, kind: 'fix', details: get01, settings, recent: { changesInLastHour: 0 }, cluster: 'prod-a', threadKey: 'fp1', nowMs: T, ...over });
  if ('refused' in r) throw new Error(r.refused);
  return r.proposal;
}

function refusal(over: Partial<BuildProposalInput>): string {
  const r = buildProposal({ seed, kind: 'fix', details: get01, settings, recent: { changesInLastHour: 0 }, cluster: 'prod-a', threadKey: 'fp1', nowMs: T, ...over });
  if (!('refused' in r)) throw new Error('expected a refusal');
  return r.refused;
}

describe('buildProposal', () => {
  it('proposes one field with its exact PUT diff, bounds, expiry and a deterministic id', () => {
    const p = propose();
    expect(p).toMatchObject({ kind: 'fix', mode: 'apply', application: 'app_fast', deployment: 'Echo', field: 'autoscaling_config.max_replicas', from: 3, to: 6, approvalsRequired: 1, expiresAtMs: T + 30 * 60_000 });
    expect(p.diff).toEqual([{ path: 'applications[app_fast].deployments[Echo].autoscaling_config.max_replicas', from: 3, to: 6 }]);
    expect(propose().id).toBe(p.id);
    expect(propose({ revision: 2 }).id).not.toBe(p.id);
    expect(propose({ threadKey: 'fp2' }).id).not.toBe(p.id);
  });

  it('keeps to one step and to the ceilings of the config', () => {
    expect(propose({ seed: { ...seed, to: 10 } }).to).toBe(6); // x2 from 3
    const ceiling = { ...settings, deployments: { 'app_fast/Echo': { max_replicas_ceiling: 4, enabled: true } } };
    expect(propose({ settings: ceiling }).to).toBe(4);
    expect(refusal({ settings: { ...ceiling, deployments: { 'app_fast/Echo': { max_replicas_ceiling: 3, enabled: true } } } })).toContain('at the ceiling of 3');
  });

  it('refuses what a guardrail forbids: switched off, cooldown, hourly cap', () => {
    expect(refusal({ settings: { ...settings, deployments: { 'app_fast/Echo': { enabled: false } } } })).toContain('disabled for app_fast/Echo');
    expect(refusal({ recent: { lastChangeAtMs: T - 5 * 60_000, changesInLastHour: 1 } })).toBe('app_fast/Echo was changed 5 min ago; the cooldown is 15 min');
    expect(refusal({ recent: { changesInLastHour: 4 } })).toContain('remediation.max_per_hour is 4');
  });

  it('never reads a DEPLOY_FAILED app\'s `deployments: {}` as a value to change', () => {
    expect(refusal({ details: get08 })).toContain('not visible in the Serve API (application DEPLOY_FAILED)');
  });

  it('refuses a switch between fixed and autoscaling', () => {
    expect(refusal({ seed: { ...seed, application: 'app_slow', deployment: 'Sleeper' } })).toContain('raise_max_replicas applies to autoscaling deployments');
  });

  it('dry run and KubeRay modes', () => {
    expect(propose({ settings: { ...settings, dry_run: true } }).mode).toBe('dry_run');
    const k = propose({ settings: { ...settings, kuberay: { namespace: 'ml', rayservice: 'fast' } } });
    expect(k.mode).toBe('kuberay');
    const v2 = parse((parse(k.kuberay!.patchYaml) as { spec: { serveConfigV2: string } }).spec.serveConfigV2) as { applications: { name: string; deployments: { autoscaling_config?: { max_replicas: number } }[] }[] };
    expect(v2.applications.map((a) => a.name)).toEqual(['app_fast', 'app_slow']);
    expect(v2.applications[0]!.deployments[0]!.autoscaling_config?.max_replicas).toBe(6);
    expect(k.kuberay!.command).toBe('kubectl patch rayservice fast -n ml --type merge --patch-file serve-medic-patch.yaml');
  });

  it('a rollback lowers the value back and ignores the raise-only guardrails', () => {
    const raised = structuredClone(get01);
    raised.applications!.app_fast!.deployed_app_config!.deployments![0]!.autoscaling_config!.max_replicas = 6;
    raised.applications!.app_fast!.deployments!.Echo!.deployment_config!.autoscaling_config!.max_replicas = 6;
    const fix = propose();
    const r = buildProposal({ seed: rollbackSeed(fix), kind: 'rollback', details: raised, settings, recent: { lastChangeAtMs: T, changesInLastHour: 9 }, cluster: 'prod-a', threadKey: 'fp1', rollbackOf: fix.id, nowMs: T });
    if ('refused' in r) throw new Error(r.refused);
    expect(r.proposal).toMatchObject({ kind: 'rollback', from: 6, to: 3, rollbackOf: fix.id });
    expect(buildProposal({ seed: rollbackSeed(fix), kind: 'rollback', details: get01, settings, recent: { changesInLastHour: 0 }, cluster: 'prod-a', threadKey: 'fp1', nowMs: T })).toEqual({
      refused: 'autoscaling_config.max_replicas of app_fast/Echo is already 3: nothing to roll back',
    });
  });
});

describe('checkGuardrails', () => {
  const g = { action: 'raise_max_replicas' as const, application: 'a', deployment: 'd', from: 3, bounds: { ceiling: 20, maxStep: 2, cooldownMs: 0 }, settings, recent: { changesInLastHour: 0 }, nowMs: T };
  it('allows one step, refuses more; +1 always allowed from 1', () => {
    expect(checkGuardrails({ ...g, to: 6 })).toBeUndefined();
    expect(checkGuardrails({ ...g, to: 7 })).toContain('more than one step of x2');
    expect(checkGuardrails({ ...g, from: 1, to: 2, bounds: { ...g.bounds, maxStep: 1.5 } })).toBeUndefined();
  });
  it('the config ceiling tightens the rule\'s', () => {
    expect(checkGuardrails({ ...g, to: 6, settings: { ...settings, default_max_replicas_ceiling: 5 } })).toBe('6 is above the ceiling of 5 for a/d');
  });
});

describe('decideClick', () => {
  const p = propose();
  const base: ClickInput = { action: 'approve', proposal: p, state: 'proposed', approvals: [], userId: 'U1', authorised: true, approversConfigured: true, nowMs: T + 1000 };
  it.each<[string, Partial<ClickInput>, string]>([
    ['an approver approves', {}, 'approve'],
    ['not an approver', { authorised: false }, 'refuse'],
    ['no approvers configured', { approversConfigured: false }, 'refuse'],
    ['a double click', { state: 'approved', approvals: [{ user: 'U1', atMs: T }] }, 'ignore'],
    ['after it was applied', { state: 'verified' }, 'ignore'],
    ['after proposal_ttl', { nowMs: p.expiresAtMs + 1 }, 'expired'],
    ['a reject', { action: 'reject' }, 'reject'],
    ['a reject after expiry still rejects', { action: 'reject', nowMs: p.expiresAtMs + 1 }, 'reject'],
    ['first of two', { proposal: { ...p, approvalsRequired: 2 } }, 'first_of_two'],
    ['the same person twice', { proposal: { ...p, approvalsRequired: 2 }, state: 'awaiting_second', approvals: [{ user: 'U1', atMs: T }] }, 'same_approver'],
    ['a second, different person', { proposal: { ...p, approvalsRequired: 2 }, state: 'awaiting_second', approvals: [{ user: 'U2', atMs: T }] }, 'approve'],
    ['a KubeRay proposal', { proposal: { ...p, mode: 'kuberay' } }, 'ignore'],
  ])('%s', (_name, over, kind) => {
    expect(decideClick({ ...base, ...over }).kind).toBe(kind);
  });

  it('approvers: ids and user-group members', () => {
    const members = (g: string) => (g === 'S1' ? new Set(['U9']) : undefined);
    expect(isApprover('U1', ['U1', 'S1'], members)).toBe(true);
    expect(isApprover('U9', ['U1', 'S1'], members)).toBe(true);
    expect(isApprover('U8', ['U1', 'S1', 'S2'], members)).toBe(false);
  });
});

describe('diffBodies', () => {
  it('matches apps and deployments by name, whatever their order', () => {
    const a = buildPutBody(get01);
    const b = structuredClone(a);
    b.applications.reverse();
    expect(diffBodies(a, b)).toEqual([]);
    b.applications[0]!.deployments![0]!.max_ongoing_requests = 4;
    b.applications.push({ name: 'new', import_path: 'x:y' });
    expect(diffBodies(a, b)).toEqual([
      { path: 'applications[app_slow].deployments[Sleeper].max_ongoing_requests', from: 2, to: 4 },
      { path: 'applications[new]', from: undefined, to: { name: 'new', import_path: 'x:y' } },
    ]);
  });
});

describe('assessRollout', () => {
  const expectMax = (v: number) => [{ deployment: 'Echo', path: 'autoscaling_config.max_replicas', value: v }];
  it('DEPLOY_FAILED with deployments: {} is a failure with Ray\'s message, not zero replicas', () => {
    const r = assessRollout(get08, 'app_fast', expectMax(2));
    expect(r.state).toBe('failed');
    expect(r.state === 'failed' && rayMessageSummary(r.message)).toBe(
      'ValidationError: 1 validation error for DeploymentConfig autoscaling_config Value error, max_replicas (2) must be greater than or equal to min_replicas (5)!',
    );
  });
  it('waits while DEPLOYING or while RUNNING still shows the old value', () => {
    expect(assessRollout(fixture('get_03_immediately_after_min2.json'), 'app_fast', [{ deployment: 'Echo', path: 'autoscaling_config.min_replicas', value: 2 }]).state).toBe('pending');
    expect(assessRollout(get01, 'app_fast', expectMax(6))).toEqual({ state: 'pending', status: 'RUNNING' });
    expect(assessRollout(get01, 'app_fast', expectMax(3))).toEqual({ state: 'running' });
  });
});

describe('rollback planning', () => {
  it('restores one app and keeps every other app as it runs now', () => {
    const lastGood = buildPutBody(get01);
    const now = structuredClone(get08);
    now.applications!.app_slow!.deployed_app_config!.deployments![0]!.num_replicas = 3; // someone else's change
    const body = rollbackBody(now, lastGood, 'app_fast');
    expect(body.applications.find((a) => a.name === 'app_fast')).toEqual(lastGood.applications[0]);
    expect(body.applications.find((a) => a.name === 'app_slow')!.deployments![0]!.num_replicas).toBe(3);
  });
  it('re-registers autoscaling with downscale_delay_s + 1 inside the complete override', () => {
    const plan = planReregistration(get01, buildPutBody(get01), 'app_fast')!;
    expect(plan.deployments).toEqual(['Echo']);
    expect(plan.nudge.applications[0]!.deployments![0]!.autoscaling_config).toEqual({ min_replicas: 1, max_replicas: 3, target_ongoing_requests: 2, downscale_delay_s: 601 });
    expect(diffBodies(buildPutBody(get01), plan.nudge)).toHaveLength(1);
    expect(planReregistration(get01, buildPutBody(get01), 'app_slow')).toBeUndefined();
  });
});

describe('verification', () => {
  it('reads the shipped queue rule as "queue, lower is better"', async () => {
    const { groups } = await loadRules(['rules'], { cwd: new URL('../../', import.meta.url).pathname });
    const rule = groups.flatMap((g) => g.rules).find((r) => r.alert === 'ServeQueueBuildingUp')!;
    const s = verificationSignal({ alertName: rule.alert, alertFingerprint: 'x', labels: { application: 'a', deployment: 'd' }, expr: rule.expr })!;
    expect(s).toMatchObject({ name: 'queue', better: 'lower' });
    expect(s.expr).not.toContain('> 10');
  });
  const signal = { name: 'queue', expr: 'q', conditionExpr: 'q > 10', better: 'lower' as const, labels: {} };
  it.each<[string, object, object, string, string]>([
    ['queue drained, condition cleared', { value: 340, replicas: 2, conditionHolds: true }, { value: 12, replicas: 4, conditionHolds: false }, 'improved', 'queue 340 -> 12 in 4 min; replicas 2 -> 4; alert condition cleared'],
    ['still queuing', { value: 340, conditionHolds: true }, { value: 320, conditionHolds: true }, 'not_improved', 'queue 340 -> 320 in 4 min; alert condition still holds'],
    ['much better, still above threshold', { value: 340, conditionHolds: true }, { value: 40, conditionHolds: true }, 'not_improved', 'queue 340 -> 40 in 4 min; alert condition still holds'],
    ['never held', { value: 0, conditionHolds: false }, { value: 0, conditionHolds: false }, 'not_improved', 'queue 0 -> 0 in 4 min; alert condition did not hold at the change either'],
    ['no data', {}, {}, 'unknown', "nothing to compare after 4 min (no metric for the alert's workload)"],
  ])('%s', (_n, before, after, result, text) => {
    expect(verificationVerdict(signal, { atMs: 0, ...before }, { atMs: 240_000, ...after })).toEqual({ result, text });
  });
  it('keeps the series of the alerting workload', () => {
    const samples = [
      { labels: { application: 'a', deployment: 'x' }, timestampMs: 0, value: 1 },
      { labels: { application: 'a', deployment: 'd' }, timestampMs: 0, value: 2 },
    ];
    expect(workloadValue(samples, { application: 'a', deployment: 'd' })).toBe(2);
    expect(workloadValue(samples, { application: 'b' })).toBeUndefined();
  });
});

describe('messages', () => {
  it('the proposal fits Slack\'s limits, reads as text, and has a confirm dialog on Approve', () => {
    const p = propose({ settings: { ...settings, require_two_approvers: true } });
    const m = renderProposal(p);
    expect(m.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const b of m.blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    const text = renderBlocksAsText(m).join('\n');
    expect(text).toContain('max_replicas 3 → 6');
    expect(text).toContain('*Why:* Queue building up');
    expect(text).toContain('two different approvers');
    expect(text).toContain('[ Approve ] [ Reject ]');
    const actions = m.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements[0]?.confirm?.confirm.text).toBe('Approve');
    const decided = renderProposal(p, { state: 'approved', approvals: [{ user: 'U1', atMs: T }] });
    expect(decided.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(decided.text).toContain('Approved by @U1 — applying');
  });
  it('says so on the proposal when nobody may approve it', () => {
    const text = renderBlocksAsText(renderProposal(propose(), { state: 'proposed', note: 'Nobody can approve this yet: set remediation.approvers' })).join('\n');
    expect(text).toContain('⚠️ Nobody can approve this yet');
    expect(text).toContain('[ Approve ]');
  });

  it('history lists entries newest first, one line each', () => {
    const m = renderHistory(
      [
        { atMs: T + 60_000, type: 'applied', cluster: 'c', proposalId: 'abcdef0123', application: 'emb', deployment: 'E', field: 'autoscaling_config.max_replicas', from: 2, to: 4, result: 'RUNNING' },
        { atMs: T, type: 'approved', cluster: 'c', proposalId: 'abcdef0123', application: 'emb', deployment: 'E', field: 'autoscaling_config.max_replicas', from: 2, to: 4, user: 'U1' },
      ],
      'emb',
      'c',
    );
    const text = renderBlocksAsText(m).join('\n');
    expect(text).toContain('🔧 applied emb/E max_replicas 2→4 · RUNNING');
    expect(text.indexOf('applied')).toBeLessThan(text.indexOf('approved'));
    expect(text).toContain('by @U1');
  });
  it('/serve-medic history [APP]', () => {
    expect(parseCommand('history')).toEqual({ verb: 'history' });
    expect(parseCommand('history embeddings')).toEqual({ verb: 'history', application: 'embeddings' });
    expect(parseCommand('history a b').verb).toBe('invalid');
  });
});
