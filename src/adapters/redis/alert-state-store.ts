import type { Alert, AlertEvent } from '../../core/model/alert.js';
import type { Redis } from './create-redis.js';

/**
 * Alert state in Redis, so a restart (or a takeover by another replica) neither re-fires an
 * alert nor forgets how long one has been pending. One hash holds every rule's alerts (field:
 * the alert name, value: JSON), written after each evaluation; one list is an outbox of
 * firing/resolved events, appended in the same atomic write and removed once delivered, so an
 * event is delivered at least once even if the process dies right after the write.
 *
 * Writes can be fenced by the evaluation lease: they happen only while the lease key still
 * holds this instance's token, so a replica that lost the lease mid-evaluation cannot
 * overwrite the new leader's state.
 */
export interface AlertStateStoreOptions {
  readonly redis: Redis;
  /** Key prefix, e.g. the configured redis_prefix ("serve-medic"). */
  readonly prefix: string;
  /** Oldest undelivered events are dropped beyond this many (a consumer that never recovers). */
  readonly maxPendingEvents?: number;
}

/** A lease key and the token that must be its value for a write to happen. */
export interface Fence {
  readonly key: string;
  readonly token: string;
}

const FORMAT_VERSION = 1;

// KEYS: state hash, event list, fence key. ARGV: token ('' = unfenced), max events, field
// count, then field/value pairs (empty value = delete the field), then events.
const SAVE = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[3])
local i = 4
for _ = 1, n do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
  i = i + 2
end
if #ARGV >= i then
  for j = i, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[j]) end
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
end
return 1`;

// KEYS: event list, fence key. ARGV: token ('' = unfenced), how many delivered events to drop.
const ACK = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
return 1`;

/** JSON has no NaN or Infinity; alert values can be either. */
function encodeValue(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decodeValue(v: unknown): number {
  return typeof v === 'string' ? Number(v) : (v as number);
}

function encodeAlert(a: Alert): unknown {
  return { ...a, value: encodeValue(a.value) };
}

function decodeAlert(raw: unknown): Alert {
  const a = raw as Alert & { value: unknown };
  return { ...a, value: decodeValue(a.value) };
}

function decodeAlerts(json: string | null): Alert[] {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as { v?: number; alerts?: unknown[] };
    return parsed.v === FORMAT_VERSION && Array.isArray(parsed.alerts) ? parsed.alerts.map(decodeAlert) : [];
  } catch {
    return [];
  }
}

export class AlertStateStore {
  private readonly redis: Redis;
  private readonly stateKey: string;
  private readonly eventsKey: string;
  private readonly maxPendingEvents: number;

  constructor(options: AlertStateStoreOptions) {
    this.redis = options.redis;
    this.stateKey = `${options.prefix}:alerts:state`;
    this.eventsKey = `${options.prefix}:alerts:outbox`;
    this.maxPendingEvents = options.maxPendingEvents ?? 10_000;
  }

  /** The stored alerts of the given rules (by alert name); a rule without state maps to []. */
  async load(ruleNames: readonly string[]): Promise<Map<string, Alert[]>> {
    const out = new Map<string, Alert[]>();
    if (ruleNames.length === 0) return out;
    const values = await this.redis.hmget(this.stateKey, ...ruleNames);
    ruleNames.forEach((name, i) => out.set(name, decodeAlerts(values[i] ?? null)));
    return out;
  }

  /** Every rule's stored alerts: for status pages and for pruning rules that were removed. */
  async loadAll(): Promise<Map<string, Alert[]>> {
    const all = await this.redis.hgetall(this.stateKey);
    return new Map(Object.entries(all).map(([name, json]) => [name, decodeAlerts(json)]));
  }

  /**
   * Writes the rules' new states (an empty list removes the rule) and queues the events, in
   * one atomic step. Returns false, writing nothing, when the fence no longer holds.
   */
  async save(states: ReadonlyMap<string, readonly Alert[]>, events: readonly AlertEvent[], fence?: Fence): Promise<boolean> {
    const pairs: string[] = [];
    for (const [name, alerts] of states) {
      pairs.push(name, alerts.length === 0 ? '' : JSON.stringify({ v: FORMAT_VERSION, alerts: alerts.map(encodeAlert) }));
    }
    const encodedEvents = events.map((e) => JSON.stringify({ ...e, alert: encodeAlert(e.alert) }));
    const result = await this.redis.eval(
      SAVE,
      3,
      this.stateKey,
      this.eventsKey,
      fence?.key ?? this.stateKey,
      fence?.token ?? '',
      String(this.maxPendingEvents),
      String(states.size),
      ...pairs,
      ...encodedEvents,
    );
    return result === 1;
  }

  /** The oldest undelivered events, in the order they happened. */
  async pendingEvents(max = 500): Promise<AlertEvent[]> {
    const raw = await this.redis.lrange(this.eventsKey, 0, max - 1);
    return raw.map((json) => {
      const e = JSON.parse(json) as AlertEvent;
      return { ...e, alert: decodeAlert(e.alert) };
    });
  }

  /** Drops the `count` oldest events once they are delivered. */
  async ackEvents(count: number, fence?: Fence): Promise<boolean> {
    if (count <= 0) return true;
    const result = await this.redis.eval(ACK, 2, this.eventsKey, fence?.key ?? this.eventsKey, fence?.token ?? '', String(count));
    return result === 1;
  }
}
