import type { Readable, Writable } from 'node:stream';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** A command takes its own arguments (after the command name) and returns an exit code. */
export type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/** Exit codes: 0 ok, 1 the input is bad (or a check failed), 2 wrong usage or not available. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function writeLine(stream: Writable, line: string): void {
  stream.write(line.endsWith('\n') ? line : line + '\n');
}
