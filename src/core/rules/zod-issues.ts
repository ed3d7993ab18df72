import type { z } from 'zod';
import type { YamlFile, YamlPath } from './yaml-locator.js';

/**
 * Turns zod issues into positioned problems whose messages say what to write instead:
 * `unknown key "anotations" (allowed here: alert, expr, …)`, `for: "5x" is not a duration…`.
 */
const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  boolean: 'true or false',
};

export function describeYamlValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function valueAt(raw: unknown, path: YamlPath): unknown {
  let v = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** `labels.severity`, `diagnose[0].expr`: the path below the innermost group or rule. */
export function fieldName(path: YamlPath, containers: readonly string[]): string {
  let from = 0;
  for (let i = 0; i + 1 < path.length; i++) {
    if (containers.includes(String(path[i])) && typeof path[i + 1] === 'number') from = i + 2;
  }
  return path
    .slice(from)
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

export function reportZodIssues(
  file: YamlFile,
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  options: { containers: readonly string[]; allowedKeys: (path: YamlPath) => readonly string[] | undefined },
): void {
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const field = fieldName(path, options.containers);
    const prefix = field ? `${field}: ` : '';
    const value = valueAt(raw, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = options.allowedKeys(path);
        for (const key of issue.keys) {
          file.addAtKey([...path, key], `${prefix}unknown key "${key}"${allowed ? ` (allowed here: ${allowed.join(', ')})` : ''}`);
        }
        break;
      }
      case 'invalid_type':
      case 'invalid_union':
        if (value === undefined) {
          const parent = fieldName(path.slice(0, -1), options.containers);
          file.add(path.slice(0, -1), `${parent ? `${parent}: ` : ''}missing required key "${String(path[path.length - 1])}"`);
        } else {
          const expected = issue.code === 'invalid_type' ? (EXPECTED[issue.expected] ?? issue.expected) : 'a string';
          file.add(path, `${prefix}must be ${expected}, got ${describeYamlValue(value)}`);
        }
        break;
      case 'invalid_value':
        file.add(path, `${prefix}must be one of ${issue.values.map(String).join(', ')}, got ${describeYamlValue(value)}`);
        break;
      case 'too_small':
        if (typeof value === 'string' || Array.isArray(value)) file.add(path, `${prefix}must not be empty`);
        else file.add(path, `${prefix}${/^Too small/.test(issue.message) ? `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, got ${describeYamlValue(value)}` : issue.message}`);
        break;
      default:
        file.add(path, `${prefix}${issue.message}`);
    }
  }
}
