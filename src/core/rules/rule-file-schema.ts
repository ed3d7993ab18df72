import { z } from 'zod';
import { REMEDIATION_ACTIONS, type RemediationAction } from '../model/checklist.js';
import { parseDuration } from '../duration.js';

/**
 * The strict schema of a rule file (rules/*.yaml): Prometheus's rule-file shape plus
 * serve-medic's `checklist`, `diagnose` and `remediation` keys. Unknown keys are errors, so a
 * typo (`annotation:`, `keep_firing:`) never silently drops a setting. Checks that need
 * positions inside values or other rules (PromQL, templates, label names, duplicates) live in
 * check-rule-file.ts.
 */
const DURATION_HINT = 'a duration like 30s, 5m or 1h30m';

/** Durations are strings, as in Prometheus; a bare 0 is accepted as "no delay". */
const duration = (options: { positive?: boolean } = {}) =>
  z.unknown().transform((v, ctx) => {
    if (v === undefined) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', input: v });
      return z.NEVER;
    }
    const ms = v === 0 ? 0 : typeof v === 'string' ? parseDuration(v) : null;
    if (ms === null) {
      const got = typeof v === 'string' ? `"${v}"` : `${typeof v === 'number' ? 'the number ' : ''}${JSON.stringify(v)}`;
      ctx.addIssue({ code: 'custom', message: `${got} is not ${DURATION_HINT}` });
      return z.NEVER;
    }
    if (options.positive && ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be longer than 0s' });
      return z.NEVER;
    }
    return ms;
  });

/**
 * Label and annotation values: strings, and (as Prometheus's YAML decoder allows) numbers and
 * booleans, kept as text.
 */
const text = z.unknown().transform((v, ctx) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  ctx.addIssue({ code: 'custom', message: `must be a string, got ${v === null ? 'nothing' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v}` });
  return z.NEVER;
});

const nonEmpty = z.string().min(1);

export const probeSchema = z.strictObject({
  name: nonEmpty,
  expr: nonEmpty,
  confirms: nonEmpty,
  description: z.string().optional(),
});

export const remediationSchema = z.strictObject({
  action: z.enum(REMEDIATION_ACTIONS as [RemediationAction, ...RemediationAction[]]),
  /** The hard upper bound for the new value: replicas or max_ongoing_requests, so an integer. */
  ceiling: z.number().int().positive(),
  /** A factor: 2 lets one change double the value. 1 or less would never raise anything. */
  max_step: z.number().gt(1, { error: 'must be greater than 1 (a factor: 2 lets one change double the value)' }),
  cooldown: duration(),
});

export const ruleSchema = z.strictObject({
  alert: nonEmpty.optional(),
  /** Present only to answer it with a clear message: recording rules are not supported. */
  record: z.unknown().optional(),
  expr: z.union([nonEmpty, z.number()]).transform(String),
  for: duration().optional(),
  keep_firing_for: duration().optional(),
  labels: z.record(z.string(), text).optional(),
  annotations: z.record(z.string(), text).optional(),
  checklist: z.array(nonEmpty).optional(),
  diagnose: z.array(probeSchema).optional(),
  remediation: remediationSchema.optional(),
});

export const groupSchema = z.strictObject({
  name: nonEmpty,
  interval: duration({ positive: true }).optional(),
  rules: z.array(ruleSchema).default([]),
});

export const ruleFileSchema = z.strictObject({
  groups: z.array(groupSchema).default([]),
});

export type RawRule = z.output<typeof ruleSchema>;
export type RawGroup = z.output<typeof groupSchema>;

/** The keys allowed at each level, for "unknown key" messages that show the fix. */
export const ALLOWED_KEYS = {
  file: Object.keys(ruleFileSchema.shape),
  group: Object.keys(groupSchema.shape),
  rule: Object.keys(ruleSchema.shape).filter((k) => k !== 'record'),
  probe: Object.keys(probeSchema.shape),
  remediation: Object.keys(remediationSchema.shape),
} as const;
