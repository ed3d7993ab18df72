export const HOLT_WINTERS = 'holt_winters';
export const SMOOTHING = 'double_exponential_smoothing';

/**
 * Prometheus 3 renamed holt_winters to double_exponential_smoothing and lezer-promql only
 * knows the new name, so the 2.42 name is swapped in before parsing (outside string literals)
 * and positions are mapped back for error messages.
 */
export function renameHoltWinters(input: string): { text: string; toOriginal: (offset: number) => number } {
  const starts: number[] = [];
  let text = '';
  let quote = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quote) {
      if (c === '\\' && quote !== '`') {
        text += c + (input[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (input.startsWith(HOLT_WINTERS, i) && !/[\w:]/.test(input[i - 1] ?? '') && /^\s*\(/.test(input.slice(i + HOLT_WINTERS.length))) {
      starts.push(text.length);
      text += SMOOTHING;
      i += HOLT_WINTERS.length - 1;
      continue;
    }
    text += c;
  }
  const grow = SMOOTHING.length - HOLT_WINTERS.length;
  const toOriginal = (offset: number): number => {
    let shift = 0;
    for (const start of starts) {
      if (offset >= start + SMOOTHING.length) shift += grow;
      else if (offset > start) return offset - shift - Math.min(offset - start, grow);
    }
    return offset - shift;
  };
  return { text, toOriginal };
}
