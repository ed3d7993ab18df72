import { formatDuration, parseDuration } from '../duration.js';
import type { Matcher } from '../silence/silence.js';
import { looksLikeMatcher, parseMatchers } from '../silence/parse-matchers.js';
import { normalizeCommandText, tokenize } from './tokenize.js';

/** What `/serve-medic TEXT` asks for, after validation. */
export type ParsedCommand =
  | { readonly verb: 'help' }
  | { readonly verb: 'diagnose'; readonly application: string; readonly deployment?: string }
  | { readonly verb: 'status'; readonly application?: string }
  | { readonly verb: 'silence'; readonly matchers: readonly Matcher[]; readonly durationMs: number; readonly reason: string }
  | { readonly verb: 'unsilence'; readonly id: string }
  | { readonly verb: 'silences' }
  | { readonly verb: 'rules' }
  | { readonly verb: 'history'; readonly application?: string }
  | { readonly verb: 'invalid'; readonly problem: string; readonly usage: string };

export const COMMAND_USAGE: Readonly<Record<string, { usage: string; summary: string; example: string }>> = {
  diagnose: { usage: 'diagnose APP[/DEPLOYMENT]', summary: 'run the checklist now and post the diagnosis', example: 'diagnose checkout/Ingress' },
  status: { usage: 'status [APP]', summary: 'applications, deployments, status and replicas vs min/max', example: 'status checkout' },
  silence: {
    usage: 'silence MATCHERS DURATION [reason]',
    summary: 'mute matching alerts for a while (=, !=, =~, !~; regexes are anchored)',
    example: 'silence alertname=RayServeQueueBuildingUp application=~"emb.*" 2h load test',
  },
  unsilence: { usage: 'unsilence ID', summary: 'end a silence now', example: 'unsilence 3f9a1c2b' },
  silences: { usage: 'silences', summary: 'list active silences', example: 'silences' },
  rules: { usage: 'rules', summary: 'list the loaded alert rules', example: 'rules' },
  history: { usage: 'history [APP]', summary: 'recent remediation proposals, approvals and outcomes (the audit trail)', example: 'history embeddings' },
  help: { usage: 'help', summary: 'this help', example: 'help' },
};

/** Silences longer than this are almost always a mistake; a rule change is the better tool. */
export const MAX_SILENCE_MS = 30 * 24 * 3600_000;

const APP_NAME = /^[A-Za-z0-9_.:-]+$/;
const SILENCE_ID = /^[a-z0-9]{4,32}$/;

function invalid(verb: string, problem: string): ParsedCommand {
  return { verb: 'invalid', problem, usage: COMMAND_USAGE[verb]?.usage ?? 'help' };
}

/** Parses the text after `/serve-medic`. Never throws: a mistake becomes `invalid` with the usage. */
export function parseCommand(rawText: string): ParsedCommand {
  const tokens = tokenize(normalizeCommandText(rawText));
  const [verbToken, ...args] = tokens;
  const verb = (verbToken ?? 'help').toLowerCase();
  switch (verb) {
    case 'help':
    case '-h':
    case '--help':
      return { verb: 'help' };
    case 'diagnose':
      return parseDiagnose(args);
    case 'status':
      if (args.length > 1) return invalid('status', `status takes at most one application name, got ${args.length}`);
      if (args[0] !== undefined && !APP_NAME.test(args[0])) return invalid('status', `"${args[0]}" is not an application name`);
      return args[0] === undefined ? { verb: 'status' } : { verb: 'status', application: args[0] };
    case 'silence':
      return parseSilence(args);
    case 'unsilence': {
      const id = args[0]?.toLowerCase();
      if (id === undefined) return invalid('unsilence', 'give the id of the silence to end (see `/serve-medic silences`)');
      if (args.length > 1 || !SILENCE_ID.test(id)) return invalid('unsilence', `"${args.join(' ')}" is not a silence id`);
      return { verb: 'unsilence', id };
    }
    case 'history':
      if (args.length > 1) return invalid('history', `history takes at most one application name, got ${args.length}`);
      if (args[0] !== undefined && !APP_NAME.test(args[0])) return invalid('history', `"${args[0]}" is not an application name`);
      return args[0] === undefined ? { verb: 'history' } : { verb: 'history', application: args[0] };
    case 'silences':
    case 'rules':
      if (args.length > 0) return invalid(verb, `${verb} takes no arguments`);
      return { verb };
    default:
      return { verb: 'invalid', problem: `unknown command "${verbToken ?? ''}"`, usage: 'help' };
  }
}

function parseDiagnose(args: readonly string[]): ParsedCommand {
  if (args.length !== 1) {
    return invalid('diagnose', args.length === 0 ? 'say which application to diagnose' : 'give one APP or APP/DEPLOYMENT, without spaces');
  }
  const [application, deployment, extra] = args[0]!.split('/');
  if (extra !== undefined || !application || !APP_NAME.test(application) || (deployment !== undefined && !APP_NAME.test(deployment))) {
    return invalid('diagnose', `"${args[0]}" is not APP or APP/DEPLOYMENT`);
  }
  return deployment ? { verb: 'diagnose', application, deployment } : { verb: 'diagnose', application };
}

/**
 * `silence MATCHERS DURATION [reason]`: every token up to the first duration is a matcher, the
 * duration is the first token that parses as one, the rest is the reason.
 */
function parseSilence(args: readonly string[]): ParsedCommand {
  const durationAt = args.findIndex((t) => !looksLikeMatcher(t) && parseDuration(t) !== null);
  if (durationAt === -1) {
    const notMatcher = args.find((t) => !looksLikeMatcher(t));
    return invalid(
      'silence',
      notMatcher === undefined
        ? 'add how long it lasts after the matchers, e.g. 30m or 2h'
        : `"${notMatcher}" is neither a matcher nor a duration like 30m or 2h`,
    );
  }
  const matcherTokens = args.slice(0, durationAt);
  const parsed = parseMatchers(matcherTokens);
  if (!parsed.ok) return invalid('silence', parsed.errors.join('; '));
  const durationMs = parseDuration(args[durationAt]!)!;
  if (durationMs <= 0) return invalid('silence', 'the duration must be longer than 0');
  if (durationMs > MAX_SILENCE_MS) {
    return invalid('silence', `${args[durationAt]} is longer than the ${formatDuration(MAX_SILENCE_MS)} limit; fix the rule instead of silencing it for that long`);
  }
  const reason = args
    .slice(durationAt + 1)
    .join(' ')
    .replace(/^["']|["']$/g, '');
  return { verb: 'silence', matchers: parsed.matchers, durationMs, reason };
}
