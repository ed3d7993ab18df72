import type { Job } from 'bullmq';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { applyJobId, verifyJobId } from '../../core/remediation/proposal.js';
import { renderRetrying } from '../../core/slack-render/render-remediation-replies.js';
import { describeError, isServeMedicError } from '../../errors.js';
import type { ApplyOutcome } from './apply-change.js';
import { applyChange, certainlyNotApplied, isRetryable, PermanentFailure, reportFailure } from './apply-change.js';
import type { RemediationContext, VerifyJobData } from './remediation-context.js';
import { tell } from './remediation-context.js';
import { verifyChange } from './verify-change.js';

const jobData = z.strictObject({ proposalId: z.string().regex(/^[0-9a-f]{8,64}$/) });

/** BullMQ queue names may not contain ':'; one pair of queues per cluster. */
export function queueNames(cluster: string): { apply: string; verify: string } {
  const safe = cluster.replace(/[^A-Za-z0-9_.-]/g, '_');
  return { apply: `remediation-apply-${safe}`, verify: `remediation-verify-${safe}` };
}

export interface RemediationQueuesOptions {
  /** A connection made for BullMQ (createRedis({ purpose: 'bullmq' }): maxRetriesPerRequest null, no keyPrefix). */
  readonly connection: Redis;
  /** BullMQ's own key prefix: config.redis_prefix. */
  readonly prefix: string;
  /** false: only enqueue (an instance that takes clicks but leaves the work to others). */
  readonly runWorkers: boolean;
}

export interface RemediationQueues {
  enqueueApply(proposalId: string): Promise<void>;
  enqueueVerify(data: VerifyJobData): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Waiting + active + delayed jobs of both queues (for the queue-depth metric and tests). */
  depth(): Promise<number>;
  readonly apply: Queue;
  readonly verify: Queue;
}

/**
 * The BullMQ side: an apply queue per cluster with a global concurrency of 1 (every instance's
 * worker together apply one change at a time to a cluster), and a verify queue whose jobs
 * mostly wait out the verification window. Job ids derive from the proposal id, so a double
 * click, a Slack retry or two instances enqueue once. Ray's 400/401/403 and guardrail refusals
 * end a job with UnrecoverableError; an unreachable API or a 5xx is retried with backoff.
 *
 * Durability: BullMQ keeps jobs in Redis; with `appendonly yes`, `appendfsync everysec` and
 * `maxmemory-policy noeviction` an approved job survives a Redis restart (see the README).
 */
export function createRemediationQueues(ctx: RemediationContext, options: RemediationQueuesOptions): RemediationQueues {
  const names = queueNames(ctx.cluster);
  const base = { connection: options.connection, prefix: options.prefix };
  const apply = new Queue(names.apply, base);
  const verify = new Queue(names.verify, base);
  const workers: Worker[] = [];
  const log = ctx.logger.child({ component: 'remediation-queue' });

  const updateDepth = () => {
    if (!ctx.metrics) return;
    void depth()
      .then((d) => ctx.metrics?.remediationQueueDepth.set(d))
      .catch(() => undefined);
  };

  const depth = async (): Promise<number> => {
    const [a, v] = await Promise.all([apply.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), verify.getJobCounts('waiting', 'active', 'delayed', 'prioritized')]);
    return Object.values(a).reduce((s, n) => s + n, 0) + Object.values(v).reduce((s, n) => s + n, 0);
  };

  const processApply = async (job: Job): Promise<ApplyOutcome> => {
    const { proposalId } = jobData.parse(job.data);
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    try {
      return await applyChange(ctx, proposalId);
    } catch (err) {
      const rec = await ctx.store.get(proposalId).catch(() => null);
      const p = rec?.proposal;
      if (!(err instanceof PermanentFailure) && (isRetryable(err) || !isServeMedicError(err)) && attempt < attempts) {
        const retryInMs = ctx.tuning.backoffMs * 2 ** (attempt - 1);
        log.warn({ proposalId, attempt, attempts, err: describeError(err) }, 'apply attempt failed; BullMQ retries it');
        if (p) tell(ctx, p.threadKey, renderRetrying(p, attempt, attempts, describeError(err), retryInMs));
        throw err;
      }
      const reason =
        err instanceof PermanentFailure || !isRetryable(err) ? describeError(err) : `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${describeError(err)}`;
      log.error({ proposalId, attempt, err: describeError(err) }, 'apply job failed for good');
      if (p) await reportFailure(ctx, p, reason, certainlyNotApplied(err));
      throw new UnrecoverableError(reason);
    }
  };

  const processVerify = async (job: Job): Promise<string> => {
    const { proposalId } = jobData.parse(job.data);
    return verifyChange(ctx, proposalId);
  };

  return {
    apply,
    verify,
    depth,
    async enqueueApply(proposalId) {
      await apply.add(
        'apply',
        { proposalId },
        {
          jobId: applyJobId(proposalId),
          attempts: ctx.tuning.attempts,
          backoff: { type: 'exponential', delay: ctx.tuning.backoffMs },
          removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      );
      updateDepth();
    },
    async enqueueVerify(data) {
      await verify.add('verify', data, {
        jobId: verifyJobId(data.proposalId),
        attempts: 3,
        backoff: { type: 'exponential', delay: ctx.tuning.backoffMs },
        removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      });
      updateDepth();
    },
    async start() {
      // Global: however many instances run a worker, one change at a time per cluster.
      await apply.setGlobalConcurrency(1);
      if (!options.runWorkers) return;
      const common = { ...base, lockDuration: ctx.tuning.lockMs, stalledInterval: ctx.tuning.stalledIntervalMs, maxStalledCount: 1 };
      const applyWorker = new Worker(names.apply, processApply, { ...common, concurrency: 1 });
      const verifyWorker = new Worker(names.verify, processVerify, { ...common, concurrency: ctx.tuning.verifyConcurrency });
      for (const w of [applyWorker, verifyWorker]) {
        w.on('error', (err) => log.error({ err: describeError(err) }, 'remediation worker error'));
        w.on('failed', (job, err) => {
          log.debug({ job: job?.id, err: describeError(err) }, 'remediation job attempt failed');
          updateDepth();
        });
        w.on('completed', (job, result) => {
          log.info({ job: job.id, result }, 'remediation job done');
          updateDepth();
        });
        workers.push(w);
      }
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },
    async stop() {
      // The apply worker finishes its job; a verification only waits, so it is left to resume
      // on the next start (or another instance) with the time it has left.
      await Promise.all(workers.map((w, i) => w.close(i === 1)));
      workers.length = 0;
      await Promise.all([apply.close(), verify.close()]);
    },
  };
}
