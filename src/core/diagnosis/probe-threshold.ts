/**
 * The threshold a probe compares against, read from its expression: the trailing
 * `<op> <number>` of an expression that is one comparison (`… > 10`, `… < 5`). Expressions
 * joined with and/or/unless have no single threshold: they confirm or not, with strength 1.
 *
 * The threshold only grades the evidence ("queued requests 340 (threshold > 10)" is stronger
 * than 11); whether the item is confirmed is decided by the probe returning a result.
 */
export interface ProbeThreshold {
  readonly op: '>' | '>=' | '<' | '<=' | '==' | '!=';
  readonly value: number;
}

const TRAILING = /(>=|<=|==|!=|>|<)\s*(?:bool\s+)?([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i;
const SET_OPERATOR = /\b(?:and|or|unless)\b/;

export function probeThreshold(expr: string): ProbeThreshold | undefined {
  // Label values and regexes may contain anything: look only outside quotes.
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  if (SET_OPERATOR.test(bare)) return undefined;
  const m = TRAILING.exec(bare.trim());
  if (!m) return undefined;
  return { op: m[1] as ProbeThreshold['op'], value: Number(m[2]) };
}

/**
 * How far past its threshold a value is, as a factor >= 1 (10 vs a threshold of 5 is 2; 2 vs a
 * "< 8" threshold is 4). Equality tests and missing thresholds are 1.
 */
export function exceedFactor(value: number, threshold: ProbeThreshold | undefined): number {
  if (!threshold || !Number.isFinite(value)) return 1;
  const { op, value: t } = threshold;
  let factor = 1;
  if ((op === '>' || op === '>=') && t > 0) factor = value / t;
  else if ((op === '<' || op === '<=') && value > 0) factor = t / value;
  else if ((op === '<' || op === '<=') && value <= 0 && t > 0) factor = 10;
  return Number.isFinite(factor) && factor > 1 ? factor : 1;
}
