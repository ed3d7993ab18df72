import type { Redis } from 'ioredis';
import type { Approval, Proposal, ProposalState } from '../../core/remediation/proposal.js';
import type { Reading, VerificationVerdict } from '../../core/remediation/verification.js';
import type { ServeDeployBody } from '../../core/serve/serve-types.js';

/**
 * Remediation proposals and their state, one Redis hash each. The proposal itself never
 * changes; its state moves only by compare-and-set (a Lua script checks the state it expects),
 * so a double click, a Slack retry, two instances or a restarted job each see one transition.
 */
export interface ProposalRecord {
  readonly proposal: Proposal;
  readonly state: ProposalState;
  readonly approvals: readonly Approval[];
  /** Who rejected it. */
  readonly decidedBy?: string;
  /** Where the proposal message is (for chat.update). */
  readonly channel?: string;
  readonly messageTs?: string;
  /** The complete PUT body at proposal time: what changed, when the config moves under it. */
  readonly baseBody?: ServeDeployBody;
  /** The body rebuilt just before the PUT: the last good config a rollback restores. */
  readonly lastGood?: ServeDeployBody;
  /** Set just before the PUT is sent; after a crash it says a PUT may have gone out. */
  readonly putAtMs?: number;
  /** The alert's signal at the change, for the verification. */
  readonly baseline?: Reading;
  readonly appliedAtMs?: number;
  readonly outcome?: string;
  /** A rollback offered on a verification message: that verdict, to re-render the message. */
  readonly verdict?: VerificationVerdict;
}

type Fields = Partial<Omit<ProposalRecord, 'proposal' | 'state'>>;

const JSON_FIELDS = new Set(['approvals', 'baseBody', 'lastGood', 'baseline', 'verdict']);

function encode(fields: Fields): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out.push(k, JSON_FIELDS.has(k) ? JSON.stringify(v) : String(v));
  }
  return out;
}

const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'proposal', ARGV[1], 'state', 'proposed', 'approvals', '[]', unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

// KEYS[1] the proposal, KEYS[2] the set of approved proposals whose job may not be queued yet.
// ARGV[1] JSON list of states allowed now, ARGV[2] the new state, ARGV[3..] fields to set.
const TRANSITION = `
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return {0, ''} end
for _, s in ipairs(cjson.decode(ARGV[1])) do
  if s == cur then
    redis.call('HSET', KEYS[1], 'state', ARGV[2], unpack(ARGV, 3))
    if ARGV[2] == 'approved' then redis.call('SADD', KEYS[2], KEYS[1]) else redis.call('SREM', KEYS[2], KEYS[1]) end
    return {1, cur}
  end
end
return {0, cur}`;

export interface ProposalStoreOptions {
  readonly prefix: string;
  /** How long a proposal and its state are kept (for history, late clicks and rollbacks). */
  readonly ttlMs?: number;
}

export type TransitionResult = { readonly ok: true; readonly from: ProposalState } | { readonly ok: false; readonly state: ProposalState | null };

export class ProposalStore {
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    options: ProposalStoreOptions,
  ) {
    this.prefix = `${options.prefix}:remediation`;
    this.ttlMs = options.ttlMs ?? 30 * 24 * 3600_000;
  }

  private key(id: string): string {
    return `${this.prefix}:proposal:${id}`;
  }

  private get pendingKey(): string {
    return `${this.prefix}:approved`;
  }

  /** Stores a new proposal in state `proposed`; false when one with this id exists already. */
  async create(proposal: Proposal, fields: Fields = {}): Promise<boolean> {
    const r = await this.redis.eval(CREATE, 1, this.key(proposal.id), JSON.stringify(proposal), String(this.ttlMs), ...encode(fields));
    return r === 1;
  }

  async get(id: string): Promise<ProposalRecord | null> {
    const h = await this.redis.hgetall(this.key(id));
    if (!h.proposal || !h.state) return null;
    const parse = <T>(v: string | undefined): T | undefined => (v === undefined ? undefined : (JSON.parse(v) as T));
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const rec: Record<string, unknown> = {
      proposal: JSON.parse(h.proposal) as Proposal,
      state: h.state as ProposalState,
      approvals: parse<Approval[]>(h.approvals) ?? [],
      decidedBy: h.decidedBy,
      channel: h.channel,
      messageTs: h.messageTs,
      baseBody: parse<ServeDeployBody>(h.baseBody),
      lastGood: parse<ServeDeployBody>(h.lastGood),
      putAtMs: num(h.putAtMs),
      baseline: parse<Reading>(h.baseline),
      appliedAtMs: num(h.appliedAtMs),
      outcome: h.outcome,
      verdict: parse<VerificationVerdict>(h.verdict),
    };
    for (const k of Object.keys(rec)) if (rec[k] === undefined) delete rec[k];
    return rec as unknown as ProposalRecord;
  }

  /** Moves the state from one of `from` to `to` (setting `fields` with it), or reports the state found. */
  async transition(id: string, from: readonly ProposalState[], to: ProposalState, fields: Fields = {}): Promise<TransitionResult> {
    const [ok, cur] = (await this.redis.eval(TRANSITION, 2, this.key(id), this.pendingKey, JSON.stringify(from), to, ...encode(fields))) as [number, string];
    return ok === 1 ? { ok: true, from: cur as ProposalState } : { ok: false, state: cur === '' ? null : (cur as ProposalState) };
  }

  /** Sets fields without touching the state (the message ts, the baseline). */
  async update(id: string, fields: Fields): Promise<void> {
    const args = encode(fields);
    if (args.length > 0) await this.redis.hset(this.key(id), ...args);
  }

  /** Approved proposals whose job may not have been queued (a crash between the click and the enqueue). */
  async approvedIds(): Promise<string[]> {
    const keys = await this.redis.smembers(this.pendingKey);
    return keys.map((k) => k.slice(`${this.prefix}:proposal:`.length));
  }
}
