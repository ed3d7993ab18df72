import type { Clock } from '../../core/clock.js';
import { isApprover } from '../../core/remediation/decide-click.js';

/** The one Web API call the directory makes (WebClient.usergroups.users.list). */
export interface UsergroupsClient {
  usergroups: { users: { list(args: { usergroup: string }): Promise<{ ok?: boolean; users?: string[]; error?: string }> } };
}

export interface ApproverDirectoryOptions {
  /** remediation.approvers: user ids (U…, W…) and user-group ids (S…). */
  readonly approvers: readonly string[];
  readonly clock: Clock;
  /** How long a group's member list is reused. */
  readonly cacheMs?: number;
  readonly onLookupError?: (groupId: string, err: unknown) => void;
}

/**
 * Answers "may this user approve?": listed by id, or a member of a listed user group. Group
 * members come from usergroups.users.list (scope usergroups:read) and are cached briefly, so a
 * person removed from the on-call group loses the right within a minute.
 */
export class ApproverDirectory {
  private readonly cache = new Map<string, { atMs: number; members: Promise<ReadonlySet<string> | undefined> }>();
  private readonly cacheMs: number;

  constructor(private readonly options: ApproverDirectoryOptions) {
    this.cacheMs = options.cacheMs ?? 60_000;
  }

  get configured(): boolean {
    return this.options.approvers.length > 0;
  }

  async isApprover(userId: string, client: UsergroupsClient | undefined): Promise<boolean> {
    const { approvers } = this.options;
    if (approvers.includes(userId)) return true;
    const groups = approvers.filter((a) => a.startsWith('S'));
    if (groups.length === 0 || !client) return false;
    const members = new Map<string, ReadonlySet<string> | undefined>();
    await Promise.all(groups.map(async (g) => members.set(g, await this.members(g, client))));
    return isApprover(userId, approvers, (g) => members.get(g));
  }

  private members(groupId: string, client: UsergroupsClient): Promise<ReadonlySet<string> | undefined> {
    const now = this.options.clock.now();
    const hit = this.cache.get(groupId);
    if (hit && now - hit.atMs < this.cacheMs) return hit.members;
    const members = client.usergroups.users.list({ usergroup: groupId }).then(
      (r) => new Set(r.users ?? []) as ReadonlySet<string>,
      (err: unknown) => {
        this.options.onLookupError?.(groupId, err);
        this.cache.delete(groupId); // do not cache a failure
        return undefined;
      },
    );
    this.cache.set(groupId, { atMs: now, members });
    return members;
  }
}
