import type { Scalar } from 'yaml';

/**
 * Maps a character index inside a YAML scalar's value back to its offset in the file, so an
 * error at column 17 of a PromQL expression or a template points at the right place even when
 * the expression is quoted or written as a block scalar (`expr: |`). The mapping is rebuilt
 * from the source and checked against the value the YAML parser produced; when they disagree
 * (exotic escapes, explicit indentation indicators) it falls back to the start of the value.
 */
interface Mapped {
  readonly value: string;
  /** offsets[i] is the offset (relative to the scalar's start) of value[i]. */
  readonly offsets: readonly number[];
  /** Just after the last source character of the value (where "end of input" points). */
  readonly end: number;
}

interface Line {
  readonly text: string;
  readonly start: number;
}

function splitLines(raw: string, from: number): Line[] {
  const lines: Line[] = [];
  let start = from;
  for (;;) {
    const nl = raw.indexOf('\n', start);
    if (nl < 0) {
      lines.push({ text: raw.slice(start), start });
      return lines;
    }
    lines.push({ text: raw.slice(start, nl).replace(/\r$/, ''), start });
    start = nl + 1;
  }
}

/** Flow scalars: line breaks fold to a space, k empty lines to k newlines; edges trimmed. */
function foldFlow(lines: readonly Line[], unescape: (text: string, start: number, out: { v: string; o: number[] }) => void): Mapped {
  const out = { v: '', o: [] as number[] };
  let empties = 0;
  let end = lines[0]?.start ?? 0;
  lines.forEach((line, i) => {
    const lead = i === 0 ? 0 : line.text.length - line.text.trimStart().length;
    const text = i === lines.length - 1 ? line.text.slice(lead) : line.text.slice(lead).trimEnd();
    if (i > 0 && text === '' && i < lines.length - 1) {
      empties++;
      return;
    }
    if (i > 0) {
      const sep = empties > 0 ? '\n'.repeat(empties) : ' ';
      for (const ch of sep) {
        out.v += ch;
        out.o.push(line.start);
      }
      empties = 0;
    }
    unescape(text, line.start + lead, out);
    end = line.start + lead + text.length;
  });
  return { value: out.v, offsets: out.o, end };
}

function plainChars(text: string, start: number, out: { v: string; o: number[] }): void {
  for (let i = 0; i < text.length; i++) {
    out.v += text[i];
    out.o.push(start + i);
  }
}

function singleQuoted(text: string, start: number, out: { v: string; o: number[] }): void {
  for (let i = 0; i < text.length; i++) {
    out.v += text[i];
    out.o.push(start + i);
    if (text[i] === "'" && text[i + 1] === "'") i++;
  }
}

const DQ_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', ' ': ' ' };

function doubleQuoted(text: string, start: number, out: { v: string; o: number[] }): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      out.v += ch;
      out.o.push(start + i);
      continue;
    }
    const e = text[i + 1] ?? '';
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hex > 0) {
      out.v += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + hex), 16) || 0);
      out.o.push(start + i);
      i += 1 + hex;
    } else {
      out.v += DQ_ESCAPES[e] ?? e;
      out.o.push(start + i);
      i++;
    }
  }
}

/** Block scalars: the header line, then lines indented by the first content line's indent. */
function mapBlock(raw: string, folded: boolean): Mapped | null {
  const headerEnd = raw.indexOf('\n');
  if (headerEnd < 0 || /\d/.test(raw.slice(0, headerEnd).replace(/#.*/, ''))) return null;
  const lines = splitLines(raw, headerEnd + 1);
  const first = lines.find((l) => l.text.trim() !== '');
  if (!first) return { value: '', offsets: [], end: headerEnd + 1 };
  const indent = first.text.length - first.text.trimStart().length;
  let v = '';
  const o: number[] = [];
  let prevNormal = false;
  let empties = 0;
  let seenContent = false;
  let end = first.start + indent;
  for (const line of lines) {
    const content = line.text.slice(indent);
    if (line.text.trim() === '') {
      empties++;
      continue;
    }
    const normal = !/^[ \t]/.test(content);
    if (seenContent) {
      const sep = folded && prevNormal && normal ? (empties > 0 ? '\n'.repeat(empties) : ' ') : '\n'.repeat(empties + 1);
      for (const ch of sep) {
        v += ch;
        o.push(line.start);
      }
    } else {
      for (let k = 0; k < empties; k++) {
        v += '\n';
        o.push(line.start);
      }
    }
    for (let i = 0; i < content.length; i++) {
      v += content[i];
      o.push(line.start + indent + i);
    }
    empties = 0;
    prevNormal = normal;
    seenContent = true;
    end = line.start + indent + content.length;
  }
  return { value: v, offsets: o, end };
}

function mapScalar(raw: string, type: Scalar['type']): Mapped | null {
  switch (type) {
    case 'BLOCK_LITERAL':
      return mapBlock(raw, false);
    case 'BLOCK_FOLDED':
      return mapBlock(raw, true);
    case 'QUOTE_SINGLE':
      return foldFlow(splitLines(raw.slice(0, -1), 1), singleQuoted);
    case 'QUOTE_DOUBLE':
      return foldFlow(splitLines(raw.slice(0, -1), 1), doubleQuoted);
    default:
      return foldFlow(splitLines(raw, 0), plainChars);
  }
}

/** The file offset of value[index] for a scalar node parsed from `source`. */
export function scalarOffset(source: string, node: Scalar, index: number): number {
  const [start, end] = node.range ?? [0, 0];
  const raw = source.slice(start, end);
  const mapped = mapScalar(raw, node.type);
  const strip = (s: string) => s.replace(/\n+$/, '');
  if (mapped && strip(mapped.value) === strip(String(node.value))) {
    // An index past the end (a parser's "unexpected end of input") points just after the value.
    const rel = index >= mapped.offsets.length ? mapped.end : mapped.offsets[Math.max(0, index)];
    if (rel !== undefined) return start + rel;
  }
  // Fallback: the first content line of a block scalar, or the scalar itself.
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const nl = raw.indexOf('\n');
    if (nl >= 0) return start + nl + 1 + (raw.slice(nl + 1).length - raw.slice(nl + 1).trimStart().length);
  }
  return start;
}
