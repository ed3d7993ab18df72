import { describe, expect, it } from 'vitest';
import type { Checklist } from '../../src/core/model/checklist.js';
import { parseRuleFile, parseRuleFiles } from '../../src/core/rules/parse-rule-file.js';

const CHECKLIST: Checklist = {
  items: ['latency-queue-building-up', 'latency-cold-start', 'errors-replica-crash'].map((id) => ({
    id,
    title: id,
    section: 's',
    check: 'c',
    fix: 'f',
    signal: 'metrics' as const,
    remediation: { automatic: false, actions: [], manual: 'm' },
  })),
};

const errorsOf = (text: string, options: Parameters<typeof parseRuleFile>[2] = {}) => parseRuleFile(text, 'rules/x.yaml', options).errors;

const VALID = `groups:
  - name: serve-latency
    interval: 30s
    rules:
      - alert: ServeHighLatency
        expr: |
          histogram_quantile(0.99, sum by (application, le) (rate(ray_serve_http_request_latency_ms_bucket[5m]))) > 2000
        for: 5m
        keep_firing_for: 2m
        labels:
          severity: warning
          priority: 2
        annotations:
          summary: "{{ $labels.application }}: p99 {{ $value | humanize }} ms"
        checklist: [latency-queue-building-up]
        diagnose:
          - name: queued requests
            expr: sum by (application) (ray_serve_deployment_queued_queries{application="{{ $labels.application }}"}) > 10
            confirms: latency-queue-building-up
            description: requests waiting for a replica
        remediation:
          action: raise_max_replicas
          ceiling: 20
          max_step: 2
          cooldown: 15m
  - name: serve-errors
    rules:
      - alert: ServeErrors
        expr: sum(rate(ray_serve_num_http_error_requests_total[5m])) > 0
`;

describe('parseRuleFile', () => {
  it('loads a valid file into groups with durations in ms, defaults, and the source of each rule', () => {
    const result = parseRuleFile(VALID, 'rules/x.yaml', { checklist: CHECKLIST, defaultIntervalMs: 15_000 });
    expect(result.errors).toEqual([]);
    expect(result.groups).toHaveLength(2);
    const [latency, errors] = result.groups as [NonNullable<(typeof result.groups)[0]>, NonNullable<(typeof result.groups)[0]>];
    expect(latency).toMatchObject({ name: 'serve-latency', interval_ms: 30_000, file: 'rules/x.yaml' });
    expect(latency.rules[0]).toEqual({
      alert: 'ServeHighLatency',
      expr: 'histogram_quantile(0.99, sum by (application, le) (rate(ray_serve_http_request_latency_ms_bucket[5m]))) > 2000\n',
      for_ms: 300_000,
      keep_firing_for_ms: 120_000,
      labels: { severity: 'warning', priority: '2' },
      annotations: { summary: '{{ $labels.application }}: p99 {{ $value | humanize }} ms' },
      checklist: ['latency-queue-building-up'],
      diagnose: [
        {
          name: 'queued requests',
          expr: 'sum by (application) (ray_serve_deployment_queued_queries{application="{{ $labels.application }}"}) > 10',
          confirms: 'latency-queue-building-up',
          description: 'requests waiting for a replica',
        },
      ],
      remediation: { action: 'raise_max_replicas', ceiling: 20, max_step: 2, cooldown_ms: 900_000 },
      source: 'rules/x.yaml:5',
    });
    expect(errors).toMatchObject({ name: 'serve-errors', interval_ms: 15_000 });
    expect(errors.rules[0]).toMatchObject({ for_ms: 0, keep_firing_for_ms: 0, labels: {}, checklist: [], diagnose: [] });
  });

  it('accepts an empty file as no groups, as Prometheus does', () => {
    expect(parseRuleFile('', 'rules/empty.yaml')).toMatchObject({ groups: [], errors: [] });
    expect(parseRuleFile('# nothing yet\n', 'rules/empty.yaml')).toMatchObject({ groups: [], errors: [] });
  });

  it('reports YAML syntax errors and duplicate keys with their position', () => {
    expect(errorsOf('groups:\n  - name: a\n    name: b\n')).toEqual(['rules/x.yaml:3:5: Map keys must be unique']);
    expect(errorsOf('groups: [\n')[0]).toMatch(/^rules\/x\.yaml:2:1: /);
  });

  it('rejects unknown keys at the key, listing what is allowed there', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        anotations: {}\n';
    expect(errorsOf(text)).toEqual([
      'rules/x.yaml:6:9: unknown key "anotations" (allowed here: alert, expr, for, keep_firing_for, labels, annotations, checklist, diagnose, remediation)',
    ]);
    expect(errorsOf('groups:\n  - name: g\n    limit: 10\n    rules: []\n')).toEqual([
      'rules/x.yaml:3:5: unknown key "limit" (allowed here: name, interval, rules)',
    ]);
    expect(errorsOf('group: []\n')).toEqual(['rules/x.yaml:1:1: unknown key "group" (allowed here: groups)']);
  });

  it('reports wrong types and missing keys where they are', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        labels: [a, b]\n';
    expect(errorsOf(text)).toEqual([
      'rules/x.yaml:4:9: missing required key "expr"',
      'rules/x.yaml:5:17: labels: must be a mapping, got a list',
    ]);
    expect(errorsOf('groups:\n  - name: g\n    rules:\n      - expr: up\n')).toEqual(['rules/x.yaml:4:9: missing required key "alert"']);
  });

  it('reports invalid durations, including numbers where Prometheus wants a duration string', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: 5x\n        keep_firing_for: 300\n';
    expect(errorsOf(text)).toEqual([
      'rules/x.yaml:6:14: for: "5x" is not a duration like 30s, 5m or 1h30m',
      'rules/x.yaml:7:26: keep_firing_for: the number 300 is not a duration like 30s, 5m or 1h30m',
    ]);
  });

  it('rejects intervals node-cron cannot keep steady, and accepts those that tile a minute, an hour or a day', () => {
    expect(errorsOf('groups:\n  - name: g\n    interval: 45s\n    rules: []\n')).toEqual([
      expect.stringMatching(/^rules\/x\.yaml:3:15: interval 45s cannot be scheduled evenly: use whole seconds that divide a minute/),
    ]);
    expect(errorsOf('groups:\n  - name: g\n    interval: 0s\n    rules: []\n')).toEqual(['rules/x.yaml:3:15: interval: must be longer than 0s']);
    for (const ok of ['1s', '15s', '30s', '1m', '5m', '30m', '1h', '6h', '1d']) {
      expect(errorsOf(`groups:\n  - name: g\n    interval: ${ok}\n    rules: []\n`), ok).toEqual([]);
    }
    expect(errorsOf('groups:\n  - name: g\n    rules: []\n', { defaultIntervalMs: 45_000 })).toEqual([
      expect.stringMatching(/^rules\/x\.yaml:2:11: the default evaluation interval 45s cannot be scheduled evenly: .*; set interval: on the group$/),
    ]);
  });

  it('rejects invalid and reserved label names and invalid annotation names at the key', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels:\n          1bad: x\n          __meta: y\n          alertname: z\n        annotations:\n          bad-name: w\n';
    expect(errorsOf(text)).toEqual([
      'rules/x.yaml:7:11: labels: invalid label name "1bad": use letters, digits and _ and do not start with a digit',
      'rules/x.yaml:8:11: labels: label name "__meta" cannot be set here: names starting with __ are reserved',
      'rules/x.yaml:9:11: labels: label name "alertname" cannot be set here: alertname is set from the rule\'s "alert"',
      'rules/x.yaml:11:11: annotations: invalid annotation name "bad-name": use letters, digits and _ and do not start with a digit',
    ]);
  });

  it('rejects duplicate group names and duplicate alert names in a file', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n';
    expect(errorsOf(text)).toEqual([
      'rules/x.yaml:6:11: group name "g" is repeated in this file (first at rules/x.yaml:2)',
      expect.stringMatching(/^rules\/x\.yaml:8:16: alert "A" is already defined at rules\/x\.yaml:4; alert names must be unique across all rule files/),
    ]);
  });

  it('rejects an alert or group name that another file already defines', () => {
    const a = { fileName: 'rules/a.yaml', text: 'groups:\n  - name: g1\n    rules:\n      - alert: A\n        expr: up\n' };
    const b = { fileName: 'rules/b.yaml', text: 'groups:\n  - name: g1\n    rules:\n      - alert: A\n        expr: up\n' };
    const result = parseRuleFiles([a, b]);
    expect(result.groups).toEqual([]);
    expect(result.errors).toEqual([
      expect.stringMatching(/^rules\/b\.yaml:2:11: group name "g1" is already used at rules\/a\.yaml:2; group names must be unique across all rule files/),
      expect.stringMatching(/^rules\/b\.yaml:4:16: alert "A" is already defined at rules\/a\.yaml:4; .*keys alert state and Slack threads by alert name and labels/),
    ]);
  });

  it('maps a PromQL error column into the file for plain, quoted and block scalars', () => {
    const plain = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate(x[5m])) >\n';
    expect(errorsOf(plain)).toEqual(['rules/x.yaml:5:33: expr: parse error: unexpected end of input']);
    const quoted = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: "foo{a=\\"b\\""\n';
    expect(errorsOf(quoted)).toEqual(['rules/x.yaml:5:27: expr: parse error: unexpected end of input']);
    const block = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: |\n          sum(x)\n            + on(a) (y\n        for: 1m\n';
    expect(errorsOf(block)).toEqual(['rules/x.yaml:7:23: expr: parse error: unexpected end of input']);
    const folded = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: >-\n          sum(x)\n          + on(a) (y\n';
    expect(errorsOf(folded)).toEqual(['rules/x.yaml:7:21: expr: parse error: unexpected end of input']);
  });

  it('reports PromQL features the built-in evaluator refuses, unless told to accept everything', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(x[5m] @ start())\n';
    expect(errorsOf(text)).toEqual([expect.stringMatching(/^rules\/x\.yaml:5:20: expr: the @ modifier is not supported by the built-in evaluator/)]);
    expect(errorsOf(text, { validateExpr: () => null })).toEqual([]);
  });

  it('uses an injected PromQL validator and maps its line and column', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: |\n          a\n          b\n';
    const errors = errorsOf(text, { validateExpr: (expr) => (expr.includes('b') ? { line: 2, column: 1, message: 'no b here' } : null) });
    expect(errors).toEqual(['rules/x.yaml:7:11: expr: no b here']);
  });

  it('checks templates in labels, annotations and diagnose expressions, with the column of the problem', () => {
    const text = [
      'groups:',
      '  - name: g',
      '    rules:',
      '      - alert: A',
      '        expr: up == 0',
      '        labels:',
      '          team: "{{ $labels.team | frob }}"',
      '        annotations:',
      "          summary: '{{ query \"up\" }}'",
      '        diagnose:',
      '          - name: p',
      '            expr: up{job="{{ $labels.job }"} == 0',
      '            confirms: latency-cold-start',
      '          - name: q',
      '            expr: up{job="{{ $labels.job }}"} ==',
      '            confirms: latency-cold-start',
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      'rules/x.yaml:7:36: labels.team: template: function "frob" not defined (supported: $labels.NAME, $value, $externalLabels.NAME (or .Labels.NAME, .Value, .ExternalLabels.NAME), string and number constants, pipelines, and the functions humanize, humanize1024, humanizePercentage, humanizeDuration, printf, toUpper, toLower, title)',
      expect.stringMatching(/^rules\/x\.yaml:9:24: annotations\.summary: template: function "query" is not supported in serve-medic templates/),
      'rules/x.yaml:12:42: diagnose[0].expr: template: unexpected "}" in command',
      'rules/x.yaml:15:49: diagnose[1].expr: parse error: unexpected end of input',
    ]);
  });

  it('checks checklist ids and diagnose confirms against the checklist, suggesting the closest id', () => {
    const text = [
      'groups:',
      '  - name: g',
      '    rules:',
      '      - alert: A',
      '        expr: up == 0',
      '        checklist: [latency-queue-building-up, latency-queue-buildingup, nothing-like-it]',
      '        diagnose:',
      '          - name: p',
      '            expr: up == 0',
      '            confirms: errors-replica-crashes',
      '          - name: p',
      '            expr: up == 0',
      '            confirms: latency-cold-start',
      '',
    ].join('\n');
    expect(errorsOf(text, { checklist: CHECKLIST })).toEqual([
      'rules/x.yaml:6:48: checklist[1]: unknown checklist item "latency-queue-buildingup" (did you mean "latency-queue-building-up"?)',
      'rules/x.yaml:6:74: checklist[2]: unknown checklist item "nothing-like-it"',
      'rules/x.yaml:10:23: diagnose[0].confirms: unknown checklist item "errors-replica-crashes" (did you mean "errors-replica-crash"?)',
      'rules/x.yaml:11:19: diagnose[1].name: "p" is already the name of diagnose[0]',
    ]);
    expect(errorsOf(text)).toEqual(['rules/x.yaml:11:19: diagnose[1].name: "p" is already the name of diagnose[0]']);
  });

  it('checks remediation: a closed set of actions, a positive whole ceiling, a step factor above 1, a cooldown', () => {
    const text = [
      'groups:',
      '  - name: g',
      '    rules:',
      '      - alert: A',
      '        expr: up == 0',
      '        remediation:',
      '          action: restart_everything',
      '          ceiling: 0',
      '          max_step: 1',
      '          cooldown: soon',
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      'rules/x.yaml:7:19: remediation.action: must be one of raise_min_replicas, raise_max_replicas, raise_num_replicas, set_max_ongoing_requests, got "restart_everything"',
      'rules/x.yaml:8:20: remediation.ceiling: must be greater than 0, got 0',
      'rules/x.yaml:9:21: remediation.max_step: must be greater than 1 (a factor: 2 lets one change double the value)',
      'rules/x.yaml:10:21: remediation.cooldown: "soon" is not a duration like 30s, 5m or 1h30m',
    ]);
    const missing = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        remediation:\n          action: raise_min_replicas\n          ceiling: 2.5\n          max_step: 2\n';
    expect(errorsOf(missing)).toEqual([
      'rules/x.yaml:7:11: remediation: missing required key "cooldown"',
      'rules/x.yaml:8:20: remediation.ceiling: must be a whole number, got 2.5',
    ]);
  });

  it('rejects recording rules with the reason', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n';
    expect(errorsOf(text)).toEqual([expect.stringMatching(/^rules\/x\.yaml:4:9: recording rules are not supported: serve-medic evaluates alerting rules only/)]);
  });

  it('returns every problem of a file at once, in file order', () => {
    const text = [
      'groups:',
      '  - name: g',
      '    interval: 7s',
      '    rules:',
      '      - alert: A',
      '        expr: sum(',
      '        for: forever',
      '        labels: {"bad name": x}',
      '        annotations: {summary: "{{ $nope }}"}',
      '        remediation: {action: raise, ceiling: 1, max_step: 2, cooldown: 1m}',
      '        extra: 1',
      '',
    ].join('\n');
    const errors = errorsOf(text);
    expect(errors.map((e) => e.split(': ')[0])).toEqual([
      'rules/x.yaml:3:15',
      'rules/x.yaml:6:19',
      'rules/x.yaml:7:14',
      'rules/x.yaml:8:18',
      'rules/x.yaml:9:36',
      'rules/x.yaml:10:31',
      'rules/x.yaml:11:9',
    ]);
  });
});
