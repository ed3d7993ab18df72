import { MetricRun } from './metric-run.js';
import type { SampleLineReader } from './sample-line-reader.js';
import { metricSeriesKey, seriesKey } from './series-key.js';

/**
 * Every series of a text exposition, with the timestamp of its latest sample (NaN: none), to
 * reject duplicates. Keyed by the canonical series key, except the lines of a histogram or
 * summary: those are keyed by a number standing for their metric (the name and every label
 * but `le` or `quantile`) and that label's value, so a run of buckets builds and hashes one
 * long key instead of one per bucket. Hashing is the costliest step of a text parse.
 */
export class TextSeriesRegistry {
  private readonly latest = new Map<string, number>();
  private readonly metricIds = new Map<string, number>();
  private readonly run = new MetricRun();
  private runId = -1;

  constructor(private readonly input: string) {}

  /**
   * Records the series just read, with its label at index `varying` (-1: none) being its `le`
   * or `quantile`; returns the timestamp recorded for the series before (undefined: none).
   */
  record(line: SampleLineReader, varying: number, timestamp: number): number | undefined {
    let key: string;
    if (varying < 0) {
      key = seriesKey(this.input, line);
    } else {
      if (!this.run.continues(this.input, line, varying)) {
        const metric = metricSeriesKey(this.input, line, varying);
        let id = this.metricIds.get(metric);
        if (id === undefined) {
          id = this.metricIds.size;
          this.metricIds.set(metric, id);
        }
        this.runId = id;
      }
      // The leading NUL keeps these keys apart from series keys, which start with a name.
      key = `\u0000${this.runId}\u0000${line.values[varying]!}`;
    }
    const earlier = this.latest.get(key);
    this.latest.set(key, timestamp);
    return earlier;
  }
}
