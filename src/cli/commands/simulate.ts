import { systemClock } from '../../core/clock.js';
import { ServeMedicError } from '../../errors.js';
import { SCENARIOS, getScenario } from '../../sim/scenarios/index.js';
import { createSimulator } from '../../sim/simulator.js';
import type { CliIo, Command } from '../cli-io.js';
import { EXIT_OK, writeLine } from '../cli-io.js';

interface SimulateArgs {
  scenario: string;
  port: number;
  seed: string;
  list: boolean;
  authToken: string | undefined;
}

function parseArgs(args: readonly string[], io: CliIo): SimulateArgs {
  const out: SimulateArgs = { scenario: 'healthy-baseline', port: 8265, seed: '1', list: false, authToken: io.env.RAY_DASHBOARD_TOKEN || undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new ServeMedicError('USAGE', `${arg} needs a value`);
      return v;
    };
    if (arg === '--list-scenarios') out.list = true;
    else if (arg === '--scenario') out.scenario = value();
    else if (arg === '--seed') out.seed = value();
    else if (arg === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeMedicError('USAGE', `--port must be 0..65535`);
      out.port = port;
    } else throw new ServeMedicError('USAGE', `unknown option "${arg}"; usage: simulate [--scenario NAME] [--port N] [--seed S] [--list-scenarios]`);
  }
  return out;
}

/** Resolves on SIGINT or SIGTERM, or when `signal` aborts (tests). */
function untilStopped(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(why);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    signal?.addEventListener('abort', () => done('stopped'), { once: true });
  });
}

/** `serve-medic simulate`: the Ray Serve simulator in real time on 127.0.0.1. */
export function simulateCommand(stop?: AbortSignal): Command {
  return async (args, io) => {
    const opts = parseArgs(args, io);
    if (opts.list) {
      const width = Math.max(...SCENARIOS.map((s) => s.name.length));
      for (const s of SCENARIOS) writeLine(io.stdout, `${s.name.padEnd(width)}  ${s.description}`);
      return EXIT_OK;
    }
    let scenario;
    try {
      scenario = getScenario(opts.scenario);
    } catch (err) {
      throw new ServeMedicError('USAGE', (err as Error).message);
    }
    const sim = createSimulator({ seed: opts.seed, clock: systemClock, scenario, authToken: opts.authToken });
    const server = await sim.listen(opts.port);
    sim.start();
    writeLine(io.stdout, `Ray Serve 2.58 simulator listening on ${server.url} (REST: ${server.url}/api/serve/applications/, metrics: ${server.url}/metrics)`);
    writeLine(io.stdout, `scenario: ${scenario.name} — ${scenario.description}${opts.authToken ? ' (token auth on)' : ''}`);
    const why = await untilStopped(stop);
    sim.stop();
    await server.close();
    writeLine(io.stdout, `simulator stopped (${why}).`);
    return EXIT_OK;
  };
}

export const simulate: Command = simulateCommand();
