import { afterEach, describe, expect, it } from 'vitest';
import { buildPutBody } from '../../src/core/remediation/build-put-body.js';
import { diffBodies } from '../../src/core/remediation/diff-bodies.js';
import type { Alert } from '../../src/core/model/alert.js';
import type { Harness, HarnessOptions } from './remediation-harness.js';
import { APPROVER, fixedDiagnosis, queueAlert, startHarness, waitUntil } from './remediation-harness.js';

const texts = (calls: { body: Record<string, unknown> }[]) => calls.map((c) => String(c.body.text));

describe('when the change fails or Ray says no', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function approved(o: HarnessOptions = {}, before?: (h: Harness) => void): Promise<{ h: Harness; alert: Alert; id: string }> {
    h = await startHarness({ diagnose: () => fixedDiagnosis({ from: 4, to: 8 }), ...o });
    const alert = queueAlert();
    await h.fire(alert);
    await waitUntil(async () => (await h!.proposals(alert)).length === 1, 5000, 'the proposal');
    const [proposal] = await h.proposals(alert);
    before?.(h);
    h.startPump();
    await h.click(proposal!, APPROVER);
    return { h, alert, id: h.proposalIdOf(proposal!) };
  }

  const reply = async (h: Harness, alert: Alert, re: RegExp, timeoutMs = 10_000) => {
    await waitUntil(async () => texts(await h.threadReplies(alert)).some((t) => re.test(t)), timeoutMs, `a reply matching ${re}`);
    return texts(await h.threadReplies(alert)).find((t) => re.test(t))!;
  };

  it('DEPLOY_FAILED: puts the last good config back, re-registers autoscaling, and says so', async () => {
    const { h, alert, id } = await approved({}, (h) => {
      // Ray accepts this PUT with 200 and then fails the app (an unknown deployment name).
      h.sim.mangleNextPut((body) => {
        body.applications.find((a) => a.name === 'embeddings')!.deployments!.push({ name: 'Ghost' });
        return body;
      });
    });
    const text = await reply(h, alert, /went DEPLOY_FAILED/, 20_000);
    const before = (await h.record(id))!.lastGood!;
    expect(text).toContain("Deployment 'Ghost' does not exist");
    expect(text).toContain('Rolled back');
    expect(text).toContain('re-registered `Embedder`');
    expect((await h.record(id))?.state).toBe('rolled_back');
    // PUTs: the failing change, the rollback, then downscale_delay_s +1 s and back.
    expect(h.sim.puts.map((p) => p.status)).toEqual([200, 200, 200, 200]);
    const nudge = diffBodies(h.sim.puts[1]!.body, h.sim.puts[2]!.body);
    expect(nudge).toEqual([{ path: 'applications[embeddings].deployments[Embedder].autoscaling_config.downscale_delay_s', from: undefined, to: 601 }]);
    // The cluster ends exactly where it started, autoscaling registered again.
    expect(diffBodies(before, buildPutBody(await h.details()))).toEqual([]);
    expect(diffBodies(before, h.sim.puts[3]!.body)).toEqual([]);
    const emb = h.cluster.sim.state().apps.embeddings!.deployments.Embedder!;
    expect(emb.autoscalingRegistered).toBe(true);
    expect(h.cluster.sim.state().apps.embeddings!.status).toBe('RUNNING');
  });

  it('400: not retried, reported with Ray\'s message', async () => {
    const rayMessage = "1 validation error for ServeDeploySchema\napplications.0.deployments.0.max_ongoing_requests\n  Input should be greater than 0 [type=greater_than, input_value=0, input_type=int]";
    const { h, alert, id } = await approved({}, (h) => h.sim.failNext(400, rayMessage, 1, ['PUT']));
    const text = await reply(h, alert, /Not applied/);
    expect(text).toContain('answered 400');
    expect(text).toContain('Input should be greater than 0');
    expect((await h.record(id))?.state).toBe('failed');
    expect(h.sim.puts).toHaveLength(1);
    await waitUntil(async () => (await h.remediation.queues.apply.getJob(`apply-${id}`))?.failedReason !== undefined, 5000, 'the job to fail');
    await new Promise((r) => setTimeout(r, 300)); // longer than the backoff: a retry would have PUT again
    expect(h.sim.puts).toHaveLength(1);
    expect(await h.remediation.lastRemediationAt('embeddings', 'Embedder')).toBeUndefined(); // no cooldown for a change Ray refused
  });

  it('401: not retried, tells to set RAY_DASHBOARD_TOKEN', async () => {
    const { h, alert, id } = await approved({}, (h) => h.sim.failNext(401, 'Unauthorized: Missing authentication token', 5, ['GET']));
    const text = await reply(h, alert, /Not applied/);
    expect(text).toContain('set RAY_DASHBOARD_TOKEN');
    expect((await h.record(id))?.state).toBe('failed');
    expect(h.sim.puts).toHaveLength(0);
  });

  it('5xx: retried with backoff, reported, then applied once', async () => {
    const gcs = "Failed to get a response from the controller. The GCS may be down, please retry later: RayTaskError";
    const { h, alert, id } = await approved({}, (h) => h.sim.failNext(503, gcs, 2, ['PUT']));
    await waitUntil(async () => ['applied', 'verified'].includes((await h.record(id))?.state ?? ''), 10_000, 'applied');
    const replies = texts(await h.threadReplies(alert));
    expect(replies.filter((t) => /attempt \d of 5 failed/.test(t))).toHaveLength(2);
    expect(replies.find((t) => t.includes('attempt 1 of 5'))).toContain('answered 503');
    expect(h.sim.puts.map((p) => p.status)).toEqual([503, 503, 200]);
  });

  it('5xx until the attempts run out: gives up and says so', async () => {
    const { h, alert, id } = await approved({ tuning: { attempts: 2 } }, (h) => h.sim.failNext(503, 'upstream connect error', 10, ['PUT']));
    const text = await reply(h, alert, /Not applied/);
    expect(text).toContain('gave up after 2 attempts');
    expect((await h.record(id))?.state).toBe('failed');
  });

  it('the Rollback button on the verification goes through the same approval and restores the value', async () => {
    const { h, alert } = await approved();
    await reply(h, alert, /^(Improved|Did not improve|Could not tell)/, 20_000);
    const verification = (await h.threadReplies(alert)).find((c) => /^(Improved|Did not improve|Could not tell)/.test(String(c.body.text)))!;
    const rollbackId = h.proposalIdOf(verification);
    await h.click(verification, 'U0STRANGER');
    await h.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postEphemeral'), 5000, 'the refusal');
    await h.click(verification, APPROVER);
    await waitUntil(async () => (await h.record(rollbackId))?.state === 'verified', 10_000, 'the rollback');
    expect(h.sim.puts).toHaveLength(2);
    expect(diffBodies(h.sim.puts[0]!.body, h.sim.puts[1]!.body)).toEqual([{ path: 'applications[embeddings].deployments[Embedder].autoscaling_config.max_replicas', from: 8, to: 4 }]);
    expect(h.cluster.sim.state().apps.embeddings!.deployments.Embedder!.config.autoscaling_config?.max_replicas).toBe(4);
    await reply(h, alert, /approved the rollback/);
    // The verification message keeps its verdict and shows the rollback's outcome instead of the buttons.
    await h.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.update' && c.ts === verification.ts && JSON.stringify(c.body.blocks).includes('Rolled back (approved by')), 5000, 'the verification message update');
    const last = h.slack.message(verification.ts!)!;
    expect(String(last.text)).toMatch(/^(Improved|Did not improve|Could not tell)/);
    expect(JSON.stringify(last.blocks)).not.toContain('remediation_approve');
  });
});
