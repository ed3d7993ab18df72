import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRules } from '../../src/core/rules/export-rules.js';
import { parseRuleFile } from '../../src/core/rules/parse-rule-file.js';
import { requireBinaryOrSkip, startAlertmanager, startPrometheus, type RunningBinary } from '../helpers/real-binaries.js';
import { FAST_QUEUE_RULES, startHarness, type Harness } from '../helpers/service-harness.js';

/**
 * End to end with the real components: the simulator; Debian's Prometheus scraping it and
 * evaluating serve-medic's exported rule; Debian's Alertmanager routing the alert to
 * serve-medic's webhook; serve-medic (not evaluating itself) posting to the fake Slack.
 * A scenario fires, the thread and its diagnosis appear; the load stops, the parent is
 * updated to resolved. Everything on 127.0.0.1, bounded in time, processes stopped.
 */
const available = requireBinaryOrSkip('prometheus') && requireBinaryOrSkip('prometheus-alertmanager');

describe.skipIf(!available)('Prometheus + Alertmanager → serve-medic → Slack', () => {
  let harness: Harness;
  let prom: RunningBinary;
  let am: RunningBinary;

  beforeAll(async () => {
    // The service loads the rules (for diagnosis, charts and fixes) but lets Prometheus evaluate.
    harness = await startHarness({ preStepMs: 55_000, env: { SERVE_MEDIC_RULES_EVALUATE: 'false' } });
    const parsed = parseRuleFile(FAST_QUEUE_RULES, 'fast.yaml');
    expect(parsed.errors).toEqual([]);
    const exported = exportRules(parsed.groups);
    am = await startAlertmanager(
      [
        'route:',
        '  receiver: serve-medic',
        '  group_by: [alertname, application, deployment]',
        '  group_wait: 1s',
        '  group_interval: 2s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: serve-medic',
        '    webhook_configs:',
        `      - url: ${harness.service.url}/webhooks/alertmanager`,
        '        send_resolved: true',
        '        http_config:',
        '          authorization:',
        '            type: Bearer',
        '            credentials: am-token-for-tests',
        '',
      ].join('\n'),
    );
    const simHost = new URL(harness.simServer.url).host;
    prom = await startPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files: [serve-medic-rules.yml]',
        'alerting:',
        '  alertmanagers:',
        `    - static_configs: [{ targets: ['${new URL(am.url).host}'] }]`,
        'scrape_configs:',
        '  - job_name: ray',
        `    static_configs: [{ targets: ['${simHost}'] }]`,
        '',
      ].join('\n'),
      { 'serve-medic-rules.yml': exported },
    );
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await am?.stop();
    await harness?.stop();
  });

  it('posts the thread with its diagnosis when the alert fires, and resolves it in place', async () => {
    const slack = harness.slack!;
    await slack.waitFor(
      (calls) => calls.some((c) => c.method === 'chat.postMessage' && !c.threadTs && String(c.body.text).includes('ServeQueueBuildingUp')),
      45_000,
      'the parent posted from the Alertmanager notification',
    );
    const parent = slack.calls.find((c) => c.method === 'chat.postMessage' && !c.threadTs)!;
    expect(String(parent.body.text)).toContain('embeddings/Embedder');
    await slack.waitFor(
      (calls) => calls.some((c) => c.threadTs === parent.ts && JSON.stringify(c.body.blocks ?? '').includes('latency-queue-building-up')),
      30_000,
      'the diagnosis naming the checklist item',
    );

    // The scenario recovers: the traffic stops, the queue drains, Prometheus resolves the alert.
    harness.sim.setLoad({ path: '/embed', rps: 0 });
    await slack.waitFor(
      (calls) => calls.some((c) => c.method === 'chat.update' && c.body.ts === parent.ts && String(c.body.text).includes('RESOLVED')),
      90_000,
      'the parent updated to resolved',
    );
    await slack.waitFor((calls) => calls.some((c) => c.threadTs === parent.ts && String(c.body.text).includes('resolved after')), 10_000, 'how long it lasted');
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.threadTs)).toHaveLength(1);
  }, 180_000);
});
