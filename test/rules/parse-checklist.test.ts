import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/core/rules/parse-checklist.js';

const ITEM = (id: string, extra = '') => `  - id: ${id}
    title: Queue building up
    section: High Latency Checklist, item 1
    check: queued queries rising
    fix: Add replicas
    signal: metrics
    remediation:
      automatic: true
      actions: [raise_max_replicas]
      manual: raise max_replicas${extra}
`;

describe('parseChecklist', () => {
  it('loads the shipped rules/checklist.yaml', () => {
    const result = parseChecklist(readFileSync(new URL('../../rules/checklist.yaml', import.meta.url), 'utf8'), 'rules/checklist.yaml');
    expect(result.errors).toEqual([]);
    expect(result.checklist?.items.length).toBeGreaterThan(20);
    expect(result.checklist?.items.map((i) => i.id)).toContain('latency-queue-building-up');
  });

  it('returns the items as the model types them', () => {
    const result = parseChecklist(`items:\n${ITEM('latency-queue-building-up')}`, 'rules/checklist.yaml');
    expect(result.checklist).toEqual({
      items: [
        {
          id: 'latency-queue-building-up',
          title: 'Queue building up',
          section: 'High Latency Checklist, item 1',
          check: 'queued queries rising',
          fix: 'Add replicas',
          signal: 'metrics',
          remediation: { automatic: true, actions: ['raise_max_replicas'], manual: 'raise max_replicas' },
        },
      ],
    });
  });

  it('reports every problem with file:line:col: unknown keys, bad ids, duplicates, inconsistent remediation', () => {
    const text = [
      'items:',
      ITEM('latency-queue-building-up').trimEnd(),
      ITEM('latency-queue-building-up').trimEnd(),
      ITEM('Bad_Id').trimEnd(),
      '    severity: high',
      '  - id: unobservable',
      '    title: t',
      '    section: s',
      '    check: c',
      '    fix: f',
      '    signal: none',
      '    remediation:',
      '      automatic: false',
      '      actions: [raise_min_replicas, reboot]',
      '      manual: m',
      '',
    ].join('\n');
    expect(parseChecklist(text, 'rules/checklist.yaml')).toMatchObject({
      checklist: null,
      errors: [
        'rules/checklist.yaml:12:9: id: "latency-queue-building-up" is already the id of item 1; ids must be unique',
        'rules/checklist.yaml:22:9: id: must be a kebab-case id like "latency-queue-building-up"',
        'rules/checklist.yaml:32:5: unknown key "severity" (allowed here: id, title, section, check, fix, signal, unobservable_reason, remediation)',
        'rules/checklist.yaml:38:5: signal: none needs unobservable_reason: why no metric or config can reveal this item',
        'rules/checklist.yaml:41:16: remediation.actions: must be empty when automatic is false',
        'rules/checklist.yaml:41:37: remediation.actions[1]: must be one of raise_min_replicas, raise_max_replicas, raise_num_replicas, set_max_ongoing_requests, got "reboot"',
      ],
    });
  });
});
