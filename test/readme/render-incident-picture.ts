/**
 * Renders the README's picture of an incident thread from the service's own output: runs
 * `serve-medic demo` (the production path on the simulator), takes the ServeQueueBuildingUp
 * thread as the console sink printed it and the chart PNG the service drew, and lays both out
 * in one image. Run: npx tsx test/readme/render-incident-picture.ts  (needs Redis)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { createLogger } from '../../src/log/create-logger.js';
import { runDemo } from '../../src/service/demo/run-demo.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const PICTURE = join(root, 'test/readme/incident-thread.png');

// DejaVu has no colour emoji: show the service's status emoji as symbols it does have.
const EMOJI: Record<string, string> = {
  '🟠': '●', '🔴': '●', '🔵': '○', '✅': '✔', '🩺': '✚', '🛠️': '⚒', '🔧': '⚙', '📉': '↘', '📈': '↗', '⚠️': '⚠', '🙅': '✖', '⏰': '⌚',
};

function tidy(line: string): string {
  let out = line;
  for (const [e, s] of Object.entries(EMOJI)) out = out.split(e).join(s);
  return out.replace(/(^|\s)_([^_\n]+)_(?=\s|$)/g, '$1$2').replace(/\*([^*\n]+)\*/g, '$1').replace(/`([^`\n]+)`/g, '$1');
}

interface Printed {
  /** Top-level message ts, or undefined for a reply. */
  readonly ts?: string;
  readonly updated: boolean;
  /** For a reply: the title of the thread's parent. */
  readonly thread?: string;
  readonly lines: string[];
}

/** Splits what the console sink printed into messages: parents, in-place updates, replies. */
function parsePrinted(text: string): Printed[] {
  const out: Printed[] = [];
  let current: Printed | undefined;
  for (const line of text.split('\n')) {
    const top = /^━━ #\S+ · (\S+)( \(updated in place\))?/.exec(line);
    const reply = /^ {2}│ ↳ reply in #\S+ thread "(.*)"$/.exec(line);
    if (top) out.push((current = { ts: top[1]!, updated: Boolean(top[2]), lines: [] }));
    else if (reply) out.push((current = { updated: false, thread: reply[1]!, lines: [] }));
    else if (line.startsWith('▶') || line.startsWith('That was')) current = undefined;
    else if (current && line.trim() !== '') current.lines.push(line.replace(/^ {2}│ ?/, ''));
  }
  return out;
}

/**
 * One thread as it reads at the end: the parent as last updated, then its replies in order,
 * each (the proposal) as last updated.
 */
function threadOf(printed: Printed[], alert: string): { parent: string[]; replies: string[][] } {
  const parentTs = printed.find((p) => p.ts && !p.updated && p.lines[0]?.includes(alert))?.ts;
  const parent = printed.filter((p) => p.ts === parentTs).at(-1)?.lines ?? [];
  const replies: string[][] = [];
  for (const p of printed) {
    if (p.thread?.includes(alert)) replies.push(p.lines);
    else if (p.ts && p.updated && p.ts !== parentTs && p.lines[0]?.includes('Proposed fix')) {
      const i = replies.findIndex((r) => r[0]?.includes('Proposed fix'));
      if (i >= 0) replies[i] = p.lines;
    }
  }
  return { parent, replies };
}

export async function renderIncidentPicture(redisUrl?: string): Promise<Buffer> {
  let text = '';
  await runDemo({
    out: { write: (s: string) => (text += s) },
    logger: createLogger({ level: 'silent' }),
    ...(redisUrl ? { redisUrl } : {}),
    rulesPaths: [join(root, 'rules')],
    speed: 1000,
  });
  const thread = threadOf(parsePrinted(text), 'ServeQueueBuildingUp');
  const lines = [
    ...thread.parent.map((l) => tidy(l)),
    '',
    ...thread.replies.flatMap((r) => [...r.map((l) => `  │ ${tidy(l)}`), '  │']),
  ];
  const chartPath = /chart: (\S*ServeQueueBuildingUp\S*\.png)/.exec(text)?.[1];
  const require = createRequire(import.meta.url);
  const fonts = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  GlobalFonts.registerFromPath(join(fonts, 'DejaVuSans.ttf'), 'Readme Sans');
  GlobalFonts.registerFromPath(join(fonts, 'DejaVuSans-Bold.ttf'), 'Readme Sans');
  const lineHeight = 19;
  const width = 1500;
  const textWidth = 860;
  const height = Math.max(lines.length * lineHeight + 60, 700);
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#1d1c1d';
  let y = 36;
  for (const l of lines) {
    const reply = l.startsWith('  │');
    const header = l.startsWith('━━');
    g.font = header ? 'bold 14px "Readme Sans"' : '14px "Readme Sans"';
    g.fillStyle = header ? '#616061' : '#1d1c1d';
    const x = reply ? 48 : 24;
    if (reply) {
      g.fillStyle = '#e8e8e8';
      g.fillRect(34, y - 14, 3, lineHeight);
      g.fillStyle = '#1d1c1d';
    }
    let shown = reply ? l.replace(/^ {2}│ ?/, '') : l;
    while (g.measureText(shown).width > textWidth - x && shown.length > 10) shown = shown.slice(0, -2);
    if (shown !== (reply ? l.replace(/^ {2}│ ?/, '') : l)) shown += '…';
    g.fillText(shown, x, y);
    y += lineHeight;
  }
  if (chartPath) {
    const chart = await loadImage(readFileSync(chartPath));
    const w = width - textWidth - 40;
    const h = (chart.height / chart.width) * w;
    g.drawImage(chart, textWidth + 20, 40, w, h);
    g.font = '13px "Readme Sans"';
    g.fillStyle = '#616061';
    g.fillText('The chart serve-medic uploaded into the thread', textWidth + 20, 30);
  }
  return canvas.toBuffer('image/png');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(PICTURE, await renderIncidentPicture(process.env.REDIS_URL));
  console.log(`wrote ${PICTURE}`);
}
