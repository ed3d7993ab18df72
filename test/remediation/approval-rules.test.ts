import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ServeDeployBody } from '../../src/core/serve/serve-types.js';
import type { Harness, HarnessOptions } from './remediation-harness.js';
import { APPROVER, APPS_PATH, fixedDiagnosis, queueAlert, SECOND_APPROVER, startHarness, waitUntil } from './remediation-harness.js';

const texts = (calls: { body: Record<string, unknown> }[]) => calls.map((c) => String(c.body.text));

/** The simulator's config with Embedder's max_replicas set, PUT by "someone else" (not through serve-medic). */
function putElsewhere(h: Harness, maxReplicas: number): void {
  const body = JSON.parse(JSON.stringify(h.cluster.sim.scenario.config)) as ServeDeployBody;
  const emb = body.applications.find((a) => a.name === 'embeddings')!.deployments!.find((d) => d.name === 'Embedder')!;
  emb.autoscaling_config = { ...emb.autoscaling_config, max_replicas: maxReplicas };
  const res = h.cluster.sim.handle('PUT', APPS_PATH, {}, JSON.stringify(body));
  if (res.status !== 200) throw new Error(res.body);
}

describe('what an approval may and may not do', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function proposed(o: HarnessOptions = {}) {
    h = await startHarness({ diagnose: () => fixedDiagnosis({ from: 4, to: 8 }), ...o });
    const alert = queueAlert();
    await h.fire(alert);
    await waitUntil(async () => (await h!.proposals(alert)).length === 1, 5000, 'the proposal');
    const [proposal] = await h.proposals(alert);
    return { h, alert, proposal: proposal! };
  }

  it('recomputes an expired proposal instead of applying it', async () => {
    const { h, alert, proposal } = await proposed({ remediation: { proposal_ttl: '2m' } });
    h.cluster.sim.step(3 * 60_000);
    await h.click(proposal, APPROVER);
    await waitUntil(async () => (await h.proposals(alert)).length === 2, 5000, 'the recomputed proposal');
    const [, fresh] = await h.proposals(alert);
    expect(h.proposalIdOf(fresh!)).not.toBe(h.proposalIdOf(proposal));
    expect(JSON.stringify(fresh!.body.blocks)).toContain('recomputed ×1');
    expect((await h.record(h.proposalIdOf(proposal)))?.state).toBe('expired');
    expect(texts(await h.threadReplies(alert)).some((t) => t.includes('expired'))).toBe(true);
    expect(h.sim.puts).toHaveLength(0);
    // The fresh one applies.
    h.startPump();
    await h.click(fresh!, APPROVER);
    await waitUntil(() => h.sim.puts.length === 1, 5000, 'the PUT');
  });

  it('refuses and re-proposes with the new numbers when the config changed between proposal and approval', async () => {
    const { h, alert, proposal } = await proposed();
    putElsewhere(h, 5); // someone raised it by hand meanwhile
    h.startPump();
    await h.click(proposal, APPROVER);
    await waitUntil(async () => (await h.proposals(alert)).length === 2, 5000, 'the recomputed proposal');
    const [, fresh] = await h.proposals(alert);
    expect(String(fresh!.body.text)).toBe('Proposed fix: embeddings/Embedder max_replicas 5 -> 8');
    const why = texts(await h.threadReplies(alert)).find((t) => t.includes('config changed'))!;
    expect(why).toContain('applications[embeddings].deployments[Embedder].autoscaling_config.max_replicas');
    expect((await h.record(h.proposalIdOf(proposal)))?.state).toBe('superseded');
    expect(h.sim.puts).toHaveLength(0);
    expect(String(h.slack.callsTo('chat.postEphemeral')[0]?.body.text)).toContain('changed since this proposal');
  });

  it('refuses at the last moment when the config changes after the approval, just before the PUT', async () => {
    let armed = true;
    const { h, alert, proposal } = await proposed({
      hooks: {
        beforeFinalCheck: async () => {
          if (!armed) return;
          armed = false;
          putElsewhere(h!, 6);
        },
      },
    });
    h.startPump();
    await h.click(proposal, APPROVER);
    await waitUntil(async () => (await h.proposals(alert)).length === 2, 5000, 'the recomputed proposal');
    expect((await h.record(h.proposalIdOf(proposal)))?.state).toBe('superseded');
    expect(String((await h.proposals(alert))[1]!.body.text)).toBe('Proposed fix: embeddings/Embedder max_replicas 6 -> 8');
    expect(h.sim.puts).toHaveLength(0);
  });

  it('needs two different approvers when require_two_approvers is on', async () => {
    const { h, alert, proposal } = await proposed({ remediation: { require_two_approvers: true } });
    h.startPump();
    await h.click(proposal, APPROVER);
    const id = h.proposalIdOf(proposal);
    await waitUntil(async () => (await h.record(id))?.state === 'awaiting_second', 5000, 'the first approval');
    await h.click(proposal, APPROVER);
    await h.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postEphemeral' && String(c.body.text).includes('two different approvers')), 5000, 'the same-approver answer');
    expect(await h.remediation.queues.depth()).toBe(0);
    expect(h.sim.puts).toHaveLength(0);
    await h.click(proposal, SECOND_APPROVER);
    await waitUntil(() => h.sim.puts.length === 1, 5000, 'the PUT');
    const rec = await h.record(id);
    expect(rec?.approvals.map((a) => a.user)).toEqual([APPROVER, SECOND_APPROVER]);
    expect(texts(await h.threadReplies(alert)).some((t) => t.includes('(1 of 2)'))).toBe(true);
  });

  it('rejects: buttons gone, nothing queued', async () => {
    const { h, alert, proposal } = await proposed();
    await h.click(proposal, APPROVER, 'reject');
    const id = h.proposalIdOf(proposal);
    await waitUntil(async () => texts(await h.threadReplies(alert)).some((t) => t.includes('@U0APPROVER rejected')), 5000, 'the rejection reply');
    expect((await h.record(id))?.state).toBe('rejected');
    const edited = h.slack.callsTo('chat.update').find((c) => String(c.body.text).includes('Rejected by @U0APPROVER'));
    expect(JSON.stringify(edited?.body.blocks)).not.toContain('remediation_approve');
    await h.click(proposal, APPROVER);
    await h.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postEphemeral' && String(c.body.text).includes('it was rejected')), 5000, 'late click answer');
    expect(await h.remediation.queues.depth()).toBe(0);
  });

  it('dry run: posts the exact PUT diff and changes nothing', async () => {
    const { h, alert, proposal } = await proposed({ remediation: { dry_run: true } });
    expect(JSON.stringify(proposal.body.blocks)).toContain('Dry run');
    h.startPump();
    await h.click(proposal, APPROVER);
    await waitUntil(async () => texts(await h.threadReplies(alert)).some((t) => t.startsWith('🧪 Dry run')), 5000, 'the dry-run diff');
    const diff = texts(await h.threadReplies(alert)).find((t) => t.startsWith('🧪 Dry run'))!;
    expect(diff).toContain('applications[embeddings].deployments[Embedder].autoscaling_config.max_replicas`: 4 → 8');
    expect((await h.record(h.proposalIdOf(proposal)))?.state).toBe('dry_run_done');
    expect(h.sim.puts).toHaveLength(0);
  });

  it('KubeRay RayService: shows the serveConfigV2 patch instead of an Approve button', async () => {
    const { h, alert, proposal } = await proposed({ ray: { kuberay: { namespace: 'ml', rayservice: 'embeddings-svc' } } });
    const blocks = JSON.stringify(proposal.body.blocks);
    expect(blocks).toContain('reverts a change made through the REST API');
    expect(blocks).toContain('kubectl patch rayservice embeddings-svc -n ml --type merge');
    expect(blocks).not.toContain('remediation_approve');
    await h.slack.waitFor((calls) => calls.some((c) => c.method === 'upload'), 5000, 'the patch file');
    const patch = parse(h.slack.callsTo('upload')[0]!.bytes!.toString('utf8')) as { spec: { serveConfigV2: string } };
    const serveConfig = parse(patch.spec.serveConfigV2) as ServeDeployBody;
    const emb = serveConfig.applications.find((a) => a.name === 'embeddings')!.deployments!.find((d) => d.name === 'Embedder')!;
    expect(emb.autoscaling_config).toEqual({ min_replicas: 1, max_replicas: 8, target_ongoing_requests: 2 });
    expect(serveConfig.applications.map((a) => a.name)).toEqual(['embeddings', 'text_ml', 'app_slow']);
    expect(String(proposal.body.text)).toContain('apply by hand');
    void alert;
  });
});
