import type { ConfigFinding } from '../model/diagnosis.js';
import type { ApplicationDetails, ServeInstanceDetails } from '../serve/serve-types.js';
import type { DiagnosisContext } from './diagnosis-input.js';
import type { DeploymentView } from './deployment-view.js';
import {
  actorOptionsOf,
  autoscalingOf,
  deploymentsHidden,
  isAutoscaling,
  maxOngoingOf,
  maxReplicasOf,
  minReplicasOf,
  num,
  numReplicasOf,
  targetOngoingOf,
} from './deployment-view.js';

/**
 * Configuration findings from the Serve REST GET: the configuration rules of the guide
 * (max_ongoing_requests ≈ 2-3x target_ongoing_requests, max_replicas > 1 when autoscaling,
 * num_cpus / OMP_NUM_THREADS, num_gpus, request_timeout_s, max_batch_size ≤ max_ongoing_requests,
 * min_replicas for cold starts) and the status facts (DEPLOY_FAILED and its message).
 *
 * A finding of severity warning or critical that names a checklist item confirms that item;
 * `relevant` (items the probes confirmed or the alert is about) raises some findings from info
 * to warning, so a config fact counts only when the symptom is there.
 */
export interface CheckConfigParams {
  readonly serve: ServeInstanceDetails;
  readonly application: string;
  readonly app: ApplicationDetails;
  /** The deployments to check: the focal one, or every one of the app. */
  readonly deployments: readonly DeploymentView[];
  readonly context: DiagnosisContext;
  /** Items the alert is about or a probe confirmed. */
  readonly relevant: ReadonlySet<string>;
  /** Items a probe confirmed (the symptom is measured, not just suspected). */
  readonly confirmed: ReadonlySet<string>;
  readonly alertName?: string;
}

const OOM_ITEMS = ['oom-too-many-concurrent-requests', 'oom-memory-leak', 'oom-gpu-memory', 'oom-model-too-large-for-gpu'];
/** Symptoms of too little capacity: what makes a fixed size or a low max_replicas matter. */
const CAPACITY_ITEMS = ['latency-queue-building-up', 'capacity-pinned-at-max-replicas', 'requests-rejected-503'];

/**
 * The line of a status message that says what is wrong: for a Python traceback its last line,
 * skipping pydantic's "For further information visit …" and `^^^^` markers, without pydantic's
 * "[type=…, input_value=…]" tail ("Value error, max_replicas (2) must be greater than or equal
 * to min_replicas (5)!").
 */
export function lastLine(message: string, max = 300): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^For further information visit\b/.test(l) && !/^[\^~\s]+$/.test(l));
  const line = (lines[lines.length - 1] ?? '').replace(/\s*\[type=[^\]]*\]\s*$/, '');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function ratio(a: number, b: number): string {
  return `${Number((a / b).toFixed(2))}x`;
}

export function checkConfig(p: CheckConfigParams): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const any = (ids: readonly string[]) => ids.some((id) => p.relevant.has(id));
  const several = p.deployments.length > 1;
  const add = (id: string, dep: string | undefined, f: Omit<ConfigFinding, 'id'>): void => {
    findings.push({ ...f, id: several && dep ? `${id}:${dep}` : id, ...(several && dep ? { message: `${dep}: ${f.message}` } : {}) });
  };

  // Application status: DEPLOY_FAILED shows only here and in ray_serve_application_status.
  const status = String(p.app.status ?? '');
  if (status === 'DEPLOY_FAILED' || status === 'UNHEALTHY' || status === 'DEPLOYING' || status === 'DELETING') {
    const why = p.app.message ? `: ${lastLine(p.app.message)}` : '';
    const hidden = deploymentsHidden(p.app) ? ' (the previous replicas keep serving; GET hides the deployments meanwhile)' : '';
    add('app-status', undefined, {
      severity: status === 'DEPLOY_FAILED' ? 'critical' : 'warning',
      message: `application ${p.application} is ${status}${why}${hidden}`,
      checklistId: 'deployment-stuck-updating',
    });
  }
  if (p.app.source === 'imperative') {
    add('imperative-app', undefined, {
      severity: 'info',
      message: `application ${p.application} was deployed imperatively (serve.run): serve-medic cannot change it through the REST API`,
    });
  }

  const http = p.serve.http_options ?? {};
  const timeout = num(http.request_timeout_s);
  if (timeout === undefined) {
    add('request-timeout-unset', undefined, {
      // Only a tail of very slow requests says a timeout would have helped.
      severity: any(['high-tail-latency']) ? 'warning' : 'info',
      message: 'http_options.request_timeout_s is not set: a stuck request holds its replica slot forever (the guide suggests e.g. 30 s; it applies when Serve starts)',
      checklistId: 'tuning-request-timeout',
    });
  } else if (p.relevant.has('timeouts-408')) {
    add('request-timeout', undefined, {
      severity: 'warning',
      message: `http_options.request_timeout_s is ${timeout} s: requests slower than that (queue wait included) are answered 408; it changes only when Serve restarts`,
      checklistId: 'timeouts-408',
    });
  }

  for (const view of p.deployments) checkDeployment(view, p, add, any);
  return findings;
}

type Add = (id: string, dep: string | undefined, f: Omit<ConfigFinding, 'id'>) => void;

function checkDeployment(view: DeploymentView, p: CheckConfigParams, add: Add, any: (ids: readonly string[]) => boolean): void {
  const dep = view.name;
  const d = view.details;
  const depStatus = String(d?.status ?? '');
  if (d && (depStatus === 'UNHEALTHY' || depStatus === 'DEPLOY_FAILED' || (depStatus === 'UPDATING' && d.message))) {
    add('deployment-status', dep, {
      severity: depStatus === 'DEPLOY_FAILED' ? 'critical' : 'warning',
      message: `deployment ${dep} is ${depStatus}${d.message ? `: ${lastLine(d.message)}` : ''}`,
      checklistId: 'deployment-stuck-updating',
    });
  }
  const dead = d?.recent_dead_replicas?.length ?? 0;
  if (dead > 0 && any(OOM_ITEMS)) {
    add('recent-dead-replicas', dep, { severity: 'info', message: `${dead} replica(s) of ${dep} died recently (recent_dead_replicas); their logs say why` });
  }

  const maxOngoing = maxOngoingOf(view);
  if (isAutoscaling(view)) {
    const a = autoscalingOf(view) ?? {};
    const target = targetOngoingOf(view);
    const r = maxOngoing / target;
    if (r < 1) {
      add('max-ongoing-below-target', dep, {
        severity: 'critical',
        message: `max_ongoing_requests ${maxOngoing} is below target_ongoing_requests ${target}: a replica can never reach the target, so autoscaling will never happen`,
        checklistId: 'tuning-max-ongoing-vs-target',
      });
    } else if (r < 2) {
      add('max-ongoing-low', dep, {
        severity: any(CAPACITY_ITEMS) ? 'warning' : 'info',
        message: `max_ongoing_requests ${maxOngoing} is ${ratio(maxOngoing, target)} target_ongoing_requests ${target}; the guide says 2-3x (below, requests queue at the router)`,
        checklistId: 'tuning-max-ongoing-vs-target',
      });
    } else if (r > 3) {
      const oom = any(OOM_ITEMS);
      add('max-ongoing-high', dep, {
        severity: oom ? 'warning' : 'info',
        message: `max_ongoing_requests ${maxOngoing} is ${ratio(maxOngoing, target)} target_ongoing_requests ${target}; the guide says 2-3x (above, replicas may run out of memory or slow down)`,
        checklistId: oom ? 'oom-too-many-concurrent-requests' : 'tuning-max-ongoing-vs-target',
      });
    }
    const max = maxReplicasOf(view);
    if (max <= 1) {
      add('max-replicas-one', dep, {
        // Under a measured capacity symptom this is the cause, not a detail.
        severity: CAPACITY_ITEMS.some((id) => p.confirmed.has(id)) ? 'critical' : 'warning',
        message: `autoscaling_config.max_replicas is ${max}: the autoscaler can never add a replica (the guide: max_replicas > 1)`,
        checklistId: 'replicas-not-scaling',
      });
    } else if (d?.target_num_replicas !== undefined && d.target_num_replicas >= max) {
      add('at-max-replicas', dep, {
        severity: any(CAPACITY_ITEMS) ? 'warning' : 'info',
        message: `the target is ${d.target_num_replicas} replicas, max_replicas ${max}: the autoscaler cannot add more`,
        checklistId: 'capacity-pinned-at-max-replicas',
      });
    }
    const min = minReplicasOf(view);
    if (min === 0) {
      const measured = ['latency-cold-start', 'cold-start-scale-to-zero'].some((id) => p.confirmed.has(id));
      add('min-replicas-zero', dep, {
        // Replicas measured starting from zero make min_replicas 0 the cause of the cold starts.
        severity: measured ? 'critical' : any(['latency-cold-start', 'cold-start-scale-to-zero']) ? 'warning' : 'info',
        message: `min_replicas is 0 (scale to zero): the first request after an idle period waits for a replica to be scheduled and load its model; the guide says min_replicas 1 for latency-sensitive services`,
        checklistId: 'cold-start-scale-to-zero',
      });
    } else if (p.relevant.has('scale-to-zero-not-working')) {
      add('min-replicas-not-zero', dep, {
        severity: 'warning',
        message: `min_replicas is ${min}: the deployment keeps ${min} replica(s) when idle; set 0 to scale to zero if cold starts are acceptable`,
        checklistId: 'scale-to-zero-not-working',
      });
    }
    const initial = num(a.initial_replicas);
    if (initial !== undefined) {
      add('initial-replicas-set', dep, {
        severity: 'info',
        message: `initial_replicas ${initial} is set: Ray resets the target to it on every config change of ${dep}, serve-medic's included`,
      });
    } else if (any(['latency-cold-start', 'cold-start-scale-to-zero'])) {
      add('initial-replicas-unset', dep, {
        severity: 'info',
        message: 'initial_replicas is not set: a (re)deployed replica set starts at min_replicas; initial_replicas gives a faster warm-up',
        checklistId: 'cold-start-initial-replicas',
      });
    }
    const registered = p.context.autoscalingTarget;
    if (p.context.metricsSeen && registered && registered[dep] === undefined && d !== undefined) {
      add('autoscaling-not-registered', dep, {
        severity: 'warning',
        message: `${dep} has an autoscaling_config but no autoscaling metrics: its autoscaling is not registered (Ray deregisters it when an app is restored from DEPLOY_FAILED); a config change of the deployment registers it again`,
        checklistId: 'replicas-not-scaling',
      });
    }
  } else if (view.effective || view.override) {
    // A fixed size is a choice; it is a finding only when capacity symptoms are measured.
    add('fixed-replicas', dep, {
      severity: CAPACITY_ITEMS.some((id) => p.confirmed.has(id)) ? 'warning' : 'info',
      message: `num_replicas ${numReplicasOf(view)} is fixed: ${dep} has no autoscaling_config and never scales with load`,
      checklistId: 'replicas-not-scaling',
    });
  }

  const actor = actorOptionsOf(view);
  const cpus = num(actor.num_cpus);
  const envVars = ((actor.runtime_env as { env_vars?: Record<string, unknown> } | undefined)?.env_vars ?? {}) as Record<string, unknown>;
  if ((cpus === undefined || cpus <= 1) && envVars.OMP_NUM_THREADS === undefined) {
    add('omp-num-threads', dep, {
      severity: any(['latency-processing-time-high', 'latency-cpu-contention']) ? 'warning' : 'info',
      message: `ray_actor_options.num_cpus is ${cpus === undefined ? 'unset (Ray uses 1)' : cpus}: Ray sets OMP_NUM_THREADS=1, so deep learning frameworks run single-threaded`,
      checklistId: 'tuning-omp-num-threads',
    });
  }
  const gpus = num(actor.num_gpus);
  if ((p.context.gpuCount ?? 0) > 0 && !(gpus !== undefined && gpus > 0)) {
    add('num-gpus-unset', dep, {
      severity: any(['model-not-using-gpu', 'latency-processing-time-high']) ? 'warning' : 'info',
      message: `ray_actor_options.num_gpus is unset while the cluster has ${p.context.gpuCount} GPU(s): ${dep} runs on CPU (the guide: ray_actor_options={"num_gpus": 1})`,
      checklistId: 'model-not-using-gpu',
    });
  } else if (gpus !== undefined && gpus > 0 && gpus < 1 && any(['oom-gpu-memory', 'oom-model-too-large-for-gpu'])) {
    add('fractional-gpu', dep, {
      severity: 'info',
      message: `num_gpus ${gpus}: replicas share a GPU; each must fit in its share (torch.cuda.set_per_process_memory_fraction)`,
      checklistId: 'oom-gpu-memory',
    });
  }

  const userConfig = (view.effective?.user_config ?? view.override?.user_config) as Record<string, unknown> | null | undefined;
  const batch = num(userConfig?.max_batch_size);
  if (batch !== undefined && batch > maxOngoing) {
    add('max-batch-size', dep, {
      severity: 'warning',
      message: `user_config.max_batch_size ${batch} is above max_ongoing_requests ${maxOngoing}: a full batch can never form, every batch waits batch_wait_timeout_s`,
      checklistId: 'tuning-max-batch-size',
    });
  }
  const queued = num(view.effective?.max_queued_requests ?? view.override?.max_queued_requests);
  if (queued !== undefined && queued > 0 && p.relevant.has('requests-rejected-503')) {
    add('max-queued-requests', dep, {
      severity: 'warning',
      message: `max_queued_requests is ${queued}: each caller queues at most ${queued} request(s) for ${dep} and answers 503 beyond that`,
      checklistId: 'requests-rejected-503',
    });
  }
}
