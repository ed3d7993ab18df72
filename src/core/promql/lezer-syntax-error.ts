import type { parser } from '@prometheus-io/lezer-promql';

/** Offset of the first error node lezer put into the tree, if any. */
export function firstErrorOffset(tree: ReturnType<typeof parser.parse>): number | undefined {
  let at: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (at !== undefined) return false;
      if (n.type.isError) {
        at = n.from;
        return false;
      }
      return undefined;
    },
  });
  return at;
}

/** "unexpected end of input" or `unexpected "<token>"` for the text at an error offset. */
export function describeUnexpected(input: string, offset: number): string {
  const rest = input.slice(offset).replace(/^\s+/, '');
  if (rest === '') return 'unexpected end of input';
  const token = /^([A-Za-z_:][\w:]*|\d[\w.]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[=!<>]=|=~|!~|\S)/.exec(rest);
  return `unexpected ${JSON.stringify(token ? token[0] : rest[0])}`;
}
