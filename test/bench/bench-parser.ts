/**
 * Throughput of the exposition parser against the npm package parse-prometheus-text-format on
 * the same generated, Ray-Serve-shaped text exposition (~5 MB).
 *
 *   npx tsx test/bench/bench-parser.ts
 *
 * Rounds alternate between the two parsers so that machine noise (other processes, GC, CPU
 * frequency) hits both alike; the table reports medians.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseExposition } from '../../src/core/exposition/parse-exposition.js';
import { generateRayExposition } from './generate-ray-exposition.js';

const WARMUP_ROUNDS = 3;
const ROUNDS = 9;
const MIB = 1024 * 1024;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMs(run: () => unknown): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs the benchmark and returns its result as a small markdown table. */
export async function runParserBench(): Promise<string> {
  const require = createRequire(import.meta.url);
  const npmParse = require('parse-prometheus-text-format') as (text: string) => unknown[];
  const input = generateRayExposition();
  const mib = input.length / MIB;
  const samples = parseExposition(input, 'text').samples.length;
  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    parseExposition(input, 'text');
    npmParse(input);
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(mib / (timeMs(() => parseExposition(input, 'text')) / 1000));
    theirs.push(mib / (timeMs(() => npmParse(input)) / 1000));
  }
  const oursMedian = median(ours);
  const theirsMedian = median(theirs);
  return [
    `Exposition parser on a generated Ray-Serve-shaped text exposition: ${mib.toFixed(2)} MiB, ${samples} samples.`,
    '',
    '| parser | MiB/s (median) | rounds |',
    '|---|---:|---:|',
    `| serve-medic parseExposition | ${oursMedian.toFixed(1)} | ${ROUNDS} |`,
    `| parse-prometheus-text-format | ${theirsMedian.toFixed(1)} | ${ROUNDS} |`,
    '',
    `Ratio: ${(oursMedian / theirsMedian).toFixed(2)}x. Node ${process.version}, ${WARMUP_ROUNDS} warm-up rounds each.`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runParserBench());
}
