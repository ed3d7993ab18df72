import { MetricRun } from './metric-run.js';
import type { SampleLineReader } from './sample-line-reader.js';
import { metricSeriesKey, seriesKey } from './series-key.js';

/**
 * Every series of a text exposition, with the timestamp of its latest sample (NaN: none), to
 * reject duplicates. Keyed by the canonical series key, except the lines of a histogram or
 * summary: those are filed under a number standing for their metric (the name and every
 * label but `le` or `quantile`), then keyed by that label's value alone, so a run of buckets
 * builds and hashes one long key instead of one per bucket. Hashing is the costliest step of
 * a text parse.
 */
export class TextSeriesRegistry {
  private readonly latest = new Map<string, number>();
  private readonly metricIds = new Map<string, number>();
  /** Per metric id: its series by `le` or `quantile` value (no key to build and hash). */
  private readonly byVarying: Map<string, number>[] = [];
  private readonly run = new MetricRun();
  private runId = -1;

  constructor(private readonly input: string) {}

  /**
   * Records the series just read, with its label at index `varying` (-1: none) being its `le`
   * or `quantile`; returns the timestamp recorded for the series before (undefined: none).
   */
  record(line: SampleLineReader, varying: number, timestamp: number): number | undefined {
    let map: Map<string, number>;
    let key: string;
    if (varying < 0) {
      map = this.latest;
      key = seriesKey(this.input, line);
    } else {
      if (!this.run.continues(this.input, line, varying)) {
        const metric = metricSeriesKey(this.input, line, varying);
        let id = this.metricIds.get(metric);
        if (id === undefined) {
          id = this.metricIds.size;
          this.metricIds.set(metric, id);
          this.byVarying.push(new Map());
        }
        this.runId = id;
      }
      map = this.byVarying[this.runId]!;
      key = line.values[varying]!;
    }
    const earlier = map.get(key);
    map.set(key, timestamp);
    return earlier;
  }
}
