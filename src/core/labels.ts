/** A label set. For series, the metric name is the `__name__` label, as in Prometheus. */
export type Labels = Readonly<Record<string, string>>;

export const METRIC_NAME = '__name__';

/**
 * A canonical string for a label set: names sorted, values JSON-quoted, so two equal label
 * sets always give the same key regardless of insertion order.
 */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (i > 0) out += ',';
    out += n + '=' + JSON.stringify(labels[n]);
  }
  return out + '}';
}

/** Prometheus-style rendering: `name{a="1",b="2"}`, name taken from `__name__`. */
export function formatSeries(labels: Labels): string {
  const name = labels[METRIC_NAME] ?? '';
  const rest = Object.keys(labels)
    .filter((n) => n !== METRIC_NAME)
    .sort()
    .map((n) => `${n}=${JSON.stringify(labels[n])}`);
  return rest.length === 0 ? name || '{}' : `${name}{${rest.join(', ')}}`;
}
