import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStateStore } from '../../src/adapters/redis/alert-state-store.js';
import { loadRules } from '../../src/adapters/rules/load-rules.js';
import { configSchema } from '../../src/config/config-schema.js';
import type { AlertEvent } from '../../src/core/model/alert.js';
import type { RuleGroup } from '../../src/core/model/rule.js';
import { createDiagnose } from '../../src/service/diagnosis/run-diagnosis.js';
import { createSimulatedCluster, type SimulatedCluster } from '../../src/service/diagnosis/simulated-cluster.js';
import { RuleEvaluator } from '../../src/service/rule-evaluator.js';
import { openTestRedis, uniquePrefix } from '../helpers/redis.js';
import { sendSlashCommand } from '../helpers/signed-slack-request.js';
import { CHANNEL, SIGNING_SECRET, startSlackHarness, type SlackHarness } from './slack-harness.js';

/**
 * The whole path on the built-in simulator: the pinned-at-max scenario's metrics are scraped into
 * the sample store, the shipped rules are evaluated by the rule evaluator, its events go to the
 * notifier, and the thread lands in the fake Slack with the real diagnosis and chart.
 */
describe('a simulated incident, end to end into Slack', () => {
  let cluster: SimulatedCluster;
  let h: SlackHarness;
  let groups: readonly RuleGroup[];
  let evaluator: RuleEvaluator;
  let cleanupState: () => Promise<void>;
  const delivered: AlertEvent[] = [];

  beforeAll(async () => {
    const loaded = await loadRules(['rules']);
    expect(loaded.errors).toEqual([]);
    groups = loaded.groups;
    cluster = createSimulatedCluster({ scenario: 'pinned-at-max' });
    const diagnose = createDiagnose({
      queryEngine: cluster.queryEngine,
      serveApi: cluster.serveApi,
      groups,
      checklist: loaded.checklist!,
      guardrails: configSchema.parse({}).remediation,
      cluster: 'prod-a',
      clock: cluster.clock,
    });
    h = await startSlackHarness({
      clock: cluster.clock,
      diagnose,
      queryEngine: cluster.queryEngine,
      listRules: () => groups.flatMap((g) => g.rules),
      getApplications: () => cluster.serveApi.getApplications(),
    });
    const prefix = uniquePrefix('sim-state');
    const state = await openTestRedis(prefix);
    cleanupState = state.cleanup;
    evaluator = new RuleEvaluator({
      queryEngine: cluster.queryEngine,
      store: new AlertStateStore({ redis: state.redis, prefix }),
      onEvents: async (events) => {
        delivered.push(...events);
        await h.surface.notifier.onEvents(events);
      },
      clock: cluster.clock,
    });
    evaluator.setGroups(groups);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await cleanupState?.();
  });

  it('posts the parent, the diagnosis naming the checklist item, and the chart', async () => {
    const capacity = groups.filter((g) => g.rules.some((r) => r.alert === 'ServeAutoscalerPinnedAtMax'));
    for (let i = 0; i < 30 && !delivered.some((e) => e.kind === 'firing'); i++) {
      cluster.advance(30_000, 30_000);
      for (const g of capacity) await evaluator.evaluateGroup(g, cluster.clock.now());
    }
    const fired = delivered.find((e) => e.kind === 'firing');
    expect(fired?.alert.name).toBe('ServeAutoscalerPinnedAtMax');
    await h.surface.notifier.idle();

    const [parent, diagnosis, chart] = h.slack.channelCalls(CHANNEL);
    expect(parent?.threadTs).toBeUndefined();
    expect(String(parent?.body.text)).toContain('ServeAutoscalerPinnedAtMax on embeddings/Embedder');
    expect(String(parent?.body.text)).toContain('autoscaler wants');
    expect(diagnosis?.threadTs).toBe(parent?.ts);
    expect(String(diagnosis?.body.text)).toContain('Diagnosis for embeddings/Embedder: Autoscaler pinned at max_replicas');
    expect(JSON.stringify(diagnosis?.body.blocks)).toContain('replicas wanted by the autoscaler');
    expect(chart?.method).toBe('files.completeUploadExternal');
    expect(chart?.threadTs).toBe(parent?.ts);
    const png = h.slack.callsTo('upload')[0]!.bytes!;
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  }, 60_000);

  it('answers /serve-medic status from the simulator\'s REST API', async () => {
    const responseUrl = h.slack.responseUrl();
    await sendSlashCommand(h.eventsUrl, { text: 'status embeddings', responseUrl }, { signingSecret: SIGNING_SECRET });
    await h.slack.waitFor(() => h.slack.responses(responseUrl).length > 0);
    const text = JSON.stringify(h.slack.responses(responseUrl)[0]!.body);
    expect(text).toContain('Embedder');
    expect(text).toContain('max 2');
  });
});
