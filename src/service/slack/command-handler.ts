import type { SilenceStore } from '../../adapters/redis/silence-store.js';
import type { ResponseUrlReply } from '../../adapters/slack/response-url-client.js';
import type { Clock } from '../../core/clock.js';
import type { AlertRule } from '../../core/model/rule.js';
import type { DiagnoseFn } from '../../core/notify/notification.js';
import type { ServeInstanceDetails } from '../../core/serve/serve-types.js';
import type { ParsedCommand } from '../../core/slack-commands/parse-command.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import { renderDiagnosis } from '../../core/slack-render/render-diagnosis.js';
import { renderCommandFailed, renderHelp, renderUsageError } from '../../core/slack-render/render-help.js';
import { renderRules } from '../../core/slack-render/render-rules.js';
import { renderSilenceCreated, renderSilenceEnded, renderSilenceNotFound, renderSilences } from '../../core/slack-render/render-silences.js';
import { renderStatus } from '../../core/slack-render/render-status.js';
import { describeError, isServeMedicError } from '../../errors.js';

export interface CommandHandlerDeps {
  readonly diagnose?: DiagnoseFn;
  /** The Serve REST API's GET /api/serve/applications/ (ServeApiClient.getApplications). */
  readonly getApplications?: () => Promise<ServeInstanceDetails>;
  readonly silences: Pick<SilenceStore, 'create' | 'expire' | 'listActive'>;
  readonly listRules: () => readonly AlertRule[] | Promise<readonly AlertRule[]>;
  /** `history [APP]`: the remediation audit trail (issue #6: Remediation.history). */
  readonly history?: (application?: string) => Promise<SlackMessage>;
  /** Called after a silence ends, so alerts it muted that still fire are posted now. */
  readonly onSilenceEnded?: () => void | Promise<void>;
  readonly clock: Clock;
  readonly cluster: string;
}

export interface CommandCaller {
  readonly userId: string;
}

const SERVE_HINT = 'Check RAY_DASHBOARD_URL (the dashboard, port 8265) and RAY_DASHBOARD_TOKEN.';

/** Replies that need no I/O: help and mistakes. Listeners send these in the ack itself. */
export function immediateReply(cmd: ParsedCommand): ResponseUrlReply | null {
  if (cmd.verb === 'help') return { responseType: 'ephemeral', message: renderHelp() };
  if (cmd.verb === 'invalid') return { responseType: 'ephemeral', message: renderUsageError(cmd.problem, cmd.usage) };
  return null;
}

/** What the ack says while slow work runs (null: ack empty, the answer follows in a moment). */
export function workingText(cmd: ParsedCommand): string | null {
  if (cmd.verb === 'diagnose') return `⏳ Diagnosing ${cmd.application}${cmd.deployment ? `/${cmd.deployment}` : ''}…`;
  if (cmd.verb === 'status') return '⏳ Asking the Serve REST API…';
  return null;
}

/**
 * Carries out a valid command and renders the answer. Never throws: a failure becomes a reply
 * that says what went wrong and how to fix it.
 */
export async function executeCommand(cmd: ParsedCommand, caller: CommandCaller, deps: CommandHandlerDeps): Promise<ResponseUrlReply> {
  const now = deps.clock.now();
  switch (cmd.verb) {
    case 'help':
    case 'invalid':
      return immediateReply(cmd)!;
    case 'diagnose': {
      if (!deps.diagnose) return failed('Diagnosis', 'the diagnosis engine is not configured in this instance');
      try {
        const d = await deps.diagnose({ application: cmd.application, ...(cmd.deployment ? { deployment: cmd.deployment } : {}) });
        return { responseType: 'in_channel', message: renderDiagnosis(d) };
      } catch (err) {
        return failed(`Diagnosis of ${cmd.application}${cmd.deployment ? `/${cmd.deployment}` : ''}`, describeError(err), isServeMedicError(err) && err.code.startsWith('SERVE_') ? SERVE_HINT : undefined);
      }
    }
    case 'status': {
      if (!deps.getApplications) return failed('Status', 'no Serve REST API is configured', SERVE_HINT);
      try {
        return { responseType: 'in_channel', message: renderStatus(await deps.getApplications(), deps.cluster, cmd.application, now) };
      } catch (err) {
        return failed('Status', describeError(err), SERVE_HINT);
      }
    }
    case 'silence': {
      try {
        const s = await deps.silences.create({ matchers: cmd.matchers, startsAtMs: now, endsAtMs: now + cmd.durationMs, createdBy: caller.userId, reason: cmd.reason }, now);
        return { responseType: 'in_channel', message: renderSilenceCreated(s, now) };
      } catch (err) {
        return failed('Silence', describeError(err));
      }
    }
    case 'unsilence': {
      try {
        const s = await deps.silences.expire(cmd.id, now, caller.userId);
        if (!s) return { responseType: 'ephemeral', message: renderSilenceNotFound(cmd.id) };
        await deps.onSilenceEnded?.();
        return { responseType: 'in_channel', message: renderSilenceEnded(s, caller.userId) };
      } catch (err) {
        return failed('Unsilence', describeError(err));
      }
    }
    case 'silences':
      try {
        return { responseType: 'ephemeral', message: renderSilences(await deps.silences.listActive(now), now) };
      } catch (err) {
        return failed('Listing silences', describeError(err));
      }
    case 'rules':
      try {
        return { responseType: 'ephemeral', message: renderRules(await deps.listRules()) };
      } catch (err) {
        return failed('Listing rules', describeError(err));
      }
    case 'history':
      if (!deps.history) return failed('History', 'remediation is not set up in this instance');
      try {
        return { responseType: 'ephemeral', message: await deps.history(cmd.application) };
      } catch (err) {
        return failed('History', describeError(err));
      }
  }
}

function failed(what: string, reason: string, hint?: string): ResponseUrlReply {
  return { responseType: 'ephemeral', message: renderCommandFailed(what, reason, hint) };
}
