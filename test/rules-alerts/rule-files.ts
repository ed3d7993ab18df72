import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Test helpers over the shipped rule files, read as plain YAML so the consistency checks see the
 * files exactly as written (the loader's own checks are `serve-medic rules check`).
 */
export const RULES_DIR = new URL('../../rules/', import.meta.url).pathname;
export const TESTS_DIR = new URL('./', import.meta.url).pathname;


export interface RawProbe {
  name: string;
  expr: string;
  confirms: string;
  description?: string;
}
export interface RawRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  checklist?: string[];
  diagnose?: RawProbe[];
  remediation?: { action: string; ceiling: number; max_step: number; cooldown: string };
}
export interface RawGroup {
  name: string;
  interval?: string;
  rules: RawRule[];
}
export interface RawChecklistItem {
  id: string;
  title: string;
  section: string;
  check: string;
  fix: string;
  signal: 'metrics' | 'config' | 'metrics+config' | 'none';
  unobservable_reason?: string;
  remediation: { automatic: boolean; actions: string[]; manual: string };
}

export function ruleFileNames(): string[] {
  return readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yaml') && f !== 'checklist.yaml')
    .sort();
}

export function readRuleFile(name: string): { groups: RawGroup[] } {
  return parse(readFileSync(join(RULES_DIR, name), 'utf8')) as { groups: RawGroup[] };
}

export function readChecklist(): RawChecklistItem[] {
  return (parse(readFileSync(join(RULES_DIR, 'checklist.yaml'), 'utf8')) as { items: RawChecklistItem[] }).items;
}

export function allRules(): { file: string; group: RawGroup; rule: RawRule }[] {
  return ruleFileNames().flatMap((file) => readRuleFile(file).groups.flatMap((group) => group.rules.map((rule) => ({ file, group, rule }))));
}

/** Renders the `{{ $labels.x }}` references of a probe with the given labels. */
export function renderProbe(expr: string, labels: Record<string, string>): string {
  return expr.replace(/\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_m, name: string) => labels[name] ?? '');
}
