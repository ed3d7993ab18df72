/**
 * Splits slash-command text into tokens on whitespace outside quotes. Slack sends `&`, `<`, `>`
 * HTML-escaped, and phones turn straight quotes into curly ones, so both are undone first.
 */
export function normalizeCommandText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/\u00A0/g, ' ')
    .trim();
}

export function tokenize(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      cur += c;
      if (c === '\\' && i + 1 < text.length) cur += text[++i]!;
      else if (c === quote) quote = null;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      if (c === '"' || c === "'") quote = c;
      cur += c;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}
