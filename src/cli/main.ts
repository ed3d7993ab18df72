import { readFileSync } from 'node:fs';
import { describeError, isServeMedicError } from '../errors.js';
import type { CliIo, Command } from './cli-io.js';
import { EXIT_FAILED, EXIT_USAGE, writeLine } from './cli-io.js';

/**
 * The `serve-medic` command. Each subcommand lives in its own module under ./commands and
 * is loaded only when asked for, so `serve-medic metrics check` does not pay for Slack or
 * BullMQ at start-up.
 */
interface CommandEntry {
  readonly usage: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  run: {
    usage: 'run [--config FILE]',
    summary: 'run the service (embedded defaults on a bare machine)',
    load: async () => (await import('./commands/run.js')).runCommand(),
  },
  demo: {
    usage: 'demo [--speed N]',
    summary: 'start the simulator and the service and walk through an incident',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
  'rules check': {
    usage: 'rules check [--config FILE] [DIR|FILE...]',
    summary: 'validate rule files; every problem as file:line:col: message',
    load: async () => (await import('./commands/rules-check.js')).rulesCheck,
  },
  'rules test': {
    usage: 'rules test FILE...',
    summary: 'run rule unit tests in the `promtool test rules` format',
    load: async () => (await import('./commands/rules-test.js')).rulesTest,
  },
  'rules export': {
    usage: 'rules export [--config FILE] [DIR|FILE...] [-o FILE]',
    summary: 'write the rules as a plain Prometheus rule file',
    load: async () => (await import('./commands/rules-export.js')).rulesExport,
  },
  'metrics check': {
    usage: 'metrics check [--format text|openmetrics] [FILE|-]',
    summary: 'parse an exposition; line:col: message on invalid input',
    load: async () => (await import('./commands/metrics-check.js')).metricsCheck,
  },
  diagnose: {
    usage: 'diagnose APP[/DEPLOYMENT] [--json] [--scenario NAME] [--config FILE]',
    summary: 'run the checklist once and print the diagnosis',
    load: async () => (await import('./commands/diagnose.js')).diagnoseCommand,
  },
  simulate: {
    usage: 'simulate [--scenario NAME] [--port N] [--seed S]',
    summary: 'run only the Ray Serve simulator (metrics + REST API)',
    load: async () => (await import('./commands/simulate.js')).simulate,
  },
};

function usage(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  serve-medic ${c.usage.padEnd(width)}  ${c.summary}`);
  return ['Usage:', ...lines, '', 'Options: --help, --version'].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Finds the command named by the first one or two words of argv. */
export function resolveCommand(argv: readonly string[]): { name: string; entry: CommandEntry; rest: string[] } | null {
  const two = argv.slice(0, 2).join(' ');
  const twoEntry = COMMANDS[two];
  if (twoEntry) return { name: two, entry: twoEntry, rest: argv.slice(2) };
  const one = argv[0] ?? '';
  const oneEntry = COMMANDS[one];
  if (oneEntry) return { name: one, entry: oneEntry, rest: argv.slice(1) };
  return null;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    writeLine(argv.length === 0 ? io.stderr : io.stdout, usage());
    return argv.length === 0 ? EXIT_USAGE : 0;
  }
  if (argv[0] === '--version') {
    writeLine(io.stdout, version());
    return 0;
  }
  const found = resolveCommand(argv);
  if (!found) {
    writeLine(io.stderr, `serve-medic: unknown command "${argv.join(' ')}".\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    const command = await found.entry.load();
    return await command(found.rest, io);
  } catch (err) {
    writeLine(io.stderr, `serve-medic ${found.name}: ${describeError(err)}`);
    return isServeMedicError(err, 'USAGE') ? EXIT_USAGE : EXIT_FAILED;
  }
}

