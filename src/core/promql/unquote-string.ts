/**
 * PromQL string literals as Prometheus reads them (Go's strconv.Unquote, extended to single
 * quotes): backquoted strings are raw; "..." and '...' take Go escapes (\n \t \\ \xHH \NNN
 * \uHHHH \UHHHHHHHH), and only the delimiting quote may be escaped. Returns undefined on a bad
 * escape. Go's \x and octal escapes produce bytes; here they become the code point of that
 * byte, the same for ASCII.
 */
const SIMPLE: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

export function unquoteString(quoted: string): string | undefined {
  const quote = quoted[0];
  if (quoted.length < 2 || quoted[quoted.length - 1] !== quote) return undefined;
  const body = quoted.slice(1, -1);
  if (quote === '`') return body.includes('`') ? undefined : body;
  if (quote !== '"' && quote !== "'") return undefined;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === quote || c === '\n') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (SIMPLE[e] !== undefined) {
      out += SIMPLE[e];
    } else if (e === '"' || e === "'") {
      if (e !== quote) return undefined;
      out += e;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (e !== 'x' && (code > 0x10ffff || (code >= 0xd800 && code < 0xe000))) return undefined;
      out += String.fromCodePoint(code);
      i += len;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const code = parseInt(oct, 8);
      if (code > 255) return undefined;
      out += String.fromCharCode(code);
      i += 2;
    } else {
      return undefined;
    }
  }
  return out;
}
