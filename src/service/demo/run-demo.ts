import { createRedis } from '../../adapters/redis/create-redis.js';
import { AlertStateStore } from '../../adapters/redis/alert-state-store.js';
import { deleteKeysWithPrefix } from '../../adapters/redis/delete-keys-with-prefix.js';
import { loadRules } from '../../adapters/rules/load-rules.js';
import { ServeApiClient } from '../../adapters/serve-api/serve-api-client.js';
import { configSchema } from '../../config/config-schema.js';
import type { Alert, AlertEvent } from '../../core/model/alert.js';
import type { Diagnosis } from '../../core/model/diagnosis.js';
import type { DiagnoseFn } from '../../core/notify/notification.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';
import { listenSimulator } from '../../sim/http-server.js';
import { createDiagnose } from '../diagnosis/run-diagnosis.js';
import { createSimulatedCluster } from '../diagnosis/simulated-cluster.js';
import { createRemediation } from '../remediation/create-remediation.js';
import { resolveRedis } from '../resolve-redis.js';
import { RuleEvaluator } from '../rule-evaluator.js';
import { createSlackSurface } from '../slack/create-slack-surface.js';

/**
 * `serve-medic demo`: one incident end to end, in the terminal, in about a minute. The built-in
 * simulator runs the traffic-spike scenario on a simulated clock moving `speed` times faster
 * than real time; everything else is the production code path: scraping into the sample store,
 * the shipped rules on the alert lifecycle (state in Redis), the diagnosis, the notifier with the
 * console sink, the remediation proposal, an approval by the demo's on-call user, the BullMQ job
 * that PUTs the change through the Serve REST API (over HTTP, with undici), the verification,
 * and the parent updated in place when the alert resolves.
 */
export interface DemoOptions {
  readonly out: { write(s: string): unknown };
  readonly logger: Logger;
  readonly redisUrl?: string;
  readonly rulesPaths: readonly string[];
  /** Simulated seconds per real second. */
  readonly speed?: number;
  /** Upper bound on simulated time, so a demo always ends. */
  readonly maxSimulatedMs?: number;
  readonly scenario?: string;
}

const DEMO_USER = 'U0DEMOONCALL';
const STEP_MS = 1000;
const EVAL_EVERY_MS = 15_000;

function mmss(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export async function runDemo(options: DemoOptions): Promise<{ fired: boolean; applied: boolean; resolved: boolean }> {
  const { out, logger } = options;
  const speed = options.speed ?? 20;
  const redisInfo = await resolveRedis(options.redisUrl);
  const prefix = `serve-medic-demo:${process.pid}:${Date.now().toString(36)}`;
  const redis = createRedis({ url: redisInfo.url, purpose: 'commands' });
  const cluster = createSimulatedCluster({ scenario: options.scenario ?? 'traffic-spike', seed: 7 });
  const start = cluster.clock.now();
  const say = (line: string) => out.write(`\n▶ [sim ${mmss(cluster.clock.now() - start)}] ${line}\n`);
  const simServer = await listenSimulator((m, p, h, b) => cluster.sim.handle(m, p, h, b), 0);
  const stoppers: (() => Promise<void> | void)[] = [
    () => simServer.close(),
    async () => {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    },
    () => redisInfo.stop(),
  ];
  const outcome = { fired: false, applied: false, resolved: false };
  try {
    const loaded = await loadRules(options.rulesPaths);
    if (loaded.errors.length > 0) throw new Error(`the rules do not load:\n${loaded.errors.join('\n')}`);
    const groups = loaded.groups;
    const checklist = loaded.checklist ?? { items: [] };
    const config = configSchema.parse({
      cluster_name: 'demo-cluster',
      redis_prefix: prefix,
      remediation: { approvers: [DEMO_USER], verification_window: '3m', proposal_ttl: '30m' },
    });
    const serveApi = new ServeApiClient({ baseUrl: simServer.url });
    const clock = cluster.clock;
    // Jobs wait on the simulated clock: the pump below moves it.
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const until = clock.now() + ms;
        const check = () => (clock.now() >= until ? resolve() : void setTimeout(check, 5));
        check();
      });
    const remediation = createRemediation({
      config,
      redis,
      redisUrl: redisInfo.url,
      serveApi,
      queryEngine: cluster.queryEngine,
      logger,
      clock,
      sleep,
      listRules: () => groups.flatMap((g) => g.rules),
    });
    stoppers.unshift(() => remediation.stop());
    const diagnose = (t: Parameters<DiagnoseFn>[0]) =>
      createDiagnose({
        queryEngine: cluster.queryEngine,
        serveApi,
        groups,
        checklist,
        guardrails: config.remediation,
        cluster: config.cluster_name,
        clock,
        lastRemediationAt: (a, d) => remediation.lastRemediationAt(a, d),
      })({
        application: t.application,
        ...(t.deployment ? { deployment: t.deployment } : {}),
        ...(t.alert ? { alert: { name: t.alert.name, value: t.alert.value, labels: t.alert.labels } } : {}),
      });
    // The notifier posts the diagnosis; the demo then asks remediation for the proposal itself,
    // so it knows the id of the proposal its on-call user approves.
    const diagnoses = new Map<string, Diagnosis>();
    const surface = createSlackSurface({
      config,
      redis,
      logger,
      clock,
      consoleOut: out as never,
      queryEngine: cluster.queryEngine,
      listRules: () => groups.flatMap((g) => g.rules),
      getApplications: () => serveApi.getApplications(),
      diagnose: async (t) => {
        const d = await diagnose(t);
        if (t.alert) diagnoses.set(t.alert.fingerprint, d);
        return d;
      },
      notifier: { tickIntervalMs: 200, pollMs: 20 },
    });
    await surface.start();
    stoppers.unshift(() => surface.stop());
    remediation.attach(surface.notifier);
    await remediation.start();

    // The incident the demo follows: the first alert that fires, until it resolves.
    let firing: Alert | undefined;
    let newlyFiring: Alert | undefined;
    const evaluator = new RuleEvaluator({
      queryEngine: cluster.queryEngine,
      store: new AlertStateStore({ redis, prefix }),
      onEvents: async (events: readonly AlertEvent[]) => {
        for (const e of events) {
          if (e.kind === 'firing' && !firing) newlyFiring = firing = e.alert;
          if (e.kind === 'resolved' && firing && e.alert.fingerprint === firing.fingerprint) outcome.resolved = true;
        }
        await surface.notifier.onEvents(events);
      },
      clock,
    });
    evaluator.setGroups(groups);

    say(`Ray Serve (simulated) is running three applications. At 00:30 traffic to /embed jumps 10×, and embeddings/Embedder is capped at max_replicas 2.`);
    out.write(`  serve-medic scrapes its /metrics every 5 s and evaluates ${groups.reduce((n, g) => n + g.rules.length, 0)} rules every 15 s. Simulated time runs ${speed}× faster.\n`);

    const maxSim = options.maxSimulatedMs ?? 20 * 60_000;
    let sinceEval = 0;
    let approved = false;
    const pending: Promise<unknown>[] = [];
    const realPause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    while (clock.now() - start < maxSim && !outcome.resolved) {
      cluster.advance(STEP_MS, 5000);
      sinceEval += STEP_MS;
      if (sinceEval >= EVAL_EVERY_MS) {
        sinceEval = 0;
        for (const group of groups) await evaluator.evaluateGroup(group, clock.now());
        await surface.notifier.idle();
      }
      if (newlyFiring) {
        const alert = newlyFiring;
        newlyFiring = undefined;
        outcome.fired = true;
        say(`${alert.name} fired: the thread above has the diagnosis and a chart. The rule carries a remediation, so serve-medic proposes one.`);
        const d = diagnoses.get(alert.fingerprint);
        const proposal = d ? await remediation.onDiagnosis(alert, d, surface.notifier.threadKeyOf(alert)) : undefined;
        await remediation.idle();
        if (proposal && proposal.mode === 'apply') {
          say(`@demo-oncall, who is in remediation.approvers, clicks Approve on proposal ${proposal.id}.`);
          pending.push(remediation.handleClick({ action: 'approve', proposalId: proposal.id, userId: DEMO_USER }));
          approved = true;
        } else {
          say('No fix can be applied here (the thread says why); the demo follows the alert to its end.');
        }
      }
      if (approved && !outcome.applied) {
        const details = await serveApi.getApplications().catch(() => undefined);
        const max = details?.applications?.embeddings?.deployments?.Embedder?.deployment_config?.autoscaling_config?.max_replicas;
        if (typeof max === 'number' && max > 2) {
          outcome.applied = true;
          say(`The change is live on the cluster: Embedder max_replicas is ${max}. serve-medic now watches the alert's signal for its verification window (3 min).`);
        }
      }
      await realPause(STEP_MS / speed);
    }
    await Promise.allSettled(pending);
    await remediation.idle();
    await surface.notifier.idle();
    if (outcome.resolved) say('The queue drained and the alert resolved: the parent message was updated in place, and the thread says how long it lasted.');
    else say('The demo reached its time limit.');
    out.write('\nThat was serve-medic. Run `npm start` to watch the simulator live, or point RAY_DASHBOARD_URL and METRICS_TARGETS at a real cluster.\n');
    return outcome;
  } catch (err) {
    out.write(`\ndemo failed: ${describeError(err)}\n`);
    throw err;
  } finally {
    for (const stop of stoppers) {
      try {
        await stop();
      } catch {
        // shutting down
      }
    }
  }
}
