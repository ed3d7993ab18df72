import type { Checklist } from '../model/checklist.js';
import type { AlertRule, RuleGroup } from '../model/rule.js';
import { RuleFileChecker } from './check-rule-file.js';
import { defaultExprValidator } from './default-expr-validator.js';
import type { ExprValidator } from './expr-validator.js';
import { ALLOWED_KEYS, ruleFileSchema, type RawGroup, type RawRule } from './rule-file-schema.js';
import { reportZodIssues } from './zod-issues.js';
import { formatProblem, sortProblems, YamlFile, type FileProblem, type YamlPath } from './yaml-locator.js';

/**
 * Parses one rule file (rules/*.yaml), pure: text in, groups and every problem out, each
 * problem as `file:line:col: message` (the model is Prometheus's rulefmt.Parse, which
 * ParseFile wraps with the I/O). `groups` is empty whenever `errors` is not.
 */
export interface ParseRuleFileOptions {
  /** When given, `checklist` and `diagnose[].confirms` ids must be items of it. */
  readonly checklist?: Checklist;
  /** PromQL check; defaults to the built-in parser (and its list of unsupported features). */
  readonly validateExpr?: ExprValidator;
  /** For groups without `interval` (the configured rules.evaluation_interval); 15 s by default. */
  readonly defaultIntervalMs?: number;
  /** Alert and group names defined by other files (name → "file:line"): they must not repeat. */
  readonly definedAlerts?: ReadonlyMap<string, string>;
  readonly definedGroups?: ReadonlyMap<string, string>;
}

export interface ParseRuleFileResult {
  readonly groups: readonly RuleGroup[];
  /** Every problem, sorted by position: `file:line:col: message`. */
  readonly errors: readonly string[];
  readonly problems: readonly FileProblem[];
  /** The alert and group names this file defines, for the cross-file checks of the next file. */
  readonly definedAlerts: ReadonlyMap<string, string>;
  readonly definedGroups: ReadonlyMap<string, string>;
}

export const DEFAULT_EVALUATION_INTERVAL_MS = 15_000;

function allowedKeys(path: YamlPath): readonly string[] | undefined {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path.length === 0) return ALLOWED_KEYS.file;
  if (path.length === 2 && path[0] === 'groups') return ALLOWED_KEYS.group;
  if (path.length === 4 && path[2] === 'rules') return ALLOWED_KEYS.rule;
  if (parent === 'diagnose' && typeof last === 'number') return ALLOWED_KEYS.probe;
  if (last === 'remediation') return ALLOWED_KEYS.remediation;
  return undefined;
}

function toRule(raw: RawRule, source: string): AlertRule {
  const rule: AlertRule = {
    alert: raw.alert ?? '',
    expr: raw.expr,
    for_ms: raw.for ?? 0,
    keep_firing_for_ms: raw.keep_firing_for ?? 0,
    labels: raw.labels ?? {},
    annotations: raw.annotations ?? {},
    checklist: raw.checklist ?? [],
    diagnose: (raw.diagnose ?? []).map((p) => (p.description === undefined ? { name: p.name, expr: p.expr, confirms: p.confirms } : { ...p })),
    source,
  };
  if (!raw.remediation) return rule;
  const { action, ceiling, max_step, cooldown } = raw.remediation;
  return { ...rule, remediation: { action, ceiling, max_step, cooldown_ms: cooldown } };
}

function toGroups(groups: readonly RawGroup[], file: YamlFile, defaultIntervalMs: number): RuleGroup[] {
  return groups.map((g, gi) => ({
    name: g.name,
    interval_ms: g.interval ?? defaultIntervalMs,
    rules: g.rules.map((r, ri) => toRule(r, file.where(['groups', gi, 'rules', ri, 'alert']))),
    file: file.file,
  }));
}

export function parseRuleFile(text: string, fileName: string, options: ParseRuleFileOptions = {}): ParseRuleFileResult {
  const file = new YamlFile(text, fileName);
  const defaultIntervalMs = options.defaultIntervalMs ?? DEFAULT_EVALUATION_INTERVAL_MS;
  const checker = new RuleFileChecker(file, {
    checklist: options.checklist,
    validateExpr: options.validateExpr ?? defaultExprValidator,
    defaultIntervalMs,
    definedAlerts: options.definedAlerts,
    definedGroups: options.definedGroups,
  });
  let groups: RuleGroup[] = [];
  if (!file.hasSyntaxErrors) {
    // An empty file is a valid file with no groups, as in Prometheus.
    const raw: unknown = file.doc.toJS() ?? {};
    const parsed = ruleFileSchema.safeParse(raw);
    if (!parsed.success) reportZodIssues(file, parsed.error.issues, raw, { containers: ['groups', 'rules'], allowedKeys });
    checker.check(raw);
    if (parsed.success) groups = toGroups(parsed.data.groups, file, defaultIntervalMs);
  }
  const problems = sortProblems(file.problems);
  return {
    groups: problems.length > 0 ? [] : groups,
    errors: problems.map(formatProblem),
    problems,
    definedAlerts: checker.definedAlerts,
    definedGroups: checker.definedGroups,
  };
}

/** A rule file's text and the name to report it under. */
export interface RuleFileInput {
  readonly text: string;
  readonly fileName: string;
}

export interface ParseRuleFilesResult {
  readonly groups: readonly RuleGroup[];
  readonly errors: readonly string[];
  readonly files: number;
}

/** Parses several files as one rule set: names must be unique across all of them. */
export function parseRuleFiles(
  inputs: readonly RuleFileInput[],
  options: Omit<ParseRuleFileOptions, 'definedAlerts' | 'definedGroups'> = {},
): ParseRuleFilesResult {
  const definedAlerts = new Map<string, string>();
  const definedGroups = new Map<string, string>();
  const groups: RuleGroup[] = [];
  const errors: string[] = [];
  for (const input of inputs) {
    const result = parseRuleFile(input.text, input.fileName, { ...options, definedAlerts, definedGroups });
    groups.push(...result.groups);
    errors.push(...result.errors);
    for (const [k, v] of result.definedAlerts) if (!definedAlerts.has(k)) definedAlerts.set(k, v);
    for (const [k, v] of result.definedGroups) if (!definedGroups.has(k)) definedGroups.set(k, v);
  }
  return { groups: errors.length > 0 ? [] : groups, errors, files: inputs.length };
}
