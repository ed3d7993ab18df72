import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { renderBlocksAsText } from '../../core/slack-render/render-blocks-as-text.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';
import type { MessageSink } from './message-sink.js';

export interface ConsoleSinkOptions {
  readonly out: Pick<Writable, 'write'>;
  /** Where chart PNGs are written; default: a serve-medic-charts folder in the OS temp dir. */
  readonly chartDir?: string;
}

const BAR = '  │ ';

/**
 * Console mode (no SLACK_BOT_TOKEN): the same messages, printed as readable text. A parent
 * starts at the left margin; replies are indented under a bar and say which thread they belong
 * to, since replies of several threads interleave. Charts are written as PNG files.
 */
export function createConsoleSink(options: ConsoleSinkOptions): MessageSink {
  const titles = new Map<string, string>();
  let seq = 0;
  const chartDir = options.chartDir ?? join(tmpdir(), 'serve-medic-charts');
  const write = (lines: string[]) => options.out.write(`${lines.join('\n')}\n`);
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  const firstLine = (m: SlackMessage) => renderBlocksAsText(m)[0] ?? m.text;

  return {
    kind: 'console',
    async post(a) {
      const ts = nextTs();
      const body = renderBlocksAsText(a.message);
      if (a.threadTs === undefined) {
        titles.set(ts, firstLine(a.message));
        write(['', `━━ ${a.channel} · ${ts} ${'━'.repeat(20)}`, ...body]);
      } else {
        write([`${BAR}↳ reply in ${a.channel} thread "${titles.get(a.threadTs) ?? a.threadTs}"${a.broadcast ? ' (also sent to the channel)' : ''}`, ...body.map((l) => BAR + l)]);
      }
      return { channel: a.channel, ts };
    },
    async update(a) {
      titles.set(a.ts, firstLine(a.message));
      write(['', `━━ ${a.channel} · ${a.ts} (updated in place) ${'━'.repeat(6)}`, ...renderBlocksAsText(a.message)]);
    },
    async upload(f) {
      mkdirSync(chartDir, { recursive: true });
      const path = join(chartDir, f.filename);
      writeFileSync(path, f.data);
      write([`${BAR}↳ reply in ${f.channel} thread "${titles.get(f.threadTs) ?? f.threadTs}"`, `${BAR}📈 ${f.title}`, `${BAR}   chart: ${path}`]);
    },
    idle: async () => {},
    close: async () => {},
  };
}
