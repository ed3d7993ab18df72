import { afterEach, describe, expect, it } from 'vitest';
import { diffBodies } from '../../src/core/remediation/diff-bodies.js';
import { buildPutBody } from '../../src/core/remediation/build-put-body.js';
import type { Harness } from './remediation-harness.js';
import { APPROVER, fixedDiagnosis, GROUP_MEMBER, queueAlert, SECOND_APPROVER, STRANGER, startHarness, waitUntil } from './remediation-harness.js';

const texts = (calls: { body: Record<string, unknown> }[]) => calls.map((c) => String(c.body.text));

describe('approving a proposal in Slack', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('applies an approved fix once, changes no other application, and verifies it', async () => {
    h = await startHarness({ diagnose: () => fixedDiagnosis({ from: 4, to: 8 }) });
    const alert = queueAlert();
    await h.fire(alert);
    await waitUntil(async () => (await h!.proposals(alert)).length === 1, 5000, 'the proposal');
    const [proposal] = await h.proposals(alert);
    expect(String(proposal!.body.text)).toContain('Proposed fix: embeddings/Embedder max_replicas 4 -> 8');
    const before = buildPutBody(await h.details());

    h.startPump();
    const res = await h.click(proposal!, APPROVER);
    expect(res.status).toBe(200);
    // The message is edited in place at once: approved, applying, buttons gone.
    await h.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.update' && String(c.body.text).includes('Approved by @U0APPROVER — applying')), 5000, 'the update');
    const edit = h.slack.callsTo('chat.update').find((c) => String(c.body.text).includes('applying'))!;
    expect(JSON.stringify(edit.body.blocks)).not.toContain('remediation_approve');
    await waitUntil(() => h!.sim.puts.length === 1, 5000, 'the PUT');
    const after = h.sim.puts[0]!.body;
    expect(diffBodies(before, after)).toEqual([{ path: 'applications[embeddings].deployments[Embedder].autoscaling_config.max_replicas', from: 4, to: 8 }]);

    const id = h.proposalIdOf(proposal!);
    await waitUntil(async () => texts(await h!.threadReplies(alert)).some((t) => /^(Improved|Did not improve|Could not tell)/.test(t)), 20_000, 'the verification');
    expect((await h.record(id))?.state).toBe('verified');
    const replies = texts(await h.threadReplies(alert));
    expect(replies.some((t) => t.startsWith('✅ @U0APPROVER approved'))).toBe(true);
    expect(replies.some((t) => t.includes('Applied'))).toBe(true);
    expect(replies.find((t) => /^(Improved|Did not improve|Could not tell)/.test(t))).toBeDefined();
    expect(h.sim.puts).toHaveLength(1);
  });

  it('refuses a click from someone who is not an approver: ephemeral answer, logged, nothing queued', async () => {
    h = await startHarness({ diagnose: () => fixedDiagnosis({ from: 4, to: 8 }) });
    const alert = queueAlert();
    await h.fire(alert);
    await waitUntil(async () => (await h!.proposals(alert)).length === 1, 5000, 'the proposal');
    const [proposal] = await h.proposals(alert);
    await h.click(proposal!, STRANGER);
    await h.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postEphemeral'), 5000, 'the ephemeral refusal');
    const eph = h.slack.callsTo('chat.postEphemeral')[0]!;
    expect(eph.body.user).toBe(STRANGER);
    expect(String(eph.body.text)).toContain('not an approver');
    expect(h.logLines.some((l) => l.includes('refused a remediation click') && l.includes(STRANGER))).toBe(true);
    expect((await h.record(h.proposalIdOf(proposal!)))?.state).toBe('proposed');
    expect(await h.remediation.queues.depth()).toBe(0);
    expect(h.sim.puts).toHaveLength(0);
    const history = await h.remediation.history('embeddings');
    expect(history.text).toContain('Remediation history for embeddings');
    expect(JSON.stringify(history.blocks)).toContain('refused click');
  });

  it('lets a member of an approver user group approve (usergroups.users.list)', async () => {
    h = await startHarness({ diagnose: () => fixedDiagnosis({ from: 4, to: 8 }) });
    const alert = queueAlert();
    await h.fire(alert);
    await waitUntil(async () => (await h!.proposals(alert)).length === 1, 5000, 'the proposal');
    const [proposal] = await h.proposals(alert);
    h.startPump();
    await h.click(proposal!, GROUP_MEMBER);
    await waitUntil(() => h!.sim.puts.length === 1, 5000, 'the PUT');
    expect(h.slack.callsTo('usergroups.users.list')[0]?.body.usergroup).toBe('S0ONCALL');
  });

  it('enqueues one job and sends one PUT for a double click', async () => {
    h = await startHarness({ diagnose: () => fixedDiagnosis({ from: 4, to: 8 }) });
    const alert = queueAlert();
    await h.fire(alert);
    await waitUntil(async () => (await h!.proposals(alert)).length === 1, 5000, 'the proposal');
    const [proposal] = await h.proposals(alert);
    h.startPump();
    await Promise.all([h.click(proposal!, APPROVER), h.click(proposal!, APPROVER), h.click(proposal!, SECOND_APPROVER)]);
    const id = h.proposalIdOf(proposal!);
    await waitUntil(async () => ['applied', 'verified'].includes((await h!.record(id))?.state ?? ''), 10_000, 'applied');
    expect(h.sim.puts).toHaveLength(1);
    const counts = await h.remediation.queues.apply.getJobCounts('completed', 'active', 'waiting', 'failed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    const ephemerals = texts(h.slack.callsTo('chat.postEphemeral'));
    expect(ephemerals.filter((t) => t.includes('Nothing to do'))).toHaveLength(2);
  });
});
