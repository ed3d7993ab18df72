import type { ExpositionError } from './exposition-error.js';
import { expositionErrorAt, quoteToken } from './exposition-error.js';
import type { OpenMetricsMetadataLine, OpenMetricsType } from './read-openmetrics-metadata.js';
import type { MetricMetadata } from './types.js';

/** What a sample is within its family, from its name's suffix. */
export type SampleKind = 'value' | 'total' | 'created' | 'bucket' | 'count' | 'sum' | 'gcount' | 'gsum' | 'info';

/** The sample-name suffixes of each OpenMetrics type, as the specification lists them. */
const SUFFIXES: Readonly<Record<OpenMetricsType, readonly (readonly [string, SampleKind])[]>> = {
  counter: [['_total', 'total'], ['_created', 'created']],
  gauge: [['', 'value']],
  unknown: [['', 'value']],
  stateset: [['', 'value']],
  info: [['_info', 'info']],
  histogram: [['_bucket', 'bucket'], ['_count', 'count'], ['_sum', 'sum'], ['_created', 'created']],
  gaugehistogram: [['_bucket', 'bucket'], ['_gcount', 'gcount'], ['_gsum', 'gsum']],
  summary: [['', 'value'], ['_count', 'count'], ['_sum', 'sum'], ['_created', 'created']],
};

export interface OpenMetricsFamily {
  readonly name: string;
  type: OpenMetricsType;
  /** Sample name to kind, for the current type. */
  kinds: Map<string, SampleKind>;
  sawType: boolean;
  sawHelp: boolean;
  sawUnit: boolean;
  help: string;
  unit: string;
  unitStart: number;
  hasSamples: boolean;
}

/**
 * The metric families of one OpenMetrics exposition, in order, and the rules that tie samples
 * and metadata to them: a family is one contiguous run of metadata then samples, so a name
 * seen before can never start a family again; metadata comes once each and before the
 * samples; no family may own a sample name another family could produce (a counter `foo`
 * owns `foo_total` and `foo_created`, so a gauge `foo_created` clashes with it).
 */
export class OpenMetricsFamilies {
  current: OpenMetricsFamily | undefined;
  private readonly all = new Map<string, OpenMetricsFamily>();
  /** Every sample name some family may produce, with that family. */
  private readonly owners = new Map<string, OpenMetricsFamily>();

  constructor(private readonly input: string) {}

  /** Applies a metadata line; returns true when it started a new family. */
  applyMetadata(meta: OpenMetricsMetadataLine): boolean {
    let family = this.current;
    const isNew = family === undefined || family.name !== meta.name;
    if (isNew) family = this.open(meta.name, meta.nameStart);
    else if (family!.hasSamples) {
      throw this.fail(meta.nameStart, `# ${meta.keyword} for ${quoteToken(meta.name)} after its samples: metadata must come first`);
    }
    const f = family!;
    if (meta.keyword === 'TYPE') {
      if (f.sawType) throw this.fail(meta.nameStart, `second # TYPE line for ${quoteToken(meta.name)}`);
      f.sawType = true;
      this.setType(f, meta.type, meta.nameStart);
    } else if (meta.keyword === 'HELP') {
      if (f.sawHelp) throw this.fail(meta.nameStart, `second # HELP line for ${quoteToken(meta.name)}`);
      f.sawHelp = true;
      f.help = meta.help;
    } else {
      if (f.sawUnit) throw this.fail(meta.nameStart, `second # UNIT line for ${quoteToken(meta.name)}`);
      f.sawUnit = true;
      f.unit = meta.unit;
      f.unitStart = meta.unitStart;
      if (meta.unit !== '' && !meta.name.endsWith('_' + meta.unit)) {
        throw this.fail(meta.unitStart, `metric name ${quoteToken(meta.name)} must end with "_${meta.unit}", its unit`);
      }
    }
    this.checkUnitAllowed(f);
    return isNew;
  }

  /**
   * The family of a sample named `name`, and what the sample is in it: the current family when
   * the name fits it, otherwise a new family of type unknown (the previous one has ended).
   */
  familyOfSample(name: string, at: number): { family: OpenMetricsFamily; kind: SampleKind; isNew: boolean } {
    const current = this.current;
    const kind = current?.kinds.get(name);
    if (current && kind !== undefined) return { family: current, kind, isNew: false };
    if (current && name === current.name) {
      const expected = [...current.kinds.keys()].join(', ');
      throw this.fail(at, `sample name ${quoteToken(name)} does not fit ${current.type} ${quoteToken(current.name)}: expected ${expected}`);
    }
    const family = this.open(name, at);
    return { family, kind: 'value', isNew: true };
  }

  /** Metadata of every family, in exposition order (empty HELP and UNIT count as absent). */
  metadata(): Map<string, MetricMetadata> {
    const out = new Map<string, MetricMetadata>();
    for (const f of this.all.values()) {
      const entry: { name: string; type: OpenMetricsType; help?: string; unit?: string } = { name: f.name, type: f.type };
      if (f.help !== '') entry.help = f.help;
      if (f.unit !== '') entry.unit = f.unit;
      out.set(f.name, entry);
    }
    return out;
  }

  private open(name: string, at: number): OpenMetricsFamily {
    const earlier = this.owners.get(name);
    if (earlier) {
      throw this.fail(
        at,
        earlier.name === name
          ? `metric family ${quoteToken(name)} appears again: a family's metadata and samples must be contiguous`
          : `${quoteToken(name)} belongs to metric family ${quoteToken(earlier.name)}, which ended earlier (families must not be interleaved)`,
      );
    }
    const family: OpenMetricsFamily = {
      name,
      type: 'unknown',
      kinds: new Map(),
      sawType: false,
      sawHelp: false,
      sawUnit: false,
      help: '',
      unit: '',
      unitStart: at,
      hasSamples: false,
    };
    this.all.set(name, family);
    this.setType(family, 'unknown', at);
    this.current = family;
    return family;
  }

  private setType(family: OpenMetricsFamily, type: OpenMetricsType, at: number): void {
    family.type = type;
    family.kinds = new Map(SUFFIXES[type].map(([suffix, kind]) => [family.name + suffix, kind]));
    for (const sampleName of family.kinds.keys()) {
      const owner = this.owners.get(sampleName);
      if (owner && owner !== family) {
        throw this.fail(
          at,
          `${type} ${quoteToken(family.name)} would have samples named ${quoteToken(sampleName)}, which clashes with metric family ${quoteToken(owner.name)}`,
        );
      }
      this.owners.set(sampleName, family);
    }
  }

  private checkUnitAllowed(family: OpenMetricsFamily): void {
    if (family.unit !== '' && (family.type === 'info' || family.type === 'stateset')) {
      throw this.fail(family.unitStart, `${family.type} ${quoteToken(family.name)} must not have a unit`);
    }
  }

  private fail(offset: number, message: string): ExpositionError {
    return expositionErrorAt(this.input, offset, message);
  }
}
