import { describe, expect, it } from 'vitest';
import { lastLine } from '../../src/core/diagnosis/check-config.js';
import { formatValue, probeStrength } from '../../src/core/diagnosis/collect-probe-evidence.js';
import { exceedFactor, probeThreshold } from '../../src/core/diagnosis/probe-threshold.js';
import { selectProbes } from '../../src/core/diagnosis/select-probes.js';
import { seriesScope } from '../../src/core/diagnosis/series-scope.js';
import { shippedRules } from './diagnosis-fixtures.js';

describe('probe thresholds', () => {
  it('reads the trailing comparison of a single-comparison expression', () => {
    expect(probeThreshold('sum by (application) (x{a="1"}) > 10')).toEqual({ op: '>', value: 10 });
    expect(probeThreshold('max(avg_over_time(g[10m])) < 5\n')).toEqual({ op: '<', value: 5 });
    expect(probeThreshold('a / b > 0.01')).toEqual({ op: '>', value: 0.01 });
    expect(probeThreshold('x == bool 3')).toEqual({ op: '==', value: 3 });
  });

  it('has no threshold for expressions joined with and/or/unless, or none at the end', () => {
    expect(probeThreshold('a > 0 and on(x) b == 0')).toBeUndefined();
    expect(probeThreshold('a unless b')).toBeUndefined();
    expect(probeThreshold('a >= on(x) (b + 1)')).toBeUndefined();
    // Words inside label values do not count.
    expect(probeThreshold('x{route="/and/or"} > 2')).toEqual({ op: '>', value: 2 });
  });

  it('grades how far past the threshold a value is', () => {
    expect(exceedFactor(340, { op: '>', value: 10 })).toBe(34);
    expect(exceedFactor(1, { op: '<', value: 5 })).toBe(5);
    expect(exceedFactor(3, { op: '==', value: 3 })).toBe(1);
    expect(exceedFactor(7, undefined)).toBe(1);
    expect(probeStrength(1)).toBe(10);
    expect(probeStrength(10)).toBe(20);
    expect(probeStrength(1e6)).toBe(30);
  });

  it('formats values as people read them', () => {
    expect(formatValue(340)).toBe('340');
    expect(formatValue(8.7)).toBe('8.7');
    expect(formatValue(3694.28)).toBe('3694');
    expect(formatValue(0.512, true)).toBe('51.2%');
    expect(formatValue(1.25)).toBe('1.25');
  });
});

describe('series scope', () => {
  it('reads application and deployment from Serve labels or from Ray component names', () => {
    expect(seriesScope({ application: 'a', deployment: 'D', WorkerId: 'w' })).toEqual({ application: 'a', deployment: 'D' });
    expect(seriesScope({ Component: 'ray::ServeReplica:text_ml:Summarizer.initialize_and_get_metadata', ip: '10.0.0.1' })).toEqual({
      application: 'text_ml',
      deployment: 'Summarizer',
      where: 'node 10.0.0.1',
    });
    expect(seriesScope({ ip: '10.0.0.1', GpuIndex: '0' })).toEqual({ where: 'GPU 0 on 10.0.0.1' });
  });
});

describe('status messages', () => {
  it('keeps the line of a Python traceback that says what is wrong', () => {
    const message = [
      'Traceback (most recent call last):',
      '  File "x.py", line 1, in f',
      '    validated_self = self.__pydantic_validator__.validate_python(data, self_instance=self)',
      '                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      'autoscaling_config',
      "  Value error, max_replicas (2) must be greater than or equal to min_replicas (5)! [type=value_error, input_value={'min_replicas': 5}, input_type=dict]",
      '    For further information visit https://errors.pydantic.dev/2.13/v/value_error',
      '',
    ].join('\n');
    expect(lastLine(message)).toBe('Value error, max_replicas (2) must be greater than or equal to min_replicas (5)!');
  });
});

describe('probe selection', () => {
  it("runs the alert rule's probes, those of rules sharing an item, and those of its group, each once", async () => {
    const { groups } = await shippedRules();
    const sel = selectProbes(groups, 'ServeQueueBuildingUp');
    expect(sel.triggering?.alert).toBe('ServeQueueBuildingUp');
    expect(sel.rules[0]?.alert).toBe('ServeQueueBuildingUp');
    const ruleNames = sel.rules.map((r) => r.alert);
    // Shares latency-queue-building-up:
    expect(ruleNames).toEqual(expect.arrayContaining(['ServeHighLatency', 'ServeRequestsRejected503', 'ServeAutoscalerPinnedAtMax']));
    // Same group (serve-capacity), no shared item:
    expect(ruleNames).toContain('ServeAutoscalingDeregistered');
    // Unrelated:
    expect(ruleNames).not.toContain('ServeOutOfMemoryErrors');
    const keys = sel.probes.map((p) => `${p.probe.confirms}|${p.probe.expr}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('runs every probe of every rule without an alert', async () => {
    const { groups } = await shippedRules();
    const sel = selectProbes(groups);
    expect(sel.triggering).toBeUndefined();
    const confirmed = new Set(sel.probes.map((p) => p.probe.confirms));
    expect(confirmed).toContain('oom-memory-leak');
    expect(confirmed).toContain('latency-cpu-contention');
  });
});
