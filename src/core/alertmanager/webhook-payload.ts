import { z } from 'zod';

/**
 * Alertmanager's webhook payload, version "4". Lenient about fields newer Alertmanagers add
 * (notification_reason, routeLabels, …): they are kept, never rejected.
 */
const labelSet = z.record(z.string(), z.string());

export const webhookAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.string(),
  endsAt: z.string().default('0001-01-01T00:00:00Z'),
  generatorURL: z.string().default(''),
  fingerprint: z.string().min(1),
});

export const webhookPayloadSchema = z.looseObject({
  version: z.literal('4', { error: 'only webhook payload version "4" is supported' }),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(webhookAlertSchema),
});

export type WebhookAlert = z.infer<typeof webhookAlertSchema>;
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** Parses and validates a body; the error text says what is wrong and where. */
export function parseWebhookPayload(text: string): { ok: true; payload: WebhookPayload } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `malformed JSON: ${(err as Error).message}` };
  }
  const parsed = webhookPayloadSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return { ok: false, reason: `invalid payload: ${issues.join('; ')}` };
  }
  return { ok: true, payload: parsed.data };
}

/** Alertmanager writes the zero time for "no end yet". */
export function parseAmTime(text: string): number | undefined {
  if (text.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
