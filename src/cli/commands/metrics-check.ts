import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ExpositionError } from '../../core/exposition/exposition-error.js';
import { findInvalidUtf8 } from '../../core/exposition/find-invalid-utf8.js';
import { parseExposition } from '../../core/exposition/parse-exposition.js';
import type { ExpositionFormat } from '../../core/exposition/types.js';
import type { CliIo, Command } from '../cli-io.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, writeLine } from '../cli-io.js';

const USAGE = `Usage: serve-medic metrics check [--format text|openmetrics] [FILE|-]

Parses a metrics exposition (stdin when FILE is missing or "-") and reports the first problem
as line:col: message (file:line:col: message for a file). Without --format, the input is read
as OpenMetrics when its last line is "# EOF", as the Prometheus text format 0.0.4 otherwise.
Exit status: 0 valid, 1 invalid, 2 wrong usage or unreadable file.`;

/** `serve-medic metrics check`: like `promtool check metrics`, without the lint. */
export const metricsCheck: Command = async (args, io) => {
  let options: { format?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values: options, positionals } = parseArgs({
      args: [...args],
      options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    return usageError(io, err instanceof Error ? err.message : String(err));
  }
  if (options.help) {
    writeLine(io.stdout, USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 1) return usageError(io, `expected at most one FILE, got ${positionals.length}`);
  const format = options.format;
  if (format !== undefined && format !== 'text' && format !== 'openmetrics') {
    return usageError(io, `--format must be "text" or "openmetrics", got "${format}"`);
  }
  const file = positionals[0] === '-' ? undefined : positionals[0];

  let bytes: Buffer;
  try {
    bytes = file === undefined ? await readAll(io.stdin) : await readFile(resolve(io.cwd, file));
  } catch (err) {
    writeLine(io.stderr, `serve-medic metrics check: cannot read ${file ?? 'stdin'}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_USAGE;
  }
  const where = file === undefined ? '' : `${file}:`;
  const badByte = isUtf8(bytes) ? -1 : findInvalidUtf8(bytes);
  if (badByte >= 0) {
    const { line, column } = locateByte(bytes, badByte);
    writeLine(io.stderr, `${where}${line}:${column}: invalid UTF-8 (byte 0x${bytes[badByte]!.toString(16).padStart(2, '0')})`);
    return EXIT_FAILED;
  }

  const text = bytes.toString('utf8');
  const chosen = format ?? guessFormat(text);
  try {
    const parsed = parseExposition(text, chosen);
    const exemplars = parsed.exemplars.length > 0 ? `, ${plural(parsed.exemplars.length, 'exemplar')}` : '';
    writeLine(
      io.stdout,
      `ok: ${plural(parsed.samples.length, 'sample')}, ${plural(parsed.metadata.size, 'metric family', 'metric families')}${exemplars} (${chosen})`,
    );
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof ExpositionError)) throw err;
    writeLine(io.stderr, `${where}${err.line}:${err.column}: ${err.message}`);
    return EXIT_FAILED;
  }
};

/** OpenMetrics must end with `# EOF`; the text format has no such line. */
export function guessFormat(text: string): ExpositionFormat {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return body === '# EOF' || body.endsWith('\n# EOF') ? 'openmetrics' : 'text';
}

function usageError(io: CliIo, message: string): number {
  writeLine(io.stderr, `serve-medic metrics check: ${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** 1-based line and column (in code points) of byte `offset`, all bytes before it being valid UTF-8. */
function locateByte(bytes: Buffer, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = [...bytes.subarray(lineStart, offset).toString('utf8')].length + 1;
  return { line, column };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
