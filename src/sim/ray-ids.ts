import type { Random } from './random.js';

/** Ray's identifiers and names, in the formats the captures show. */
export class RayIds {
  private nextPid: number;

  constructor(private readonly random: Random) {
    this.nextPid = 25_000 + random.int(5_000);
  }

  /** NodeID / WorkerID: 28 bytes, 56 hex characters. */
  nodeId(): string {
    return this.random.hex(56);
  }

  workerId(): string {
    return this.random.hex(56);
  }

  /** ActorID: 12 unique bytes then the 4-byte job id (job 01000000). */
  actorId(): string {
    return `${this.random.hex(24)}01000000`;
  }

  /** Replica and handle ids: 8 characters of [a-z0-9]. */
  shortId(): string {
    return this.random.alnum(8);
  }

  pid(): number {
    this.nextPid += 1 + this.random.int(40);
    return this.nextPid;
  }

  requestId(): string {
    return this.random.uuid();
  }
}

/** `session_2026-11-26_04-29-49_956327_25277`: the start time (UTC) and the head's pid. */
export function sessionName(startMs: number, micros: number, pid: number): string {
  const d = new Date(startMs);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  const time = `${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
  return `session_${date}_${time}_${String(micros).padStart(6, '0')}_${pid}`;
}

export const replicaActorName = (app: string, deployment: string, replicaId: string): string =>
  `SERVE_REPLICA::${app}#${deployment}#${replicaId}`;

export const replicaLogPath = (app: string, deployment: string, replicaId: string): string =>
  `/serve/replica_${app}_${deployment}_${replicaId}.log`;

/** The name ray_component_* metrics use for a deployment's replica processes. */
export const replicaComponent = (app: string, deployment: string): string => `ray::ServeReplica:${app}:${deployment}`;
