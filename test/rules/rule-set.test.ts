import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertStateStore } from '../../src/adapters/redis/alert-state-store.js';
import type { Redis } from '../../src/adapters/redis/create-redis.js';
import { RuleSet, type RuleSetOptions } from '../../src/adapters/rules/rule-set.js';
import type { AlertEvent } from '../../src/core/model/alert.js';
import type { RuleGroup } from '../../src/core/model/rule.js';
import type { QueryValue } from '../../src/core/query/types.js';
import { RuleEvaluator } from '../../src/service/rule-evaluator.js';
import { openTestRedis, uniquePrefix } from '../helpers/redis.js';

const rules = (summary: string, extra = '') => `groups:
  - name: serve-availability
    interval: 15s
    rules:
      - alert: ServeDown
        expr: up == 0
        annotations:
          summary: "${summary} {{ $labels.application }}"
${extra}`;

const EXTRA_RULE = `      - alert: ServeSlow
        expr: up == 0
`;

let dir: string;
let set: RuleSet | undefined;
const logs: string[] = [];
const logger = { info: (_o: object, msg?: string) => void logs.push(`info ${msg}`), warn: (_o: object, msg?: string) => void logs.push(`warn ${msg}`) };

const create = (options: Partial<RuleSetOptions> = {}) =>
  RuleSet.create({ paths: ['rules'], load: { cwd: dir }, logger, watch: false, pollIntervalMs: 0, debounceMs: 20, ...options }).then((s) => (set = s));

const writeRules = (text: string) => writeFileSync(join(dir, 'rules', 'availability.yaml'), text);

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serve-medic-rule-set-'));
  mkdirSync(join(dir, 'rules'));
  writeRules(rules('down:'));
  logs.length = 0;
});

afterEach(async () => {
  await set?.stop();
  set = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('RuleSet', () => {
  it('refuses to start with broken rules, listing every problem', async () => {
    writeRules('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(\n        for: soon\n');
    await expect(create()).rejects.toMatchObject({
      code: 'RULES_INVALID',
      details: { errors: [expect.stringMatching(/^rules\/availability\.yaml:5:19: /), expect.stringMatching(/^rules\/availability\.yaml:6:14: /)] },
    });
  });

  it('reloads on SIGHUP and tells its listeners', async () => {
    const signals = new EventEmitter();
    await create({ signals });
    set!.start();
    const seen: (readonly RuleGroup[])[] = [];
    set!.onChange((g) => seen.push(g));
    writeRules(rules('down:', EXTRA_RULE));
    signals.emit('SIGHUP');
    await until(() => seen.length === 1);
    expect(seen[0]![0]!.rules.map((r) => r.alert)).toEqual(['ServeDown', 'ServeSlow']);
    expect(set!.groups()).toBe(seen[0]);
    expect(logs).toContain('info rules loaded');
  });

  it('listens to the real process SIGHUP by default, and stops listening on stop', async () => {
    await create();
    const before = process.listenerCount('SIGHUP');
    set!.start();
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    const seen: number[] = [];
    set!.onChange(() => seen.push(1));
    writeRules(rules('changed:'));
    process.emit('SIGHUP');
    await until(() => seen.length === 1);
    await set!.stop();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });

  it('reloads when a rule file changes, seen by fs.watch', async () => {
    await create({ watch: true });
    set!.start();
    await new Promise((r) => setTimeout(r, 100)); // let the watch attach
    const seen: number[] = [];
    set!.onChange(() => seen.push(1));
    writeRules(rules('changed:'));
    await until(() => seen.length === 1);
    expect(set!.groups()[0]!.rules[0]!.annotations.summary).toBe('changed: {{ $labels.application }}');
  });

  it('reloads when an mtime changes, seen by the poll when fs.watch says nothing', async () => {
    await create({ pollIntervalMs: 50 });
    set!.start();
    const seen: number[] = [];
    set!.onChange(() => seen.push(1));
    writeRules(rules('polled:'));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'rules', 'availability.yaml'), later, later);
    await until(() => seen.length === 1);
    expect(set!.groups()[0]!.rules[0]!.annotations.summary).toBe('polled: {{ $labels.application }}');
  });

  it('keeps the last good rules when a file breaks, logging each problem on its own line, and recovers', async () => {
    const signals = new EventEmitter();
    await create({ signals });
    set!.start();
    const good = set!.groups();
    logs.length = 0;
    writeRules('groups:\n  - name: serve-availability\n    rules:\n      - alert: ServeDown\n        expr: up ==\n        for: soon\n');
    const failed = await set!.reload('SIGHUP');
    expect(failed).toMatchObject({ ok: false, changed: false });
    expect(set!.groups()).toBe(good);
    expect(logs).toEqual([
      'warn rules reload failed: keeping the last good rules',
      'warn rules/availability.yaml:5:20: expr: parse error: unexpected end of input',
      'warn rules/availability.yaml:6:14: for: "soon" is not a duration like 30s, 5m or 1h30m',
    ]);
    writeRules(rules('fixed:'));
    expect(await set!.reload('SIGHUP')).toMatchObject({ ok: true, changed: true });
    expect(set!.groups()[0]!.rules[0]!.annotations.summary).toBe('fixed: {{ $labels.application }}');
  });
});

describe('RuleSet with the evaluator', () => {
  let redis: Redis;
  let cleanup: () => Promise<void>;
  let prefix: string;
  beforeEach(async () => {
    prefix = uniquePrefix('rule-set-reload');
    ({ redis, cleanup } = await openTestRedis(prefix));
  });
  afterEach(async () => cleanup());

  it('keeps alert state across a reload: the firing alert stays firing, with the new annotations, and does not fire again', async () => {
    const signals = new EventEmitter();
    await create({ signals });
    set!.start();
    const events: AlertEvent[] = [];
    const down: QueryValue = { resultType: 'vector', result: [{ labels: { application: 'app1' }, timestampMs: 0, value: 0 }] };
    const evaluator = new RuleEvaluator({
      queryEngine: { instantQuery: async () => down, rangeQuery: async () => [] },
      store: new AlertStateStore({ redis, prefix }),
      onEvents: (e) => void events.push(...e),
    });
    evaluator.setGroups(set!.groups());
    set!.onChange((groups) => evaluator.setGroups(groups));
    const T0 = Date.UTC(2026, 0, 1);
    await evaluator.evaluateGroup(set!.groups()[0]!, T0);
    expect(events.map((e) => e.kind)).toEqual(['firing']);

    writeRules(rules('still down:', EXTRA_RULE));
    signals.emit('SIGHUP');
    await until(() => set!.groups()[0]!.rules.length === 2);
    await evaluator.evaluateGroup(set!.groups()[0]!, T0 + 15_000);
    expect(events.map((e) => `${e.kind} ${e.alert.name}`)).toEqual(['firing ServeDown', 'firing ServeSlow']);
    const state = await new AlertStateStore({ redis, prefix }).load(['ServeDown']);
    expect(state.get('ServeDown')![0]).toMatchObject({ state: 'firing', activeAtMs: T0, firedAtMs: T0, annotations: { summary: 'still down: app1' } });
  });
});
