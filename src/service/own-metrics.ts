import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The service's own Prometheus metrics (GET /metrics), in one registry per service instance so
 * tests can run several instances in one process.
 */
export function createOwnMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'serve_medic_' });
  const m = {
    registry,
    scrapes: new Counter({
      name: 'serve_medic_scrapes_total',
      help: 'Scrapes of Ray metrics targets, by target and result.',
      labelNames: ['target', 'result'] as const,
      registers: [registry],
    }),
    scrapeDuration: new Histogram({
      name: 'serve_medic_scrape_duration_seconds',
      help: 'Duration of scrapes of Ray metrics targets.',
      labelNames: ['target'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    storeSeries: new Gauge({ name: 'serve_medic_store_series', help: 'Series held in the in-memory sample store.', registers: [registry] }),
    ruleEvaluations: new Counter({
      name: 'serve_medic_rule_evaluations_total',
      help: 'Rule group evaluations, by group and result.',
      labelNames: ['group', 'result'] as const,
      registers: [registry],
    }),
    ruleEvaluationDuration: new Histogram({
      name: 'serve_medic_rule_evaluation_duration_seconds',
      help: 'Duration of rule group evaluations.',
      labelNames: ['group'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    alerts: new Gauge({
      name: 'serve_medic_alerts',
      help: 'Alerts known to this instance, by state (pending, firing).',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    evaluationLeader: new Gauge({
      name: 'serve_medic_evaluation_leader',
      help: '1 when this instance holds the rule evaluation lease.',
      registers: [registry],
    }),
    slackCalls: new Counter({
      name: 'serve_medic_slack_calls_total',
      help: 'Slack Web API calls, by method and result.',
      labelNames: ['method', 'result'] as const,
      registers: [registry],
    }),
    slackRateLimitWaits: new Counter({
      name: 'serve_medic_slack_rate_limit_waits_total',
      help: 'Times a Slack call waited: on the per-channel limit (throttle) or on a 429 (retry_after).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    slackQueueDepth: new Gauge({ name: 'serve_medic_slack_queue_depth', help: 'Slack messages waiting to be sent.', registers: [registry] }),
    webhooks: new Counter({
      name: 'serve_medic_webhooks_total',
      help: 'Alertmanager webhook requests, by result (accepted, unauthorized, invalid, too_large, unavailable).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    remediations: new Counter({
      name: 'serve_medic_remediations_total',
      help: 'Remediations, by outcome (proposed, approved, rejected, applied, failed, rolled_back, dry_run, expired, refused).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    remediationQueueDepth: new Gauge({
      name: 'serve_medic_remediation_queue_depth',
      help: 'Remediation jobs waiting or active in the BullMQ queue.',
      registers: [registry],
    }),
  };
  return m;
}

export type OwnMetrics = ReturnType<typeof createOwnMetrics>;
