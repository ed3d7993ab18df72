import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from 'yaml';
import { scalarOffset } from './scalar-positions.js';

/**
 * One YAML file being validated: its nodes, their positions, and the problems found so far.
 * Every problem is `file:line:col: message` with 1-based line and column, like promtool.
 */
export type YamlPath = readonly (string | number)[];

export interface FileProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export function formatProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

export function sortProblems(problems: readonly FileProblem[]): FileProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

export class YamlFile {
  readonly doc: Document.Parsed;
  readonly problems: FileProblem[] = [];
  private readonly lineCounter = new LineCounter();

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
    for (const e of this.doc.errors) this.addAt(e.pos[0], e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
  }

  get hasSyntaxErrors(): boolean {
    return this.doc.errors.length > 0;
  }

  addAt(offset: number, message: string): void {
    const { line, col } = this.lineCounter.linePos(offset);
    this.problems.push({ file: this.file, line, col, message });
  }

  /** The node at `path`, or the deepest node on the way to it. */
  node(path: YamlPath): Node | null {
    let node: unknown = this.doc.contents;
    for (const key of path) {
      const next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
      if (next === undefined || next === null) break;
      node = next;
    }
    return (node as Node | null) ?? null;
  }

  /** The key node of the last element of `path` (for "unknown key" and duplicate names). */
  keyNode(path: YamlPath): Node | null {
    const parent = this.node(path.slice(0, -1));
    const last = path[path.length - 1];
    if (isMap(parent)) {
      for (const pair of parent.items) if (isScalar(pair.key) && pair.key.value === last) return pair.key;
    }
    return this.node(path);
  }

  private startOf(node: Node | null): number {
    return node?.range?.[0] ?? 0;
  }

  /** A problem at the value at `path` (or the deepest existing node on the way). */
  add(path: YamlPath, message: string): void {
    this.addAt(this.startOf(this.node(path)), message);
  }

  addAtKey(path: YamlPath, message: string): void {
    this.addAt(this.startOf(this.keyNode(path)), message);
  }

  /** A problem at character `index` of the string value at `path` (a PromQL or template column). */
  addInValue(path: YamlPath, index: number, message: string): void {
    const node = this.node(path);
    if (isScalar(node)) this.addAt(scalarOffset(this.text, node as Scalar, index), message);
    else this.addAt(this.startOf(node), message);
  }

  /** "file:line" of the node at path, for AlertRule.source. */
  where(path: YamlPath): string {
    const { line } = this.lineCounter.linePos(this.startOf(this.node(path)));
    return `${this.file}:${line}`;
  }
}
