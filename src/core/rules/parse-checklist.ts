import type { Checklist } from '../model/checklist.js';
import { asChecklist, CHECKLIST_KEYS, checklistSchema } from './checklist-schema.js';
import { reportZodIssues } from './zod-issues.js';
import { formatProblem, sortProblems, YamlFile, type FileProblem, type YamlPath } from './yaml-locator.js';

/**
 * Parses rules/checklist.yaml. Like parseRuleFile, it reports every problem at once as
 * `file:line:col: message`; `checklist` is null whenever there is one.
 */
export interface ParseChecklistResult {
  readonly checklist: Checklist | null;
  readonly errors: readonly string[];
  readonly problems: readonly FileProblem[];
}

function allowedKeys(path: YamlPath): readonly string[] | undefined {
  if (path.length === 0) return CHECKLIST_KEYS.file;
  if (path.length === 2) return CHECKLIST_KEYS.item;
  if (path[path.length - 1] === 'remediation') return CHECKLIST_KEYS.remediation;
  return undefined;
}

function checkItems(file: YamlFile, raw: unknown): void {
  const items = (raw as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return;
  const seen = new Map<string, number>();
  items.forEach((item: unknown, i) => {
    if (item === null || typeof item !== 'object') return;
    const { id, signal, unobservable_reason: reason, remediation } = item as Record<string, unknown>;
    if (typeof id === 'string') {
      const first = seen.get(id);
      if (first !== undefined) file.add(['items', i, 'id'], `id: "${id}" is already the id of item ${first + 1}; ids must be unique`);
      else seen.set(id, i);
    }
    if (signal === 'none' && reason === undefined) {
      file.addAtKey(['items', i, 'signal'], 'signal: none needs unobservable_reason: why no metric or config can reveal this item');
    }
    if (signal !== 'none' && typeof signal === 'string' && reason !== undefined) {
      file.addAtKey(['items', i, 'unobservable_reason'], `unobservable_reason is only for signal: none (this item's signal is ${signal})`);
    }
    const r = remediation as { automatic?: unknown; actions?: unknown } | undefined;
    if (r && Array.isArray(r.actions)) {
      if (r.automatic === true && r.actions.length === 0) {
        file.add(['items', i, 'remediation', 'actions'], 'remediation.actions: an automatic fix needs at least one action');
      }
      if (r.automatic === false && r.actions.length > 0) {
        file.add(['items', i, 'remediation', 'actions'], 'remediation.actions: must be empty when automatic is false');
      }
    }
  });
}

export function parseChecklist(text: string, fileName: string): ParseChecklistResult {
  const file = new YamlFile(text, fileName);
  if (file.hasSyntaxErrors) return done(file, null);
  const raw: unknown = file.doc.toJS() ?? {};
  const parsed = checklistSchema.safeParse(raw);
  if (!parsed.success) reportZodIssues(file, parsed.error.issues, raw, { containers: ['items'], allowedKeys });
  checkItems(file, raw);
  return done(file, parsed.success ? asChecklist(parsed.data) : null);
}

function done(file: YamlFile, checklist: Checklist | null): ParseChecklistResult {
  const problems = sortProblems(file.problems);
  return { checklist: problems.length > 0 ? null : checklist, errors: problems.map(formatProblem), problems };
}
