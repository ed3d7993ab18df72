import type { App } from '@slack/bolt';

/**
 * Block actions (buttons). serve-medic's own messages have none yet; the remediation proposal
 * (issue #6) brings Approve / Reject buttons and registers their listeners through this hook:
 *
 *   const approvals: ActionRegistrar = (app) => app.action('remediation_approve', async ({ ack, body }) => { await ack(); … });
 *   createSlackSurface({ …, actionRegistrars: [approvals] })
 *
 * Listeners ack first, then make one call into the core; they reply in the thread with
 * notifier.postInThread(threadKey, message) and edit the proposal with notifier.updateInThread.
 */
export type ActionRegistrar = (app: App) => void;

export function registerActions(app: App, registrars: readonly ActionRegistrar[]): void {
  for (const register of registrars) register(app);
}
