import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import type { Alert } from '../../src/core/model/alert.js';
import { diffBodies } from '../../src/core/remediation/diff-bodies.js';
import { buildPutBody } from '../../src/core/remediation/build-put-body.js';
import { runAlertLoop } from '../../src/service/diagnosis/run-alert-loop.js';
import { createDiagnose } from '../../src/service/diagnosis/run-diagnosis.js';
import { loadShippedRules } from '../acceptance/scenario-harness.js';
import type { Harness } from './remediation-harness.js';
import { sendSlashCommand } from '../helpers/signed-slack-request.js';
import { APPROVER, RAW_CONFIG_BASE, SIGNING_SECRET, startHarness, waitUntil } from './remediation-harness.js';

/**
 * The whole story on the simulator: traffic to /embed jumps while Embedder is capped
 * at max_replicas 2; the queue builds up; the shipped rule fires; the real diagnosis proposes
 * max_replicas 2 -> 4 in the thread; an approver clicks (a signed block_actions request); the
 * job PUTs through undici; replicas come up; the queue drains; the thread says so.
 */
describe('queue build-up to a verified fix, end to end', () => {
  let h: Harness;
  let alert: Alert;

  afterAll(async () => {
    await h?.close();
  });

  it('fires, proposes, applies on approval, and reports the queue draining', async () => {
    const { groups, checklist } = await loadShippedRules();
    const guardrails = configSchema.parse({ remediation: RAW_CONFIG_BASE.remediation }).remediation;
    h = await startHarness({
      scenario: 'traffic-spike',
      remediation: { verification_window: '3m' },
      diagnose: (cluster) => (target) =>
        createDiagnose({ queryEngine: cluster.queryEngine, serveApi: cluster.serveApi, groups, checklist, guardrails, cluster: 'prod-a', clock: cluster.clock })({
          application: target.application,
          ...(target.deployment ? { deployment: target.deployment } : {}),
          ...(target.alert ? { alert: { name: target.alert.name, value: target.alert.value, labels: target.alert.labels } } : {}),
        }),
    });

    // 1. Queue build-up → alert (the service's evaluation loop on the simulator's clock).
    const loop = await runAlertLoop(h.cluster, groups, { durationMs: 10 * 60_000, intervalMs: 15_000, stopWhen: (a) => a.name === 'ServeQueueBuildingUp' && a.labels.deployment === 'Embedder' });
    expect(loop.stoppedBy?.name).toBe('ServeQueueBuildingUp');
    alert = loop.stoppedBy!;
    const queueAtAlert = alert.value;
    expect(queueAtAlert).toBeGreaterThan(50);

    // 2. Alert → thread → diagnosis → proposal.
    await h.fire(alert);
    await waitUntil(async () => (await h.proposals(alert)).length === 1, 10_000, 'the proposal');
    const replies = await h.threadReplies(alert);
    const [proposal] = await h.proposals(alert);
    expect(replies.indexOf(proposal!)).toBeGreaterThan(0); // after the diagnosis
    expect(String(proposal!.body.text)).toBe('Proposed fix: embeddings/Embedder max_replicas 2 -> 4');
    const blocks = JSON.stringify(proposal!.body.blocks);
    expect(blocks).toContain('latency-queue-building-up');
    expect(blocks).toContain('ceiling 20');
    const before = buildPutBody(await h.details());

    // 3. A signed click by an approver → one PUT that changes exactly that field.
    h.startPump();
    const clickedAt = performance.now();
    expect((await h.click(proposal!, APPROVER)).status).toBe(200);
    await waitUntil(() => h.sim.puts.length === 1, 5000, 'the PUT');
    expect(h.sim.puts[0]!.realMs - clickedAt).toBeLessThan(5000);
    expect(diffBodies(before, h.sim.puts[0]!.body)).toEqual([{ path: 'applications[embeddings].deployments[Embedder].autoscaling_config.max_replicas', from: 2, to: 4 }]);

    // 4. Replicas up, queue drains, verification in the thread.
    const running = () => h.cluster.sim.state().apps.embeddings?.deployments.Embedder?.replicas.filter((r) => r.state === 'RUNNING').length ?? 0;
    await waitUntil(() => running() > 2, 30_000, 'more replicas');
    const id = h.proposalIdOf(proposal!);
    await waitUntil(async () => (await h.threadReplies(alert)).some((c) => /^(Improved|Did not improve|Could not tell)/.test(String(c.body.text))), 60_000, 'the verification');
    const verification = (await h.threadReplies(alert)).map((c) => String(c.body.text)).find((t) => t.startsWith('Improved'));
    expect(verification).toMatch(/^Improved: embeddings\/Embedder max_replicas 2 -> 4: queue [\d.]+k? -> (\d+) in 3 min; replicas 2 -> 4/);
    const after = Number(/-> (\d+) in 3 min/.exec(verification!)![1]);
    expect(after).toBeLessThan(10);
    const rec = await h.record(id);
    expect(rec?.baseline?.value).toBeGreaterThan(50);
    // The verification message carries the Rollback button (a rollback proposal of its own).
    const verMsg = (await h.threadReplies(alert)).find((c) => String(c.body.text).startsWith('Improved'))!;
    const rollbackId = h.proposalIdOf(verMsg);
    expect((await h.record(rollbackId))?.proposal).toMatchObject({ kind: 'rollback', from: 4, to: 2, rollbackOf: id });
  }, 90_000);

  it('lists the whole story in /serve-medic history', async () => {
    const responseUrl = h.slack.responseUrl();
    await sendSlashCommand(h.eventsUrl, { text: 'history embeddings', responseUrl, userId: APPROVER }, { signingSecret: SIGNING_SECRET });
    await h.slack.waitFor(() => h.slack.responses(responseUrl).length > 0, 5000, 'the history answer');
    const history = JSON.stringify(h.slack.responses(responseUrl)[0]!.body);
    for (const step of ['proposed', 'approved', 'PUT sent', 'applied', 'verified']) expect(history).toContain(step);
    expect(history).toContain('by <@U0APPROVER>');
  });
});
