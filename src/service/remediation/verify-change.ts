import { auditOf } from '../../core/remediation/audit-entry.js';
import { rollbackSeed } from '../../core/remediation/build-proposal.js';
import { buildPutBody } from '../../core/remediation/build-put-body.js';
import type { Proposal } from '../../core/remediation/proposal.js';
import type { VerificationVerdict } from '../../core/remediation/verification.js';
import { verificationSignal, verificationVerdict } from '../../core/remediation/verification.js';
import { renderVerification } from '../../core/slack-render/render-remediation-replies.js';
import { describeError } from '../../errors.js';
import { computeProposal } from './propose.js';
import { readSignal } from './read-signal.js';
import type { RemediationContext } from './remediation-context.js';
import { post, record, refreshProposalMessage } from './remediation-context.js';

/**
 * The verification job: waits out the verification window from the change (on the injected
 * clock; a job resumed after a crash waits only what is left), reads the alert's signal again,
 * and reports in the thread whether it improved ("queue 340 -> 12 in 4 min"), with a Rollback
 * button — a rollback proposal that goes through the same approval as the fix.
 */
export async function verifyChange(ctx: RemediationContext, proposalId: string): Promise<'improved' | 'not_improved' | 'unknown' | 'skipped'> {
  const rec = await ctx.store.get(proposalId);
  if (!rec || rec.state !== 'applied') return 'skipped';
  const p = rec.proposal;
  const startMs = rec.putAtMs ?? rec.appliedAtMs ?? ctx.clock.now();
  const left = startMs + ctx.settings.verification_window - ctx.clock.now();
  if (left > 0) await ctx.sleep(left);

  const baseline = rec.baseline ?? { atMs: startMs };
  const now = await readSignal(ctx.queryEngine, p, ctx.clock.now(), ctx.logger);
  const verdict = verificationVerdict(p.trigger ? verificationSignal(p.trigger) : undefined, baseline, now);

  const { rollback, note } = await proposeRollback(ctx, p, verdict);
  const t = await ctx.store.transition(p.id, ['applied'], 'verified', { outcome: `${verdict.result}: ${verdict.text}` });
  if (!t.ok) return 'skipped';
  await record(ctx, auditOf(p, 'verified', ctx.clock.now(), { result: verdict.result, detail: verdict.text }));
  if (rollback) await record(ctx, auditOf(rollback, 'proposed', ctx.clock.now(), { result: rollback.mode, detail: `rollback of ${p.id}` }));
  ctx.track(
    post(ctx, p.threadKey, renderVerification(p, verdict, rollback, note)).then(async (posted) => {
      if (rollback && posted) await ctx.store.update(rollback.id, { channel: posted.channel, messageTs: posted.ts });
    }),
  );
  refreshProposalMessage(ctx, { ...rec, state: 'verified' }, `${verdict.result === 'improved' ? 'Improved' : verdict.result === 'not_improved' ? 'Did not improve' : 'Could not tell'}: ${verdict.text}`);
  return verdict.result;
}

/** The rollback of an applied fix, stored so its button works like any proposal's. */
async function proposeRollback(ctx: RemediationContext, p: Proposal, verdict: VerificationVerdict): Promise<{ rollback?: Proposal; note?: string }> {
  try {
    const { result, details } = await computeProposal(ctx, {
      seed: rollbackSeed(p),
      kind: 'rollback',
      threadKey: p.threadKey,
      rollbackOf: p.id,
      ...(p.trigger ? { trigger: p.trigger } : {}),
    });
    if ('refused' in result) return { note: result.refused };
    await ctx.store.create(result.proposal, { baseBody: buildPutBody(details), verdict });
    return { rollback: result.proposal };
  } catch (err) {
    ctx.logger.warn({ proposal: p.id, err: describeError(err) }, 'could not prepare the rollback proposal');
    return { note: describeError(err) };
  }
}
