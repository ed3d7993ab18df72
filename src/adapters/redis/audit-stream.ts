import type { Redis } from 'ioredis';
import type { AuditEntry } from '../../core/remediation/audit-entry.js';

export interface AuditStreamOptions {
  readonly prefix: string;
  /** Entries kept (approximately: XADD MAXLEN ~). */
  readonly maxLen?: number;
}

/**
 * The remediation audit trail: Redis stream `<prefix>:audit`, one entry per proposal, click and
 * outcome, each a JSON document in the field `e`. A stream keeps order across instances and
 * lets other tools read it (XRANGE, XREAD) without going through serve-medic.
 */
export class AuditStream {
  readonly key: string;
  private readonly maxLen: number;

  constructor(
    private readonly redis: Redis,
    options: AuditStreamOptions,
  ) {
    this.key = `${options.prefix}:audit`;
    this.maxLen = options.maxLen ?? 10_000;
  }

  async append(entry: AuditEntry): Promise<string> {
    return (await this.redis.xadd(this.key, 'MAXLEN', '~', String(this.maxLen), '*', 'e', JSON.stringify(entry))) ?? '';
  }

  /** Newest first; only entries about `application` when it is given. */
  async recent(options: { readonly application?: string; readonly count?: number; readonly scan?: number } = {}): Promise<AuditEntry[]> {
    const count = options.count ?? 20;
    const rows = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', options.scan ?? 1000);
    const out: AuditEntry[] = [];
    for (const [, fields] of rows) {
      const i = fields.indexOf('e');
      const raw = i >= 0 ? fields[i + 1] : undefined;
      if (raw === undefined) continue;
      let entry: AuditEntry;
      try {
        entry = JSON.parse(raw) as AuditEntry;
      } catch {
        continue;
      }
      if (options.application && entry.application !== options.application) continue;
      out.push(entry);
      if (out.length >= count) break;
    }
    return out;
  }
}
