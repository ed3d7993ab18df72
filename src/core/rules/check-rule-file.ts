import { parseDuration } from '../duration.js';
import type { Checklist } from '../model/checklist.js';
import { parseTemplate } from '../templates/parse-template.js';
import { exprProblemIndex, maskTemplateActions, type ExprValidator } from './expr-validator.js';
import { intervalProblem } from './interval-to-cron.js';
import type { YamlFile, YamlPath } from './yaml-locator.js';

/**
 * The checks a schema cannot make: PromQL and templates (with the error's column mapped into
 * the file), label names, checklist ids, duplicate names within the file and across files,
 * recording rules, and whether each group's interval can be scheduled. Works on the raw YAML
 * values with type guards, so a schema error in one key never hides a problem in another.
 */
export interface RuleCheckOptions {
  readonly checklist?: Checklist;
  readonly validateExpr: ExprValidator;
  readonly defaultIntervalMs: number;
  /** Alert names defined by files parsed earlier: name → "file:line". */
  readonly definedAlerts?: ReadonlyMap<string, string>;
  /** Group names used by files parsed earlier: name → "file:line". */
  readonly definedGroups?: ReadonlyMap<string, string>;
}

/** Prometheus 2.x label names; `__` names are reserved for Prometheus's own use. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function unknownIdMessage(id: string, checklist: Checklist): string {
  let best: { id: string; d: number } | null = null;
  for (const item of checklist.items) {
    const d = levenshtein(id, item.id);
    if (!best || d < best.d) best = { id: item.id, d };
  }
  const hint = best && best.d <= Math.max(3, id.length / 4) ? ` (did you mean "${best.id}"?)` : '';
  return `unknown checklist item "${id}"${hint}`;
}

export class RuleFileChecker {
  private readonly groups = new Map<string, string>();
  private readonly alerts = new Map<string, string>();

  constructor(
    private readonly file: YamlFile,
    private readonly options: RuleCheckOptions,
  ) {}

  /** Alert names this file defines, with where: for the next file's cross-file check. */
  get definedAlerts(): ReadonlyMap<string, string> {
    return this.alerts;
  }

  get definedGroups(): ReadonlyMap<string, string> {
    return this.groups;
  }

  check(raw: unknown): void {
    const groups = isObject(raw) ? raw.groups : undefined;
    if (!Array.isArray(groups)) return;
    groups.forEach((g: unknown, gi) => {
      if (!isObject(g)) return;
      this.checkGroup(g, ['groups', gi]);
      if (Array.isArray(g.rules)) g.rules.forEach((r: unknown, ri) => isObject(r) && this.checkRule(r, ['groups', gi, 'rules', ri]));
    });
  }

  private checkGroup(g: Raw, path: YamlPath): void {
    const { file, options } = this;
    if (typeof g.name === 'string' && g.name !== '') {
      const here = file.where([...path, 'name']);
      const inFile = this.groups.get(g.name);
      const elsewhere = options.definedGroups?.get(g.name);
      if (inFile) file.add([...path, 'name'], `group name "${g.name}" is repeated in this file (first at ${inFile})`);
      else if (elsewhere) {
        // Each group is scheduled, and its evaluation leased among replicas, under its name.
        file.add([...path, 'name'], `group name "${g.name}" is already used at ${elsewhere}; group names must be unique across all rule files (evaluation is scheduled and leased per group name)`);
      } else this.groups.set(g.name, here);
    }
    if (g.interval === undefined) {
      const problem = intervalProblem(options.defaultIntervalMs);
      if (problem) file.add([...path, 'name'], `the default evaluation ${problem}; set interval: on the group`);
    } else if (typeof g.interval === 'string') {
      const ms = parseDuration(g.interval);
      const problem = ms === null || ms <= 0 ? null : intervalProblem(ms);
      if (problem) file.add([...path, 'interval'], problem);
    }
  }

  private checkRule(r: Raw, path: YamlPath): void {
    const { file } = this;
    if (r.record !== undefined) {
      file.addAtKey(
        [...path, 'record'],
        'recording rules are not supported: serve-medic evaluates alerting rules only, and an alert on a recorded series would never fire here; keep recording rules in Prometheus and write the full expression in the alert',
      );
      return;
    }
    if (r.alert === undefined) file.add(path, 'missing required key "alert"');
    if (typeof r.alert === 'string' && r.alert !== '') this.checkAlertName(r.alert, path);
    if (typeof r.expr === 'string' && r.expr !== '') this.checkExpr(r.expr, [...path, 'expr'], 'expr');
    this.checkLabelMap(r.labels, [...path, 'labels'], 'labels');
    this.checkLabelMap(r.annotations, [...path, 'annotations'], 'annotations');
    if (Array.isArray(r.checklist)) r.checklist.forEach((id: unknown, i) => this.checkChecklistId(id, [...path, 'checklist', i], `checklist[${i}]`));
    if (Array.isArray(r.diagnose)) this.checkProbes(r.diagnose, [...path, 'diagnose']);
  }

  private checkAlertName(name: string, path: YamlPath): void {
    const { file, options } = this;
    const at = [...path, 'alert'];
    if (name.trim() !== name || /[\n\r]/.test(name)) file.add(at, `alert name "${name}" has leading, trailing or line-break whitespace`);
    const inFile = this.alerts.get(name);
    const elsewhere = options.definedAlerts?.get(name);
    // Prometheus allows the same alert name in several groups. serve-medic does not: alert state
    // in Redis, the Slack thread and the remediation job are keyed by alert name and labels, so
    // two rules with one name would share (and overwrite) each other's alerts.
    if (inFile || elsewhere) {
      file.add(at, `alert "${name}" is already defined at ${inFile ?? elsewhere}; alert names must be unique across all rule files (serve-medic keys alert state and Slack threads by alert name and labels)`);
    } else {
      this.alerts.set(name, file.where(at));
    }
  }

  private checkExpr(expr: string, path: YamlPath, field: string): void {
    const problem = this.options.validateExpr(expr);
    if (problem) this.file.addInValue(path, exprProblemIndex(expr, problem), `${field}: ${problem.message}`);
  }

  private checkTemplate(text: string, path: YamlPath, field: string): boolean {
    const parsed = parseTemplate(text);
    if (!parsed.ok) this.file.addInValue(path, parsed.problem.index, `${field}: template: ${parsed.problem.message}`);
    return parsed.ok;
  }

  private checkLabelMap(map: unknown, path: YamlPath, field: 'labels' | 'annotations'): void {
    if (!isObject(map)) return;
    for (const [name, value] of Object.entries(map)) {
      if (!LABEL_NAME.test(name)) {
        this.file.addAtKey([...path, name], `${field}: invalid ${field === 'labels' ? 'label' : 'annotation'} name "${name}": use letters, digits and _ and do not start with a digit`);
      } else if (field === 'labels' && (name.startsWith('__') || name === 'alertname')) {
        const why = name === 'alertname' ? 'alertname is set from the rule\'s "alert"' : 'names starting with __ are reserved';
        this.file.addAtKey([...path, name], `labels: label name "${name}" cannot be set here: ${why}`);
      }
      if (typeof value === 'string') this.checkTemplate(value, [...path, name], `${field}.${name}`);
    }
  }

  private checkChecklistId(id: unknown, path: YamlPath, field: string): void {
    const checklist = this.options.checklist;
    if (!checklist || typeof id !== 'string' || id === '') return;
    if (!checklist.items.some((item) => item.id === id)) this.file.add(path, `${field}: ${unknownIdMessage(id, checklist)}`);
  }

  private checkProbes(probes: readonly unknown[], path: YamlPath): void {
    const names = new Map<string, number>();
    probes.forEach((p, i) => {
      if (!isObject(p)) return;
      const at: YamlPath = [...path, i];
      if (typeof p.name === 'string') {
        const first = names.get(p.name);
        if (first !== undefined) this.file.add([...at, 'name'], `diagnose[${i}].name: "${p.name}" is already the name of diagnose[${first}]`);
        else names.set(p.name, i);
      }
      this.checkChecklistId(p.confirms, [...at, 'confirms'], `diagnose[${i}].confirms`);
      if (typeof p.expr === 'string' && p.expr !== '' && this.checkTemplate(p.expr, [...at, 'expr'], `diagnose[${i}].expr`)) {
        const masked = maskTemplateActions(p.expr);
        const problem = this.options.validateExpr(masked);
        if (problem) this.file.addInValue([...at, 'expr'], exprProblemIndex(masked, problem), `diagnose[${i}].expr: ${problem.message}`);
      }
    });
  }
}
