/**
 * Throughput of the exposition parser against the npm package parse-prometheus-text-format on
 * the same generated, Ray-Serve-shaped text exposition (~5 MB), plus our OpenMetrics parser on
 * the same series in that format (the npm package reads only the text format).
 *
 *   npx tsx test/bench/bench-parser.ts
 *
 * Rounds alternate between the parsers so that machine noise (other processes, CPU frequency)
 * hits them alike. The table reports medians of wall-clock and of this process's CPU time
 * (which other processes on a shared machine distort less), and the best round. No forced
 * GC between rounds: measured, a collection right before a parse shrinks the young
 * generation and makes the parse (whose results all survive) about twice as slow, which is
 * not how a scraper's heap looks.
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseExposition } from '../../src/core/exposition/parse-exposition.js';
import { generateRayExposition } from './generate-ray-exposition.js';

const WARMUP_ROUNDS = 5;
const ROUNDS = 15;
const MIB = 1024 * 1024;

interface Contender {
  readonly name: string;
  readonly mib: number;
  readonly run: () => unknown;
  /** MiB/s per measured round, by wall clock and by CPU time. */
  readonly wall: number[];
  readonly cpu: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs the benchmark and returns its result as a small markdown table. */
export async function runParserBench(): Promise<string> {
  const require = createRequire(import.meta.url);
  const npmParse = require('parse-prometheus-text-format') as (text: string) => unknown[];
  const text = generateRayExposition();
  const openMetrics = generateRayExposition(undefined, undefined, 'openmetrics');
  const samples = parseExposition(text, 'text').samples.length;
  const contenders: Contender[] = [
    { name: 'serve-medic parseExposition (text)', mib: text.length / MIB, run: () => parseExposition(text, 'text'), wall: [], cpu: [] },
    { name: 'parse-prometheus-text-format (text)', mib: text.length / MIB, run: () => npmParse(text), wall: [], cpu: [] },
    {
      name: 'serve-medic parseExposition (OpenMetrics)',
      mib: openMetrics.length / MIB,
      run: () => parseExposition(openMetrics, 'openmetrics'),
      wall: [],
      cpu: [],
    },
  ];
  for (let round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
    for (const c of contenders) {
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      c.run();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = process.cpuUsage(cpuStart);
      if (round < 0) continue;
      c.wall.push(c.mib / seconds);
      c.cpu.push(c.mib / ((cpu.user + cpu.system) / 1e6));
    }
  }
  const [ours, theirs] = contenders.map((c) => median(c.wall));
  const fixed = (n: number) => n.toFixed(1);
  const rows = contenders.map(
    (c) => `| ${c.name} | ${fixed(median(c.wall))} | ${fixed(median(c.cpu))} | ${fixed(Math.max(...c.wall))} | ${c.wall.length} |`,
  );
  return [
    `Exposition parsers on a generated Ray-Serve-shaped exposition: ${(text.length / MIB).toFixed(2)} MiB, ${samples} samples.`,
    '',
    '| parser | MiB/s, wall (median) | MiB/s, CPU time (median) | MiB/s, wall (best) | rounds |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `Ratio of wall-clock medians, ours to parse-prometheus-text-format (text): ${(ours! / theirs!).toFixed(2)}x. ` +
      `Node ${process.version}, ${WARMUP_ROUNDS} warm-up rounds, load average ${loadavg()[0]!.toFixed(1)}.`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runParserBench());
}
