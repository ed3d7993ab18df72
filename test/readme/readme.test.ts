import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listConfigKeys } from '../../src/config/env-overrides.js';
import { parseChecklist } from '../../src/core/rules/parse-checklist.js';
import { SCENARIOS } from '../../src/sim/scenarios/index.js';

/** The README keeps telling the truth: every setting, checklist item and scenario is documented. */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every configuration key with its environment variable', () => {
    for (const key of listConfigKeys()) {
      expect(readme, key.path).toContain(`| \`${key.path}\` | \`${key.env}\` |`);
    }
  });

  it('has the checklist table with every item of rules/checklist.yaml', () => {
    const { checklist } = parseChecklist(readFileSync(new URL('../../rules/checklist.yaml', import.meta.url), 'utf8'), 'rules/checklist.yaml');
    for (const item of checklist!.items) expect(readme, item.id).toContain(`| \`${item.id}\``);
  });

  it('lists every simulator scenario and every command', () => {
    for (const s of SCENARIOS) expect(readme, s.name).toContain(`| \`${s.name}\` |`);
    for (const cmd of ['run', 'demo', 'rules check', 'rules test', 'rules export', 'metrics check', 'diagnose', 'simulate']) {
      expect(readme).toContain(`| \`${cmd}`);
    }
  });

  it('gives the quick start as the two commands', () => {
    expect(readme).toContain('    npm ci && npm start');
    expect(readme).toContain('    npm test');
  });
});
