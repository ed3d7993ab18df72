import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REMEDIATION_ACTIONS } from '../../src/core/model/checklist.js';
import { parseDuration } from '../../src/core/duration.js';
import { allRules, readChecklist, TESTS_DIR } from './rule-files.js';

/**
 * The checklist and the rules hold together: every guide item is there, every id a rule names
 * exists, every item metrics can reveal has an alert and a probe, and the PromQL follows the
 * facts of Ray Serve 2.58's metrics.
 */
const checklist = readChecklist();
const ids = new Set(checklist.map((i) => i.id));
const rules = allRules();

// Every item the guide has, by the ids the product uses.
const GUIDE_ITEMS = [
  // Debugging Latency › High Latency Checklist
  'latency-queue-building-up',
  'latency-processing-time-high',
  'latency-cold-start',
  'latency-cpu-contention',
  'latency-network-payloads',
  // Debugging OOM › Common Causes, GPU OOM Specifically
  'oom-model-too-large-for-gpu',
  'oom-too-many-concurrent-requests',
  'oom-sync-fastapi-handlers',
  'oom-memory-leak',
  'oom-large-request-response',
  'oom-gpu-memory',
  // Cold Starts › Mitigation
  'cold-start-scale-to-zero',
  'cold-start-pre-download-weights',
  'cold-start-initial-replicas',
  // Common Issues
  'requests-rejected-503',
  'timeouts-408',
  'replicas-not-scaling',
  'scale-to-zero-not-working',
  'model-not-using-gpu',
  'high-tail-latency',
  'deployment-stuck-updating',
  // Performance Tuning
  'tuning-async-handlers',
  'tuning-throughput-optimized-mode',
  'tuning-omp-num-threads',
  'tuning-request-timeout',
  'tuning-max-ongoing-vs-target',
  'tuning-max-batch-size',
  'tuning-batch-wait-timeout',
  // Pinned at max_replicas, apart from the queue
  'capacity-pinned-at-max-replicas',
];

describe('rules/checklist.yaml', () => {
  it('has every item of the guide, once, with a kebab-case id', () => {
    expect(checklist.map((i) => i.id).sort()).toEqual([...GUIDE_ITEMS].sort());
    for (const item of checklist) expect(item.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('says for every item what to check, the fix, and how a human applies it', () => {
    for (const item of checklist) {
      for (const key of ['title', 'section', 'check', 'fix'] as const) expect(item[key], `${item.id}.${key}`).toMatch(/\S/);
      expect(item.remediation.manual, `${item.id}.remediation.manual`).toMatch(/\S/);
      expect(['metrics', 'config', 'metrics+config', 'none']).toContain(item.signal);
      if (item.signal === 'none') expect(item.unobservable_reason, item.id).toMatch(/\S/);
      else expect(item.unobservable_reason, item.id).toBeUndefined();
      for (const action of item.remediation.actions) expect(REMEDIATION_ACTIONS).toContain(action);
      expect(item.remediation.automatic, item.id).toBe(item.remediation.actions.length > 0);
    }
  });
});

describe('rules/*.yaml', () => {
  it('names only checklist items that exist', () => {
    for (const { rule } of rules) {
      expect(rule.checklist?.length, rule.alert).toBeGreaterThan(0);
      for (const id of rule.checklist ?? []) expect(ids, `${rule.alert} checklist ${id}`).toContain(id);
      for (const probe of rule.diagnose ?? []) expect(ids, `${rule.alert} probe ${probe.name}`).toContain(probe.confirms);
    }
  });

  it('has an alert and a confirming probe for every item metrics can reveal', () => {
    for (const item of checklist.filter((i) => i.signal === 'metrics' || i.signal === 'metrics+config')) {
      expect(rules.some(({ rule }) => rule.checklist?.includes(item.id)), `no rule lists ${item.id}`).toBe(true);
      expect(rules.some(({ rule }) => rule.diagnose?.some((p) => p.confirms === item.id)), `no probe confirms ${item.id}`).toBe(true);
    }
  });

  it('gives every alert a severity, a summary, a description and valid durations', () => {
    const names = new Set<string>();
    for (const { rule, group } of rules) {
      expect(names.has(rule.alert), `duplicate ${rule.alert}`).toBe(false);
      names.add(rule.alert);
      expect(['page', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toMatch(/\S/);
      expect(rule.annotations?.description, rule.alert).toMatch(/\S/);
      for (const d of [rule.for, rule.keep_firing_for, group.interval]) if (d !== undefined) expect(parseDuration(d), `${rule.alert} ${d}`).not.toBeNull();
    }
  });

  it('offers only remediations an item of the rule allows, within sane bounds', () => {
    const byId = new Map(checklist.map((i) => [i.id, i]));
    for (const { rule } of rules.filter((r) => r.rule.remediation)) {
      const r = rule.remediation!;
      expect(REMEDIATION_ACTIONS).toContain(r.action);
      const allowed = (rule.checklist ?? []).some((id) => byId.get(id)?.remediation.actions.includes(r.action as never));
      expect(allowed, `${rule.alert}: ${r.action}`).toBe(true);
      expect(r.ceiling).toBeGreaterThan(0);
      expect(r.max_step).toBeGreaterThanOrEqual(1);
      expect(parseDuration(r.cooldown)).toBeGreaterThan(0);
    }
  });

  it('writes PromQL as the facts demand', () => {
    const counters = [
      'ray_serve_num_http_requests',
      'ray_serve_num_http_error_requests',
      'ray_serve_num_deployment_http_error_requests',
      'ray_serve_deployment_error_counter',
      'ray_serve_deployment_request_counter',
      'ray_serve_num_router_requests',
      'ray_serve_deployment_replica_starts',
      'ray_serve_health_check_failures',
    ];
    for (const { rule } of rules) {
      const exprs = [rule.expr, ...(rule.diagnose ?? []).map((p) => p.expr)];
      for (const expr of exprs) {
        // Counters are scraped with `_total` (OpenTelemetry exports nothing else).
        for (const c of counters) expect(expr, rule.alert).not.toMatch(new RegExp(`${c}(?!_total)\\b`));
        // Ray's desired_replicas is recorded after the upscale delay: never the "pinned" signal.
        expect(expr, rule.alert).not.toContain('ray_serve_autoscaling_desired_replicas');
        // No subqueries and no @ (the built-in evaluator does not support them).
        expect(expr, rule.alert).not.toMatch(/\[\s*\d+[a-z]+\s*:\s*(\d+[a-z]+)?\s*\]/);
        expect(expr, rule.alert).not.toMatch(/\s@\s*\d/);
      }
      // Alert expressions look at user applications only (unmatched 404s have application="").
      if (/ray_serve_/.test(rule.expr)) expect(rule.expr, rule.alert).toContain('application!=""');
    }
  });
});

describe('rules/checklist.yaml as YAML', () => {
  it('keeps the item numbers of the guide in the sections (a bare " #" would start a YAML comment)', () => {
    const numbered = checklist.filter((i) => /Checklist|Common Causes/.test(i.section) && !/GPU/.test(i.section));
    expect(numbered.length).toBeGreaterThanOrEqual(10);
    for (const item of numbered) expect(item.section, item.id).toMatch(/#\d/);
  });
});

describe('test/rules-alerts/*.test.yaml', () => {
  it('has a firing and a quiet expectation for every alert', () => {
    const firing = new Set<string>();
    const quiet = new Set<string>();
    for (const name of readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.yaml'))) {
      const doc = parse(readFileSync(`${TESTS_DIR}/${name}`, 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] };
      for (const t of doc.tests.flatMap((g) => g.alert_rule_test ?? [])) (t.exp_alerts?.length ? firing : quiet).add(t.alertname);
    }
    for (const { rule } of rules) {
      expect(firing.has(rule.alert), `${rule.alert} never expected to fire`).toBe(true);
      expect(quiet.has(rule.alert), `${rule.alert} never expected to stay quiet`).toBe(true);
    }
  });
});
