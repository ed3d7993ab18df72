import { CONTROL_LOOP_MS, HANDLE_METRIC_PUSH_MS, HANDLE_METRIC_RECORD_MS } from './constants.js';
import type { AutoscalingConfig } from './effective-config.js';

/**
 * Ray's default autoscaling policy for one deployment, with the inputs it really gets:
 * handles record queued+running requests every 0.5 s and push them every 10 s; the controller
 * averages what it has over look_back_period_s; a scale-up or scale-down takes effect only after
 * upscale_delay_s / downscale_delay_s of consistent decisions (downscale_to_zero_delay_s for
 * 1 → 0). The decision is what ray_serve_autoscaling_desired_replicas records: while a
 * scale-up waits out its delay the policy returns the current target, so desired ≈ target
 * on most ticks (captured README item 4).
 */
export class AutoscalingState {
  private buffered: { at: number; value: number }[] = [];
  private window: { at: number; value: number }[] = [];
  private nextRecordAt: number;
  private nextPushAt: number;
  private decisionCounter = 0;
  /** The autoscaler's last input and decision, exported as gauges. */
  totalRequests = 0;
  desired: number;

  constructor(now: number, phaseMs: number, initialTarget: number) {
    this.nextRecordAt = now;
    this.nextPushAt = now + phaseMs;
    this.desired = initialTarget;
  }

  /** Handle side, every control loop: sample and, when due, push. Returns true on a push. */
  handleTick(now: number, ongoing: number): boolean {
    while (now >= this.nextRecordAt) {
      this.buffered.push({ at: this.nextRecordAt, value: ongoing });
      this.nextRecordAt += HANDLE_METRIC_RECORD_MS;
    }
    if (now < this.nextPushAt) return false;
    while (this.nextPushAt <= now) this.nextPushAt += HANDLE_METRIC_PUSH_MS;
    this.push();
    return true;
  }

  /** With zero replicas a handle pushes at once, so a cold start does not wait 10 s. */
  pushNow(now: number, ongoing: number): void {
    this.buffered.push({ at: now, value: ongoing });
    this.push();
  }

  private push(): void {
    this.window.push(...this.buffered);
    this.buffered = [];
  }

  private aggregate(now: number, config: AutoscalingConfig): number {
    const from = now - config.look_back_period_s * 1000;
    this.window = this.window.filter((s) => s.at >= from);
    if (this.window.length === 0) return 0;
    const values = this.window.map((s) => s.value);
    if (config.aggregation_function === 'max') return Math.max(...values);
    if (config.aggregation_function === 'min') return Math.min(...values);
    return values.reduce((a, b) => a + b, 0) / values.length;
  }

  /** One control loop of the policy; returns the decision before min/max bounds. */
  decide(now: number, config: AutoscalingConfig, currentTarget: number, running: number): number {
    const total = this.aggregate(now, config);
    this.totalRequests = total;
    let decision = currentTarget;
    if (running === 0) {
      decision = total > 0 ? Math.max(1, currentTarget) : currentTarget;
      this.decisionCounter = 0;
    } else {
      let desired = desiredReplicas(config, total, running);
      if (desired > currentTarget) {
        this.decisionCounter = Math.max(0, this.decisionCounter) + 1;
        if (this.decisionCounter > Math.floor((config.upscale_delay_s * 1000) / CONTROL_LOOP_MS)) {
          this.decisionCounter = 0;
          decision = desired;
        }
      } else if (desired < currentTarget) {
        this.decisionCounter = Math.min(0, this.decisionCounter) - 1;
        const toZero = currentTarget === 1;
        const delayS = toZero ? (config.downscale_to_zero_delay_s ?? config.downscale_delay_s) : config.downscale_delay_s;
        if (!toZero) desired = Math.max(1, desired);
        if (this.decisionCounter < -Math.floor((delayS * 1000) / CONTROL_LOOP_MS)) {
          this.decisionCounter = 0;
          decision = desired;
        }
      } else {
        this.decisionCounter = 0;
      }
    }
    this.desired = decision;
    return decision;
  }
}

/** _calculate_desired_num_replicas: replicas × smoothed(ongoing per replica / target). */
export function desiredReplicas(config: AutoscalingConfig, total: number, running: number): number {
  const errorRatio = total / running / config.target_ongoing_requests;
  const factor =
    errorRatio >= 1
      ? (config.upscaling_factor ?? config.upscale_smoothing_factor ?? config.smoothing_factor)
      : (config.downscaling_factor ?? config.downscale_smoothing_factor ?? config.smoothing_factor);
  const smoothed = 1 + (errorRatio - 1) * factor;
  return Math.max(0, Math.ceil(running * smoothed - 1e-9));
}

export function clampReplicas(decision: number, config: AutoscalingConfig): number {
  return Math.min(config.max_replicas, Math.max(config.min_replicas, decision));
}
