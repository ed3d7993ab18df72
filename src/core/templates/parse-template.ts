import { checkTemplate } from './check-template.js';
import { lexAction, problem, type Token } from './lex-action.js';
import { pipelineText, type Command, type Operand, type ParsedTemplate, type Pipeline, type TemplateNode, type TemplateProblem } from './template-ast.js';
import { SUPPORTED_SUMMARY, TEMPLATE_FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './template-functions.js';

/**
 * Parses an alert template (a label value, an annotation, a diagnose probe expression) in the
 * Go text/template subset serve-medic renders, and checks it: every function known, every
 * argument count right, every field one the alert data has. Anything else is a problem with
 * the character index where it starts, so rule files fail at load time, not at 3 a.m.
 */
export type ParseTemplateResult =
  | { readonly ok: true; readonly template: ParsedTemplate }
  | { readonly ok: false; readonly problem: TemplateProblem };

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);
const TRIM = /[ \t\r\n]+$/;

export function parseTemplate(text: string): ParseTemplateResult {
  try {
    const nodes = parseNodes(text);
    const template: ParsedTemplate = { source: text, nodes };
    const found = checkTemplate(template);
    return found ? { ok: false, problem: found } : { ok: true, template };
  } catch (err) {
    if (isProblem(err)) return { ok: false, problem: err };
    throw err;
  }
}

function isProblem(err: unknown): err is TemplateProblem {
  return typeof err === 'object' && err !== null && 'index' in err && 'message' in err && !(err instanceof Error);
}

function parseNodes(text: string): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  let i = 0;
  let trimNext = false;
  const pushText = (t: string) => {
    if (t) nodes.push({ kind: 'text', text: t });
  };
  while (i <= text.length) {
    const open = text.indexOf('{{', i);
    let chunk = text.slice(i, open < 0 ? text.length : open);
    if (trimNext) chunk = chunk.replace(/^[ \t\r\n]+/, '');
    if (open < 0) {
      pushText(chunk);
      break;
    }
    let p = open + 2;
    // "{{- " trims the whitespace before the action; "{{-3}}" is the number -3.
    if (text[p] === '-' && /[ \t\r\n]/.test(text[p + 1] ?? '')) {
      chunk = chunk.replace(TRIM, '');
      p += 2;
    }
    pushText(chunk);
    if (text.startsWith('/*', p)) {
      const close = text.indexOf('*/', p + 2);
      if (close < 0) throw problem(open, 'unclosed comment');
      const after = close + 2;
      if (text.startsWith(' -}}', after)) {
        i = after + 4;
        trimNext = true;
      } else if (text.startsWith('}}', after)) {
        i = after + 2;
        trimNext = false;
      } else {
        throw problem(after, 'comment ends before closing delimiter');
      }
      continue;
    }
    const lexed = lexAction(text, p, open);
    const parser = new TokenParser(lexed.tokens, open);
    const pipeline = parser.pipeline(null);
    nodes.push({ kind: 'action', pipeline });
    i = lexed.end;
    trimNext = lexed.trimRight;
  }
  return nodes;
}

class TokenParser {
  private at = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly open: number,
  ) {}

  /** A pipeline up to the end of the action, or up to the `)` that closes a parenthesis. */
  pipeline(closeParen: Token | null): Pipeline {
    const commands: Command[] = [];
    const startPos = this.tokens[this.at]?.pos ?? this.open;
    for (;;) {
      commands.push(this.command());
      const next = this.tokens[this.at];
      if (next?.t === '|') {
        this.at++;
        continue;
      }
      if (closeParen) {
        if (next?.t !== ')') throw problem(closeParen.pos, 'unclosed left paren');
        this.at++;
      } else if (next) {
        throw problem(next.pos, `unexpected ${JSON.stringify(next.text)} in operand`);
      }
      return { commands, pos: startPos };
    }
  }

  private command(): Command {
    const args: Operand[] = [];
    const pos = this.tokens[this.at]?.pos ?? this.open;
    for (let tok = this.tokens[this.at]; tok && tok.t !== '|' && tok.t !== ')'; tok = this.tokens[this.at]) {
      this.at++;
      args.push(this.operand(tok));
    }
    if (args.length === 0) throw problem(this.tokens[this.at]?.pos ?? this.open, 'missing value for command');
    return { args, pos };
  }

  private operand(tok: Token): Operand {
    switch (tok.t) {
      case 'string':
        return { kind: 'string', value: tok.value, pos: tok.pos, text: tok.text };
      case 'number':
        return { kind: 'number', value: tok.value, isFloat: tok.isFloat, pos: tok.pos, text: tok.text };
      case '(': {
        const inner = this.pipeline(tok);
        return { kind: 'pipeline', pipeline: inner, pos: tok.pos, text: `(${pipelineText(inner)})` };
      }
      case 'ident':
        if (KEYWORDS.has(tok.name)) throw problem(tok.pos, `"${tok.name}" is not supported in serve-medic templates (${SUPPORTED_SUMMARY})`);
        if (TEMPLATE_FUNCTIONS[tok.name]) return { kind: 'function', name: tok.name, pos: tok.pos, text: tok.text };
        if (UNSUPPORTED_FUNCTIONS.has(tok.name)) {
          throw problem(tok.pos, `function "${tok.name}" is not supported in serve-medic templates (${SUPPORTED_SUMMARY})`);
        }
        throw problem(tok.pos, `function "${tok.name}" not defined (${SUPPORTED_SUMMARY})`);
      case 'var':
        return dataOperand(tok, variableRoot(tok), tok.fields);
      case 'field': {
        const [root, ...rest] = tok.fields;
        const roots: Record<string, 'labels' | 'value' | 'externalLabels'> = { Labels: 'labels', Value: 'value', ExternalLabels: 'externalLabels' };
        const mapped = root === undefined ? undefined : roots[root];
        if (!mapped) {
          const what = root === undefined ? '"." (the whole template data)' : `field ".${root}"`;
          throw problem(tok.pos, `${what} is not supported in serve-medic templates (${SUPPORTED_SUMMARY})`);
        }
        return dataOperand(tok, mapped, rest);
      }
      default:
        throw problem(tok.pos, `unexpected ${JSON.stringify(tok.text)} in operand`);
    }
  }
}

function variableRoot(tok: Extract<Token, { t: 'var' }>): 'labels' | 'value' | 'externalLabels' {
  switch (tok.name) {
    case '$labels':
      return 'labels';
    case '$value':
      return 'value';
    case '$externalLabels':
      return 'externalLabels';
    case '$':
    case '$externalURL':
      throw problem(tok.pos, `"${tok.name}" is not supported in serve-medic templates (${SUPPORTED_SUMMARY})`);
    default:
      throw problem(tok.pos, `undefined variable "${tok.name}"`);
  }
}

function dataOperand(tok: Token, root: 'labels' | 'value' | 'externalLabels', fields: readonly string[]): Operand {
  if (root === 'value' && fields.length > 0) throw problem(tok.pos, `can't evaluate field ${fields[0]} in type float64`);
  if (fields.length > 1) throw problem(tok.pos, `can't evaluate field ${fields[1]} in type string`);
  const key = fields[0];
  return key === undefined ? { kind: 'data', root, pos: tok.pos, text: tok.text } : { kind: 'data', root, key, pos: tok.pos, text: tok.text };
}
