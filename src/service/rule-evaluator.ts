import { createTask, type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Fence } from '../adapters/redis/alert-state-store.js';
import type { AlertStateStore } from '../adapters/redis/alert-state-store.js';
import { createLeaseRunCoordinator } from '../adapters/redis/lease-run-coordinator.js';
import type { RedisLease } from '../adapters/redis/redis-lease.js';
import { evaluateAlertRule } from '../core/alerts/evaluate-alert-rule.js';
import { toAlertVector, type RuleResult } from '../core/alerts/to-alert-vector.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Labels } from '../core/labels.js';
import type { Alert, AlertEvent } from '../core/model/alert.js';
import type { RuleGroup } from '../core/model/rule.js';
import type { QueryEngine } from '../core/query/types.js';
import { intervalToCron } from '../core/rules/interval-to-cron.js';
import { describeError } from '../errors.js';

/**
 * Evaluates every rule group on its interval (node-cron, one task per group) and drives the
 * alert lifecycle: query, evaluateAlertRule, store the new state in Redis, deliver the events.
 * With a lease, replicas sharing Redis evaluate each slot exactly once, on the lease holder;
 * state lives in Redis, so a takeover or a restart continues where the last evaluation left off.
 */
export interface EvaluationReport {
  readonly group: string;
  /** The evaluation timestamp: the schedule slot (identical on every replica). */
  readonly timeMs: number;
  readonly durationMs: number;
  /**
   * ok: every rule evaluated. rule-errors: some expressions failed (their alerts kept their
   * state). failed: nothing stored (Redis unreachable). fenced: the lease was lost mid-way,
   * nothing stored. skipped: another replica holds the lease for this slot.
   */
  readonly outcome: 'ok' | 'rule-errors' | 'failed' | 'fenced' | 'skipped';
  readonly ruleErrors: readonly { readonly rule: string; readonly error: string }[];
  readonly pending: number;
  readonly firing: number;
  readonly events: number;
  readonly error?: string;
}

export interface EvaluatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RuleEvaluatorOptions {
  readonly queryEngine: QueryEngine;
  readonly store: AlertStateStore;
  /** Receives firing/resolved events (the notify pipeline). At least once: it may see an event twice. */
  readonly onEvents: (events: readonly AlertEvent[]) => void | Promise<void>;
  /** Called after every evaluation and every skipped slot (the service's own metrics). */
  readonly onEvaluation?: (report: EvaluationReport) => void;
  /** Shared by replicas: only its holder evaluates, and only it may write state. */
  readonly lease?: RedisLease;
  /** Prefix of the per-slot keys the lease coordinator claims; default "<lease key>:slot". */
  readonly slotKeyPrefix?: string;
  readonly externalLabels?: Labels;
  /** For measuring durations and for evaluateNow(). */
  readonly clock?: Clock;
  readonly logger?: EvaluatorLogger;
}

const silent: EvaluatorLogger = { info: () => {}, warn: () => {}, error: () => {} };

export class RuleEvaluator {
  private groups: readonly RuleGroup[] = [];
  private tasks: ScheduledTask[] = [];
  private running = false;
  /** Rules removed by a reload (or while every replica was down) are cleaned up once. */
  private pruneNeeded = true;
  private delivery: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<EvaluationReport>>();
  private readonly clock: Clock;
  private readonly logger: EvaluatorLogger;
  private readonly coordinator: RunCoordinator | undefined;

  constructor(private readonly options: RuleEvaluatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silent;
    this.coordinator = options.lease
      ? createLeaseRunCoordinator(options.lease, { slotKeyPrefix: options.slotKeyPrefix ?? `${options.lease.key}:slot` })
      : undefined;
  }

  private get fence(): Fence | undefined {
    return this.options.lease?.fence;
  }

  /** Replaces the rule groups (at start and on every reload) and reschedules. State is kept. */
  setGroups(groups: readonly RuleGroup[]): void {
    this.groups = groups;
    this.pruneNeeded = true;
    if (this.running) this.schedule();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.lease?.start();
    this.schedule();
  }

  /** Stops scheduling, waits for running evaluations and deliveries, releases the lease. */
  async stop(): Promise<void> {
    this.running = false;
    const tasks = this.tasks;
    this.tasks = [];
    for (const t of tasks) await t.destroy();
    await Promise.all([...this.inFlight]);
    await this.delivery;
    await this.options.lease?.stop();
  }

  private schedule(): void {
    for (const t of this.tasks) void t.destroy();
    this.tasks = this.groups.map((group) => this.scheduleGroup(group));
  }

  private scheduleGroup(group: RuleGroup): ScheduledTask {
    const cron = intervalToCron(group.interval_ms);
    // The loader rejects intervals without a cron pattern; this only guards hand-built groups.
    if (cron === null) throw new Error(`group ${group.name}: interval ${group.interval_ms} ms cannot be scheduled`);
    const run = (timeMs: number) => {
      const p = this.evaluateGroup(group, timeMs);
      this.inFlight.add(p);
      return p.finally(() => this.inFlight.delete(p));
    };
    const task = createTask(cron, (ctx) => run(ctx.date.getTime()), {
      name: `rules:${group.name}`,
      noOverlap: true,
      distributed: this.coordinator !== undefined,
      ...(this.coordinator ? { runCoordinator: this.coordinator, distributedLease: Math.max(2 * group.interval_ms, 10_000) } : {}),
      logger: {
        info: () => {},
        debug: () => {},
        warn: (message) => this.logger.warn({ group: group.name }, message),
        error: (message) => this.logger.error({ group: group.name, err: String(message) }, 'rule evaluation scheduler error'),
      },
    });
    task.on('execution:skipped', (ctx) => {
      // not-elected: another replica holds the lease. coordinator-error: Redis did not answer,
      // so no replica may have evaluated this slot; that is a failure, not a skip.
      const failed = ctx.reason === 'coordinator-error';
      this.report({
        group: group.name,
        timeMs: ctx.date.getTime(),
        durationMs: 0,
        outcome: failed ? 'failed' : 'skipped',
        ruleErrors: [],
        pending: 0,
        firing: 0,
        events: 0,
        ...(failed ? { error: 'the evaluation lease could not be checked (Redis unreachable)' } : {}),
      });
    });
    void task.start();
    return task;
  }

  private report(report: EvaluationReport): void {
    try {
      this.options.onEvaluation?.(report);
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, 'evaluation hook failed');
    }
  }

  /**
   * Evaluates every group once at the clock's time, outside the schedule (tests, one-shot runs).
   * With a lease, only if this instance holds or can take it; otherwise nothing is evaluated.
   */
  async evaluateNow(): Promise<EvaluationReport[]> {
    const now = this.clock.now();
    if (this.options.lease && !(await this.options.lease.tryAcquire())) return [];
    const reports: EvaluationReport[] = [];
    for (const group of this.groups) reports.push(await this.evaluateGroup(group, now));
    return reports;
  }

  private async query(expr: string, timeMs: number): Promise<RuleResult> {
    try {
      return toAlertVector(await this.options.queryEngine.instantQuery(expr, timeMs));
    } catch (err) {
      return { error: describeError(err) };
    }
  }

  /** One evaluation of one group at `timeMs`: query each rule in order, store, deliver. */
  async evaluateGroup(group: RuleGroup, timeMs: number): Promise<EvaluationReport> {
    const started = this.clock.now();
    const base = { group: group.name, timeMs, pending: 0, firing: 0, events: 0, ruleErrors: [] as { rule: string; error: string }[] };
    const finish = (r: Omit<EvaluationReport, 'durationMs'>): EvaluationReport => {
      const report = { ...r, durationMs: this.clock.now() - started };
      this.report(report);
      return report;
    };
    try {
      const previous = await this.options.store.load(group.rules.map((r) => r.alert));
      const states = new Map<string, readonly Alert[]>();
      const events: AlertEvent[] = [];
      for (const rule of group.rules) {
        const out = evaluateAlertRule({
          rule,
          previous: previous.get(rule.alert) ?? [],
          result: await this.query(rule.expr, timeMs),
          timeMs,
          externalLabels: this.options.externalLabels,
        });
        if (out.error) {
          base.ruleErrors.push({ rule: rule.alert, error: out.error });
          this.logger.warn({ group: group.name, rule: rule.alert, err: out.error }, 'rule evaluation failed; its alerts keep their state');
        }
        states.set(rule.alert, out.alerts);
        events.push(...out.events);
        for (const a of out.alerts) {
          if (a.state === 'pending') base.pending++;
          else if (a.state === 'firing') base.firing++;
        }
      }
      const pruning = this.pruneNeeded;
      if (pruning) events.push(...(await this.pruneRemovedRules(states, timeMs)));
      if (!(await this.options.store.save(states, events, this.fence))) {
        this.logger.warn({ group: group.name }, 'evaluation lease lost during the evaluation; its result was discarded');
        return finish({ ...base, outcome: 'fenced' });
      }
      if (pruning) this.pruneNeeded = false;
      await this.deliver();
      return finish({ ...base, events: events.length, outcome: base.ruleErrors.length > 0 ? 'rule-errors' : 'ok' });
    } catch (err) {
      this.logger.error({ group: group.name, err: describeError(err) }, 'rule evaluation failed');
      return finish({ ...base, outcome: 'failed', error: describeError(err) });
    }
  }

  /** After a reload, resolves and forgets the alerts of rules that no longer exist. */
  private async pruneRemovedRules(states: Map<string, readonly Alert[]>, timeMs: number): Promise<AlertEvent[]> {
    const known = new Set(this.groups.flatMap((g) => g.rules.map((r) => r.alert)));
    const events: AlertEvent[] = [];
    for (const [name, alerts] of await this.options.store.loadAll()) {
      if (known.has(name)) continue;
      states.set(name, []);
      for (const a of alerts) {
        if (a.state === 'firing') events.push({ kind: 'resolved', alert: { ...a, state: 'inactive', resolvedAtMs: timeMs }, atMs: timeMs });
      }
    }
    return events;
  }

  /** Delivers queued events, oldest first; on failure they stay queued for the next evaluation. */
  private deliver(): Promise<void> {
    this.delivery = this.delivery
      .then(async () => {
        const events = await this.options.store.pendingEvents();
        if (events.length === 0) return;
        await this.options.onEvents(events);
        await this.options.store.ackEvents(events.length, this.fence);
      })
      .catch((err: unknown) => {
        this.logger.error({ err: describeError(err) }, 'alert event delivery failed; the events stay queued for the next evaluation');
      });
    return this.delivery;
  }
}
