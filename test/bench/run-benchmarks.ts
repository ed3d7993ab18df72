/**
 * `npm run bench`: every benchmark of the project, one after the other (they would disturb
 * each other in parallel on a 2-core machine), printed as the markdown the README quotes.
 * Set BENCH_ONLY=parser,promql,webhooks,remediation to run a subset.
 */
import { cpus, loadavg } from 'node:os';
import { runParserBench } from './bench-parser.js';
import { runPromqlBench } from './bench-promql.js';
import { runWebhookBench } from './bench-webhooks.js';

const BENCHES: Record<string, () => Promise<string>> = {
  parser: runParserBench,
  promql: runPromqlBench,
  webhooks: () => runWebhookBench(),
  remediation: async () => (await import('./bench-remediation.js')).runRemediationBench(),
};

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
console.log(`# serve-medic benchmarks\n\n${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
for (const [name, run] of Object.entries(BENCHES)) {
  if (only && !only.includes(name)) continue;
  console.log(`## ${name}\n`);
  try {
    console.log(await run());
  } catch (err) {
    console.log(`failed: ${(err as Error).message}`);
  }
  console.log('');
}
