/**
 * The parsed form of an alert template: Go text/template syntax, restricted to what alert
 * rules use. Positions are character indexes into the template text.
 */
export type DataRoot = 'labels' | 'value' | 'externalLabels';

export type Operand =
  | { readonly kind: 'string'; readonly value: string; readonly pos: number; readonly text: string }
  | { readonly kind: 'number'; readonly value: number; readonly isFloat: boolean; readonly pos: number; readonly text: string }
  | { readonly kind: 'function'; readonly name: string; readonly pos: number; readonly text: string }
  /** $labels, $labels.NAME, $value, $externalLabels.NAME and their .Labels/.Value forms. */
  | { readonly kind: 'data'; readonly root: DataRoot; readonly key?: string; readonly pos: number; readonly text: string }
  | { readonly kind: 'pipeline'; readonly pipeline: Pipeline; readonly pos: number; readonly text: string };

/** One command of a pipeline: a function and its arguments, or a single operand. */
export interface Command {
  readonly args: readonly Operand[];
  readonly pos: number;
}

export interface Pipeline {
  readonly commands: readonly Command[];
  readonly pos: number;
}

export type TemplateNode = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'action'; readonly pipeline: Pipeline };

export interface ParsedTemplate {
  readonly source: string;
  readonly nodes: readonly TemplateNode[];
}

/** A load-time problem: `index` is the character index in the template text. */
export interface TemplateProblem {
  readonly index: number;
  readonly message: string;
}

/** Go's String() of a command, as Prometheus shows it in "at <…>" of an error. */
export function commandText(cmd: Command): string {
  return cmd.args.map((a) => a.text).join(' ');
}

export function pipelineText(p: Pipeline): string {
  return p.commands.map(commandText).join(' | ');
}
