import { PRINTF_VERBS, scanFormat } from './go-printf.js';
import type { Command, Operand, ParsedTemplate, Pipeline, TemplateProblem } from './template-ast.js';
import { TEMPLATE_FUNCTIONS } from './template-functions.js';

/**
 * Static checks Go would only make while rendering: argument counts, argument types that are
 * known before any alert exists ($value is a float64, label values are strings), and printf
 * formats written as constants. Returns the first problem, or null.
 */
type StaticType = 'string' | 'float64' | 'int' | 'map[string]string';

class Problem {
  constructor(readonly found: TemplateProblem) {}
}

function fail(index: number, message: string): never {
  throw new Problem({ index, message });
}

export function checkTemplate(template: ParsedTemplate): TemplateProblem | null {
  try {
    for (const node of template.nodes) if (node.kind === 'action') typeOfPipeline(node.pipeline);
    return null;
  } catch (err) {
    if (err instanceof Problem) return err.found;
    throw err;
  }
}

function typeOfPipeline(p: Pipeline): StaticType {
  let type: StaticType | undefined;
  for (const cmd of p.commands) type = typeOfCommand(cmd, type);
  return type!;
}

function describe(op: Operand, type: StaticType): string {
  return op.kind === 'string' || op.kind === 'number' ? `${type} ${op.text}` : `${type} (${op.text})`;
}

function typeOfCommand(cmd: Command, piped: StaticType | undefined): StaticType {
  const [first, ...rest] = cmd.args as [Operand, ...Operand[]];
  if (first.kind !== 'function') {
    if (rest.length > 0) fail(rest[0]!.pos, `can't give argument to non-function ${first.text}`);
    if (piped !== undefined) fail(first.pos, `can't give argument to non-function ${first.text}`);
    return typeOfOperand(first);
  }
  const fn = TEMPLATE_FUNCTIONS[first.name]!;
  const args: { op: Operand | null; type: StaticType }[] = rest.map((op) => ({ op, type: typeOfOperand(op) }));
  if (piped !== undefined) args.push({ op: null, type: piped });
  if (args.length < fn.minArgs || args.length > fn.maxArgs) {
    const want = fn.maxArgs === Infinity ? `at least ${fn.minArgs}` : String(fn.minArgs);
    fail(first.pos, `wrong number of args for ${first.name}: want ${want} got ${args.length}`);
  }
  const where = (a: { op: Operand | null; type: StaticType }) => (a.op ? describe(a.op, a.type) : `${a.type} (the piped value)`);
  if (fn.params === 'number') {
    for (const a of args) if (a.type === 'map[string]string') fail(a.op?.pos ?? first.pos, `${first.name} needs a number, got ${where(a)}`);
  } else if (fn.params === 'string') {
    for (const a of args) if (a.type !== 'string') fail(a.op?.pos ?? first.pos, `${first.name} needs a string, got ${where(a)}`);
  } else {
    const format = args[0]!;
    if (format.type !== 'string') fail(format.op?.pos ?? first.pos, `printf needs a format string first, got ${where(format)}`);
    if (format.op?.kind === 'string') checkFormat(format.op, args.slice(1), where);
  }
  return 'string';
}

function checkFormat(
  format: Extract<Operand, { kind: 'string' }>,
  args: readonly { op: Operand | null; type: StaticType }[],
  where: (a: { op: Operand | null; type: StaticType }) => string,
): void {
  // Offsets inside the format map to the template text only for plain literals (no escapes).
  const at = (i: number) => (format.text === `"${format.value}"` || format.text === `\`${format.value}\`` ? format.pos + 1 + i : format.pos);
  let n = 0;
  for (const spec of scanFormat(format.value)) {
    if (typeof spec === 'string' || spec.verb === '%') continue;
    if (spec.verb === '' || !PRINTF_VERBS.includes(spec.verb)) {
      fail(at(spec.index), `printf verb %${spec.verb} is not supported (use %s, %v, %q, %d, %f, %e or %g)`);
    }
    const arg = args[n++];
    if (!arg) fail(at(spec.index), `printf format has more verbs than arguments (%${spec.verb} has no argument)`);
    const numeric = 'fFeEgG'.includes(spec.verb);
    if (numeric && arg.type !== 'float64') {
      const hint = arg.type === 'string' ? '; use %s, or humanize to read a number from a string' : arg.type === 'int' ? '; write the constant with a decimal point' : '';
      fail(arg.op?.pos ?? at(spec.index), `printf %${spec.verb} needs a float64, got ${where(arg)}${hint}`);
    }
    if (spec.verb === 'd' && arg.type !== 'int') fail(arg.op?.pos ?? at(spec.index), `printf %d needs an integer, got ${where(arg)}; use %.0f for a float64`);
    if ((spec.verb === 's' || spec.verb === 'q') && arg.type !== 'string') {
      fail(arg.op?.pos ?? at(spec.index), `printf %${spec.verb} needs a string, got ${where(arg)}; use %v`);
    }
  }
  if (n < args.length) fail(format.pos, `printf format has ${n} verbs but ${args.length} arguments`);
}

function typeOfOperand(op: Operand): StaticType {
  switch (op.kind) {
    case 'string':
      return 'string';
    case 'number':
      return op.isFloat ? 'float64' : 'int';
    case 'data':
      if (op.root === 'value') return 'float64';
      return op.key === undefined ? 'map[string]string' : 'string';
    case 'pipeline':
      return typeOfPipeline(op.pipeline);
    case 'function': {
      const fn = TEMPLATE_FUNCTIONS[op.name]!;
      return fail(op.pos, `wrong number of args for ${op.name}: want ${fn.minArgs} got 0`);
    }
  }
}
