#!/usr/bin/env node
// Launcher for the `serve-medic` command. In a checkout it runs the TypeScript sources through
// tsx, so `npm start` never runs a stale build; in the container image (no src/**/*.ts, only
// dist/) it runs the compiled JavaScript.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'cli', 'main.js');

let entry;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
} else {
  entry = built;
}
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
// Long-running commands (run, simulate, demo) resolve only when they are done serving.
process.exitCode = code;
