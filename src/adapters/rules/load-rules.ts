import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Checklist } from '../../core/model/checklist.js';
import type { RuleGroup } from '../../core/model/rule.js';
import type { ExprValidator } from '../../core/rules/expr-validator.js';
import { parseChecklist } from '../../core/rules/parse-checklist.js';
import { parseRuleFiles } from '../../core/rules/parse-rule-file.js';

/**
 * Reads rule files from files and directories and parses them as one rule set. A directory
 * contributes its `*.yaml`/`*.yml` files, except the checklist (`checklist.yaml`) and rule unit
 * tests (`*.test.yaml`). The checklist next to the rules (or `checklistPath`) is loaded too, so
 * `checklist` and `confirms` ids are checked against it.
 */
export interface LoadRulesOptions {
  /** Relative paths are resolved against this; messages keep the paths as given. */
  readonly cwd?: string;
  readonly defaultIntervalMs?: number;
  readonly validateExpr?: ExprValidator;
  /** The checklist file; by default `checklist.yaml` in the first rules directory that has one. */
  readonly checklistPath?: string;
}

export interface LoadedRules {
  readonly groups: readonly RuleGroup[];
  /** Every problem, `file:line:col: message` (or `path: reason` when a file cannot be read). */
  readonly errors: readonly string[];
  /** The rule files read, as named in messages. */
  readonly files: readonly string[];
  readonly checklist: Checklist | null;
  /** The checklist file used, if any. */
  readonly checklistFile?: string;
}

const RULE_FILE = /\.ya?ml$/;
const EXCLUDED = (name: string) => name === 'checklist.yaml' || name === 'checklist.yml' || /\.test\.ya?ml$/.test(name);

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return (err as Error).message;
}

/** The rule files behind the given paths, in a stable order, and the checklist candidates. */
export async function listRuleFiles(paths: readonly string[], cwd: string): Promise<{ files: string[]; dirs: string[]; errors: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [];
  const errors: string[] = [];
  for (const path of paths) {
    try {
      const info = await stat(resolve(cwd, path));
      if (info.isDirectory()) {
        dirs.push(path);
        const names = (await readdir(resolve(cwd, path))).filter((n) => RULE_FILE.test(n) && !EXCLUDED(n)).sort();
        files.push(...names.map((n) => join(path, n)));
      } else {
        dirs.push(dirname(path));
        files.push(path);
      }
    } catch (err) {
      errors.push(`${path}: ${reason(err)}`);
    }
  }
  return { files: [...new Set(files)], dirs, errors };
}

export async function loadRules(paths: readonly string[], options: LoadRulesOptions = {}): Promise<LoadedRules> {
  const cwd = options.cwd ?? process.cwd();
  const listed = await listRuleFiles(paths, cwd);
  const errors = [...listed.errors];

  let checklistFile = options.checklistPath;
  if (checklistFile === undefined) {
    for (const dir of listed.dirs) {
      if (await exists(resolve(cwd, dir, 'checklist.yaml'))) {
        checklistFile = join(dir, 'checklist.yaml');
        break;
      }
    }
  }
  let checklist: Checklist | null = null;
  if (checklistFile !== undefined) {
    try {
      const parsed = parseChecklist(await readFile(resolve(cwd, checklistFile), 'utf8'), checklistFile);
      errors.push(...parsed.errors);
      checklist = parsed.checklist;
    } catch (err) {
      errors.push(`${checklistFile}: ${reason(err)}`);
    }
  }

  const inputs: { text: string; fileName: string }[] = [];
  for (const file of listed.files) {
    try {
      inputs.push({ text: await readFile(resolve(cwd, file), 'utf8'), fileName: file });
    } catch (err) {
      errors.push(`${file}: ${reason(err)}`);
    }
  }
  const parsed = parseRuleFiles(inputs, {
    checklist: checklist ?? undefined,
    validateExpr: options.validateExpr,
    defaultIntervalMs: options.defaultIntervalMs,
  });
  errors.push(...parsed.errors);
  return {
    groups: errors.length > 0 ? [] : parsed.groups,
    errors,
    files: listed.files,
    checklist,
    ...(checklistFile !== undefined ? { checklistFile } : {}),
  };
}
