import { backpressure503 } from './backpressure-503.js';
import { coldStart } from './cold-start.js';
import { cpuContention } from './cpu-contention.js';
import { healthyBaseline } from './healthy-baseline.js';
import { highTailLatency } from './high-tail-latency.js';
import { oomRestarts } from './oom-restarts.js';
import { pinnedAtMax } from './pinned-at-max.js';
import { replicasNotScaling } from './replicas-not-scaling.js';
import { requestTimeouts } from './request-timeouts.js';
import { slowModel } from './slow-model.js';
import { stuckUpdating } from './stuck-updating.js';
import { trafficSpike } from './traffic-spike.js';
import type { Scenario } from './types.js';

/** Every scenario, one per item of the troubleshooting guide that shows in metrics or REST state. */
export const SCENARIOS: readonly Scenario[] = [
  healthyBaseline,
  trafficSpike,
  slowModel,
  coldStart,
  pinnedAtMax,
  backpressure503,
  requestTimeouts,
  oomRestarts,
  highTailLatency,
  stuckUpdating,
  cpuContention,
  replicasNotScaling,
];

export function getScenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return found;
}
