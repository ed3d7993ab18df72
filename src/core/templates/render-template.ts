import type { Labels } from '../labels.js';
import { parseTemplate } from './parse-template.js';
import { commandText, type Command, type Operand, type ParsedTemplate, type Pipeline } from './template-ast.js';
import { TEMPLATE_FUNCTIONS } from './template-functions.js';
import { float, printValue, str, type TemplateValue } from './template-value.js';

/**
 * Renders alert templates the way Prometheus does. Rendering never throws: a failure (say,
 * humanize of a label that is not a number) becomes Prometheus's own error text,
 * "<error expanding template: …>", in place of the whole text, so one bad annotation never
 * stops an alert.
 */
export interface AlertTemplateData {
  /** The series' labels ($labels): in Prometheus these are the result labels, not the alert's. */
  readonly labels: Labels;
  readonly value: number;
  readonly externalLabels?: Labels;
}

/**
 * Prometheus prepends these definitions to every alert template; error positions on the first
 * line count them, so ours do too.
 */
const DEFS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

class ExecError {
  constructor(
    readonly command: Command,
    readonly message: string,
  ) {}
}

function evalOperand(op: Operand, data: AlertTemplateData): TemplateValue {
  switch (op.kind) {
    case 'string':
      return str(op.value);
    case 'number':
      return op.isFloat ? float(op.value) : { kind: 'int', value: op.value };
    case 'data': {
      if (op.root === 'value') return float(data.value);
      const map = (op.root === 'labels' ? data.labels : data.externalLabels) ?? {};
      // missingkey=zero on a map[string]string: a missing label is "".
      return op.key === undefined ? { kind: 'map', value: map } : str(map[op.key] ?? '');
    }
    case 'pipeline':
      return evalPipeline(op.pipeline, data);
    case 'function':
      return str(''); // rejected at parse time (a function as an argument)
  }
}

function evalCommand(cmd: Command, data: AlertTemplateData, piped: TemplateValue | undefined): TemplateValue {
  const [first, ...rest] = cmd.args as [Operand, ...Operand[]];
  if (first.kind !== 'function') return evalOperand(first, data);
  const args = rest.map((op) => evalOperand(op, data));
  if (piped !== undefined) args.push(piped);
  try {
    return TEMPLATE_FUNCTIONS[first.name]!.call(args);
  } catch (err) {
    throw new ExecError(cmd, `error calling ${first.name}: ${(err as Error).message}`);
  }
}

function evalPipeline(p: Pipeline, data: AlertTemplateData): TemplateValue {
  let value: TemplateValue | undefined;
  for (const cmd of p.commands) value = evalCommand(cmd, data, value);
  return value!;
}

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

/** Go's ErrorContext location: line, and the byte offset in that line (0-based). */
function location(source: string, pos: number): string {
  const before = DEFS + source.slice(0, pos);
  const lastNewline = before.lastIndexOf('\n');
  const line = 1 + (before.match(/\n/g)?.length ?? 0);
  return `${line}:${utf8Length(before.slice(lastNewline + 1))}`;
}

export function renderTemplate(template: ParsedTemplate, data: AlertTemplateData, name: string): string {
  let out = '';
  try {
    for (const node of template.nodes) out += node.kind === 'text' ? node.text : printValue(evalPipeline(node.pipeline, data));
    return out;
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    const where = `template: ${name}:${location(template.source, err.command.pos)}: executing "${name}" at <${commandText(err.command)}>`;
    return `<error expanding template: error executing template ${name}: ${where}: ${err.message}>`;
  }
}

const cache = new Map<string, ReturnType<typeof parseTemplate>>();

/**
 * Parses (once per distinct text) and renders. A text that does not parse renders as an error
 * text like Prometheus's; rule files are checked at load, so that only happens for templates
 * that never went through the loader.
 */
export function expandTemplate(text: string, data: AlertTemplateData, name: string): string {
  if (!text.includes('{{')) return text;
  let parsed = cache.get(text);
  if (!parsed) {
    if (cache.size >= 2000) cache.clear();
    parsed = parseTemplate(text);
    cache.set(text, parsed);
  }
  if (parsed.ok) return renderTemplate(parsed.template, data, name);
  return `<error expanding template: error parsing template ${name}: template: ${name}:${location(text, parsed.problem.index)}: ${parsed.problem.message}>`;
}

/** The template name Prometheus uses for an alert rule's labels and annotations. */
export function alertTemplateName(alert: string): string {
  return `__alert_${alert}`;
}
