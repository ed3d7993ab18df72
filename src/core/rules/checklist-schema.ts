import { z } from 'zod';
import { REMEDIATION_ACTIONS, type Checklist, type RemediationAction } from '../model/checklist.js';

/**
 * The strict schema of rules/checklist.yaml, matching src/core/model/checklist.ts: every item
 * of the troubleshooting guide with a stable kebab-case id. Cross-item rules (unique ids, a
 * reason for every unobservable item, actions for every automatic fix) are in parse-checklist.ts.
 */
const nonEmpty = z.string().min(1);

export const CHECKLIST_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const checklistItemSchema = z.strictObject({
  id: z.string().regex(CHECKLIST_ID, { error: 'must be a kebab-case id like "latency-queue-building-up"' }),
  title: nonEmpty,
  section: nonEmpty,
  check: nonEmpty,
  fix: nonEmpty,
  signal: z.enum(['metrics', 'config', 'metrics+config', 'none']),
  unobservable_reason: nonEmpty.optional(),
  remediation: z.strictObject({
    automatic: z.boolean(),
    actions: z.array(z.enum(REMEDIATION_ACTIONS as [RemediationAction, ...RemediationAction[]])),
    manual: nonEmpty,
  }),
});

export const checklistSchema = z.strictObject({
  items: z.array(checklistItemSchema),
});

export const CHECKLIST_KEYS = {
  file: Object.keys(checklistSchema.shape),
  item: Object.keys(checklistItemSchema.shape),
  remediation: Object.keys(checklistItemSchema.shape.remediation.shape),
} as const;

// The schema's output must be a Checklist: a compile-time check that the two stay in step.
type SchemaChecklist = z.output<typeof checklistSchema>;
export const asChecklist = (parsed: SchemaChecklist): Checklist => parsed;
