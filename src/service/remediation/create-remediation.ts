import type { Redis } from 'ioredis';
import { AuditStream } from '../../adapters/redis/audit-stream.js';
import { createRedis } from '../../adapters/redis/create-redis.js';
import { ProposalStore } from '../../adapters/redis/proposal-store.js';
import { RemediationLimits } from '../../adapters/redis/remediation-limits.js';
import { ApproverDirectory } from '../../adapters/slack/approver-directory.js';
import type { Config } from '../../config/config-schema.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Alert } from '../../core/model/alert.js';
import type { Diagnosis } from '../../core/model/diagnosis.js';
import type { AlertRule } from '../../core/model/rule.js';
import type { DiagnoseFn } from '../../core/notify/notification.js';
import type { QueryEngine } from '../../core/query/types.js';
import type { Proposal } from '../../core/remediation/proposal.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import { renderHistory } from '../../core/slack-render/render-history.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/create-logger.js';
import type { OwnMetrics } from '../own-metrics.js';
import type { ActionRegistrar } from '../slack/listeners/index.js';
import { approvalActions } from './approval-actions.js';
import type { Click, ClickOutcome } from './handle-click.js';
import { handleClick } from './handle-click.js';
import { proposeFromDiagnosis } from './propose.js';
import type { RemediationQueues } from './remediation-queues.js';
import { createRemediationQueues } from './remediation-queues.js';
import type { ApplyHooks, RemediationContext, RemediationTuning, ServeApi, ThreadPoster } from './remediation-context.js';
import { DEFAULT_TUNING } from './remediation-context.js';

export interface RemediationOptions {
  readonly config: Pick<Config, 'remediation' | 'ray' | 'redis_prefix' | 'cluster_name'>;
  /** The service's command connection (proposals, audit stream, limits). */
  readonly redis: Redis;
  /**
   * BullMQ's connection: createRedis({ url, purpose: 'bullmq' }) (maxRetriesPerRequest null, no
   * keyPrefix). Or give `redisUrl` and one is made (and closed on stop).
   */
  readonly bullmqConnection?: Redis;
  readonly redisUrl?: string;
  readonly serveApi: ServeApi;
  readonly queryEngine: QueryEngine;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How the jobs wait (polls, the verification window); default real timers. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly metrics?: Pick<OwnMetrics, 'remediations' | 'remediationQueueDepth'>;
  /** The loaded rules: the triggering alert's expression is what a fix is verified against. */
  readonly listRules?: () => readonly AlertRule[] | Promise<readonly AlertRule[]>;
  /** The notifier (its thread API); may also be given later with attach(). */
  readonly notifier?: ThreadPoster;
  /** false: this instance takes clicks and enqueues, another runs the jobs. Default true. */
  readonly runWorkers?: boolean;
  readonly tuning?: Partial<RemediationTuning>;
  readonly hooks?: ApplyHooks;
}

export interface Remediation {
  /** Give to createSlackSurface({ actionRegistrars }): the Approve / Reject buttons. */
  readonly actionRegistrars: readonly ActionRegistrar[];
  /**
   * Wraps the diagnose function given to the Slack surface: after the diagnosis of an alert
   * that carries a remediation, the proposal is posted in the alert's thread (asynchronously; the
   * diagnosis itself is returned unchanged and at once).
   */
  wrapDiagnose(diagnose: DiagnoseFn): DiagnoseFn;
  /** Posts the proposal for a diagnosis in a thread (what wrapDiagnose calls). */
  onDiagnosis(alert: Alert, diagnosis: Diagnosis, threadKey: string): Promise<Proposal | undefined>;
  /** `/serve-medic history [APP]`. */
  history(application?: string): Promise<SlackMessage>;
  /** For createDiagnose({ lastRemediationAt }): the cooldown the diagnosis shows. */
  lastRemediationAt(application: string, deployment: string): Promise<number | undefined>;
  /** The notifier, when it is created after this (createSlackSurface needs the registrars first). */
  attach(notifier: ThreadPoster): void;
  /** One click, as the Bolt listener hands it over (tests and other surfaces call it directly). */
  handleClick(click: Click): Promise<ClickOutcome>;
  readonly queues: RemediationQueues;
  readonly context: RemediationContext;
  /** Resolves when every Slack reply started so far has been handed over (tests, shutdown). */
  idle(): Promise<void>;
  /** Starts the BullMQ workers and re-queues approvals whose job a crash may have lost. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Approved remediations (issue #6), as one piece for the composition root: proposals in the
 * incident thread, Approve / Reject with authorisation, a BullMQ job per approval that changes
 * one field through the Serve REST API and checks it took, verification, rollback, audit.
 *
 *   const remediation = createRemediation({ config, redis, redisUrl, serveApi, queryEngine, logger, clock, metrics: own, listRules });
 *   const surface = createSlackSurface({ …, diagnose: remediation.wrapDiagnose(diagnose),
 *     actionRegistrars: remediation.actionRegistrars, history: (app) => remediation.history(app) });
 *   remediation.attach(surface.notifier);
 *   await remediation.start();   // … and remediation.stop() before the surface stops
 */
export function createRemediation(options: RemediationOptions): Remediation {
  const { config, logger: rootLogger } = options;
  const logger = rootLogger.child({ component: 'remediation' });
  const clock = options.clock ?? systemClock;
  const r = config.remediation;
  const prefix = config.redis_prefix;
  let notifier = options.notifier;
  const threads = (): ThreadPoster => {
    if (!notifier) throw new Error('remediation: no notifier attached (call attach(surface.notifier) before start)');
    return notifier;
  };
  const tuning: RemediationTuning = { ...DEFAULT_TUNING, ...options.tuning };
  let ownConnection: Redis | undefined;
  const connection =
    options.bullmqConnection ??
    (ownConnection = (() => {
      if (!options.redisUrl) throw new Error('createRemediation needs bullmqConnection or redisUrl');
      const c = createRedis({ url: options.redisUrl, purpose: 'bullmq', connectionName: 'serve-medic-bullmq' });
      c.on('error', (err) => logger.debug({ err: describeError(err) }, 'BullMQ redis connection error'));
      return c;
    })());

  const pending = new Set<Promise<unknown>>();
  const ctx: RemediationContext = {
    cluster: config.cluster_name,
    settings: {
      ...r,
      ...(config.ray.kuberay ? { kuberay: config.ray.kuberay } : {}),
    },
    serveApi: options.serveApi,
    queryEngine: options.queryEngine,
    store: new ProposalStore(options.redis, { prefix }),
    audit: new AuditStream(options.redis, { prefix }),
    limits: new RemediationLimits(options.redis, { prefix, cluster: config.cluster_name }),
    threads,
    logger,
    clock,
    sleep: options.sleep ?? realSleep,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    tuning,
    hooks: options.hooks ?? {},
    // The queues are created just below; nothing enqueues before then.
    enqueueApply: (id) => queues.enqueueApply(id),
    enqueueVerify: (data) => queues.enqueueVerify(data),
    track(work) {
      const p = work.catch((err: unknown) => logger.error({ err: describeError(err) }, 'remediation side effect failed'));
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
  };
  const queues = createRemediationQueues(ctx, { connection, prefix, runWorkers: options.runWorkers ?? true });

  const approvers = new ApproverDirectory({
    approvers: r.approvers,
    clock,
    onLookupError: (group, err) => logger.warn({ group, err: describeError(err) }, 'could not read a user group (usergroups.users.list); its members cannot approve'),
  });
  const click = (c: Click) => handleClick(ctx, approvers, c);
  const rules = async () => (options.listRules ? await options.listRules() : []);

  const remediation: Remediation = {
    actionRegistrars: [approvalActions(click, logger)],
    queues,
    context: ctx,
    attach(n) {
      notifier = n;
    },
    handleClick: click,
    async onDiagnosis(alert, diagnosis, threadKey) {
      if (!diagnosis.remediation) return undefined;
      try {
        return await proposeFromDiagnosis(ctx, alert, diagnosis, threadKey, await rules());
      } catch (err) {
        logger.error({ alert: alert.name, threadKey, err: describeError(err) }, 'could not post the remediation proposal');
        return undefined;
      }
    },
    wrapDiagnose(diagnose) {
      return async (target) => {
        const d = await diagnose(target);
        if (target.alert && d.remediation) {
          const alert = target.alert;
          if (!notifier) logger.warn({ alert: alert.name }, 'remediation has no notifier attached: proposal not posted');
          else void remediation.onDiagnosis(alert, d, notifier.threadKeyOf(alert));
        }
        return d;
      };
    },
    async history(application) {
      const entries = await ctx.audit.recent({ ...(application ? { application } : {}), count: 50 });
      return renderHistory(entries, application, ctx.cluster);
    },
    lastRemediationAt: (application, deployment) => ctx.limits.lastChangeAt(application, deployment),
    async start() {
      await queues.start();
      // An approval whose job a crash lost between the click and the enqueue: queue it now
      // (the job id makes this a no-op when the job exists).
      for (const id of await ctx.store.approvedIds()) await queues.enqueueApply(id);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async stop() {
      await queues.stop();
      await remediation.idle();
      ownConnection?.disconnect();
    },
  };
  return remediation;
}
