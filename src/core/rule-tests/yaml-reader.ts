import type { LineCounter, Node } from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';
import { parseDuration } from '../promql/parse-duration.js';

/**
 * Reads YAML nodes the way promtool's Go decoder (yaml.v2, strict) does, collecting every
 * problem with its position: unknown keys are errors, a number field accepts only plain YAML
 * numbers (`.inf`, `.nan`, `0x10` and `010` included, quoted strings not), a string field
 * takes any scalar's text, null leaves the zero value.
 */
export class YamlReader {
  readonly problems: string[] = [];

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  problem(node: Node | null | undefined, message: string): void {
    const at = node?.range ? this.lines.linePos(node.range[0]) : undefined;
    this.problems.push(at ? `${this.file}:${at.line}:${at.col}: ${message}` : `${this.file}: ${message}`);
  }

  line(node: Node | null | undefined): number {
    return node?.range ? this.lines.linePos(node.range[0]).line : 0;
  }

  /** The entries of a mapping with only the allowed keys; null → empty. */
  map(node: unknown, allowed: readonly string[], what: string): Map<string, Node | null> {
    const out = new Map<string, Node | null>();
    if (isNull(node)) return out;
    if (!isMap(node)) {
      this.problem(node as Node, `${what} must be a mapping`);
      return out;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) {
        this.problem(pair.key as Node, `field ${key} not found in ${what} (known: ${allowed.join(', ')})`);
        continue;
      }
      out.set(key, (pair.value as Node | null) ?? null);
    }
    return out;
  }

  seq(node: Node | null | undefined, what: string): (Node | null)[] {
    if (isNull(node)) return [];
    if (!isSeq(node)) {
      this.problem(node, `${what} must be a list`);
      return [];
    }
    return node.items as (Node | null)[];
  }

  string(node: Node | null | undefined, what: string): string {
    if (isNull(node)) return '';
    if (!isScalar(node)) {
      this.problem(node, `${what} must be a string`);
      return '';
    }
    return String(node.value);
  }

  number(node: Node | null | undefined, what: string): number {
    if (isNull(node)) return 0;
    if (!isScalar(node)) {
      this.problem(node, `${what} must be a number`);
      return 0;
    }
    const text = String(node.value);
    const value = node.type === 'PLAIN' ? yamlNumber(text) : undefined;
    if (value === undefined) {
      this.problem(node, `${what}: cannot read ${JSON.stringify(text)} as a number (YAML numbers only; write .inf, -.inf, .nan)`);
      return 0;
    }
    return value;
  }

  duration(node: Node | null | undefined, what: string): number {
    if (isNull(node)) return 0;
    const text = this.string(node, what);
    const ms = parseDuration(text);
    if (ms === undefined) {
      this.problem(node, `${what}: not a valid duration string: ${JSON.stringify(text)}`);
      return 0;
    }
    return ms;
  }

  stringMap(node: Node | null | undefined, what: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (isNull(node)) return out;
    if (!isMap(node)) {
      this.problem(node, `${what} must be a mapping`);
      return out;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      out[key] = this.string(pair.value as Node | null, `${what}.${key}`);
    }
    return out;
  }
}

function isNull(node: unknown): node is null | undefined {
  if (node === null || node === undefined) return true;
  if (!isScalar(node) || node.type !== 'PLAIN') return false;
  const v = String(node.value);
  return v === '' || v === '~' || v === 'null' || v === 'Null' || v === 'NULL';
}

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** yaml.v2's resolution of a plain scalar to a float64, or undefined when it is not a number. */
export function yamlNumber(text: string): number | undefined {
  switch (text) {
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return Infinity;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return -Infinity;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return NaN;
  }
  const plain = text.replace(/_/g, '');
  const int = /^([-+]?)(0[bB][01]+|0[oO]?[0-7]+|0[xX][0-9a-fA-F]+|0|[1-9][0-9]*)$/.exec(plain);
  if (int) {
    const body = int[2]!;
    let big: bigint;
    if (/^0[bB]/.test(body)) big = BigInt(body);
    else if (/^0[xX]/.test(body)) big = BigInt(body);
    else if (/^0[oO]/.test(body)) big = BigInt(body);
    else if (body.length > 1 && body.startsWith('0')) big = BigInt('0o' + body.slice(1));
    else big = BigInt(body);
    return Number(int[1] === '-' ? -big : big);
  }
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return undefined;
}
