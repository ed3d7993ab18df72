import { LATENCY_BUCKETS_MS, STARTUP_BUCKETS_MS } from './constants.js';

/**
 * Every metric family the simulator exports, with Ray 2.58's scraped name, type and HELP text
 * (from the captures in reference/ray/captured/ where they appear there). Counters are named
 * by their family (no `_total`): samples get `_total`, as the OpenTelemetry exporter does.
 */
export interface MetricFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly buckets?: readonly number[];
}

const counter = (name: string, help: string): MetricFamily => ({ name, type: 'counter', help });
const gauge = (name: string, help: string): MetricFamily => ({ name, type: 'gauge', help });
const histogram = (name: string, help: string, buckets: readonly number[]): MetricFamily => ({
  name,
  type: 'histogram',
  help,
  buckets,
});

export const M = {
  // HTTP proxy
  httpRequests: counter('ray_serve_num_http_requests', 'The number of HTTP requests processed.'),
  httpErrors: counter('ray_serve_num_http_error_requests', 'The number of errored HTTP responses.'),
  deploymentHttpErrors: counter(
    'ray_serve_num_deployment_http_error_requests',
    'The number of errored HTTP responses returned by each deployment.',
  ),
  httpLatency: histogram(
    'ray_serve_http_request_latency_ms',
    'The end-to-end latency of HTTP requests (measured from the Serve HTTP proxy).',
    LATENCY_BUCKETS_MS,
  ),
  ongoingHttp: gauge('ray_serve_num_ongoing_http_requests', 'The number of ongoing requests in this HTTP proxy.'),
  // Router / handle (in the caller's process)
  routerRequests: counter('ray_serve_num_router_requests', 'The number of requests processed by the router.'),
  queuedQueries: gauge(
    'ray_serve_deployment_queued_queries',
    'The current number of queries to this deployment waiting to be assigned to a replica.',
  ),
  ongoingAtReplicas: gauge(
    'ray_serve_num_ongoing_requests_at_replicas',
    'The current number of requests to this deployment that have been submitted to a replica.',
  ),
  schedulingTasks: gauge('ray_serve_num_scheduling_tasks', 'The number of request routing tasks in the router.'),
  schedulingBackoff: gauge(
    'ray_serve_num_scheduling_tasks_in_backoff',
    'The number of request routing tasks in the router that are undergoing backoff.',
  ),
  fulfillmentTime: histogram(
    'ray_serve_request_router_fulfillment_time_ms',
    'Time in milliseconds that a request spent waiting in the queue before being assigned to a replica.',
    LATENCY_BUCKETS_MS,
  ),
  routerQueueLen: gauge(
    'ray_serve_request_router_queue_len',
    "The number of requests currently running on a replica as tracked by the router's queue length cache.",
  ),
  handleRequests: counter(
    'ray_serve_handle_request_counter',
    'The number of handle.remote() calls that have been made on this handle.',
  ),
  // Replica
  replicaRequests: counter(
    'ray_serve_deployment_request_counter',
    'The number of queries that have been processed in this replica.',
  ),
  replicaErrors: counter(
    'ray_serve_deployment_error_counter',
    'The number of exceptions that have occurred in this replica.',
  ),
  processingLatency: histogram(
    'ray_serve_deployment_processing_latency_ms',
    'The latency for queries to be processed.',
    LATENCY_BUCKETS_MS,
  ),
  maxProcessingLatency: gauge(
    'ray_serve_deployment_max_processing_latency_ms',
    'The maximum observed time spent processing a query.',
  ),
  processingQueries: gauge('ray_serve_replica_processing_queries', 'The current number of queries being processed.'),
  utilization: gauge(
    'ray_serve_replica_utilization_percent',
    'Percentage of replica capacity utilized by user code execution over a rolling window. Calculated as: user_code_time / (window_duration * max_ongoing_requests).',
  ),
  replicaStarts: counter(
    'ray_serve_deployment_replica_starts',
    'The number of times this replica has been restarted due to failure.',
  ),
  // Controller
  replicaHealthy: gauge(
    'ray_serve_deployment_replica_healthy',
    'Tracks healthy replicas. When source tags are enabled, each replica series is 1 for healthy and 0 for unhealthy; otherwise, the deployment/application series is the healthy replica count.',
  ),
  targetReplicas: gauge(
    'ray_serve_autoscaling_target_replicas',
    'The target number of replicas for this deployment. This is the number the autoscaler is trying to reach.',
  ),
  desiredReplicas: gauge(
    'ray_serve_autoscaling_desired_replicas',
    'The raw autoscaling decision (number of replicas) from the autoscaling policy before applying min/max bounds.',
  ),
  totalRequests: gauge(
    'ray_serve_autoscaling_total_requests',
    'Total number of requests as seen by the autoscaler. This is the input to the autoscaling decision.',
  ),
  targetOngoing: gauge(
    'ray_serve_autoscaling_target_ongoing_requests',
    'The configured target number of ongoing requests per replica. For the default policy, this can be combined with serve_autoscaling_total_requests to compute the raw desired number of replicas (total_requests / target_ongoing_requests) and detect autoscaling regressions.',
  ),
  policyTime: gauge(
    'ray_serve_autoscaling_policy_execution_time_ms',
    'Time taken to execute the autoscaling policy in milliseconds. High values may indicate a slow or complex policy.',
  ),
  handleMetricsDelay: histogram(
    'ray_serve_autoscaling_handle_metrics_delay_ms',
    'Time taken for the handle metrics to be reported to the controller. High values may indicate a busy controller.',
    LATENCY_BUCKETS_MS,
  ),
  deploymentStatus: gauge(
    'ray_serve_deployment_status',
    'Numeric status of deployment. 0=UNKNOWN, 1=DEPLOY_FAILED, 2=UNHEALTHY, 3=UPDATING, 4=UPSCALING, 5=DOWNSCALING, 6=HEALTHY.',
  ),
  applicationStatus: gauge(
    'ray_serve_application_status',
    'Numeric status of application. 0=UNKNOWN, 1=DEPLOY_FAILED, 2=UNHEALTHY, 3=NOT_STARTED, 4=DELETING, 5=DEPLOYING, 6=RUNNING.',
  ),
  proxyStatus: gauge(
    'ray_serve_proxy_status',
    'The current status of the proxy. 1=STARTING, 2=HEALTHY, 3=UNHEALTHY, 4=DRAINING, 5=DRAINED.',
  ),
  startupLatency: histogram(
    'ray_serve_replica_startup_latency_ms',
    'Time from replica creation to ready state in milliseconds.',
    STARTUP_BUCKETS_MS,
  ),
  initLatency: histogram(
    'ray_serve_replica_initialization_latency_ms',
    'Time for replica to initialize in milliseconds.',
    STARTUP_BUCKETS_MS,
  ),
  shutdownDuration: histogram(
    'ray_serve_replica_shutdown_duration_ms',
    'Time from shutdown signal to replica fully stopped in milliseconds.',
    STARTUP_BUCKETS_MS,
  ),
  healthCheckLatency: histogram(
    'ray_serve_health_check_latency_ms',
    'Duration of health check calls in milliseconds.',
    LATENCY_BUCKETS_MS,
  ),
  healthCheckFailures: counter('ray_serve_health_check_failures', 'Count of failed health checks.'),
  controlLoops: gauge(
    'ray_serve_controller_num_control_loops',
    "The number of control loops performed by the controller. Increases monotonically over the controller's lifetime.",
  ),
  controlLoopDuration: gauge('ray_serve_controller_control_loop_duration_s', 'The duration of the last control loop.'),
  // Node (dashboard agent reporter)
  nodeCpu: gauge('ray_node_cpu_utilization', 'Total CPU usage on a ray node'),
  nodeCpuCount: gauge('ray_node_cpu_count', 'Total CPUs available on a ray node'),
  nodeMemUsed: gauge('ray_node_mem_used', 'Memory usage on a ray node'),
  nodeMemAvailable: gauge('ray_node_mem_available', 'Memory available on a ray node'),
  nodeMemTotal: gauge('ray_node_mem_total', 'Total memory on a ray node'),
  nodeGpus: gauge('ray_node_gpus_utilization', 'Total GPUs usage on a ray node'),
  nodeGram: gauge('ray_node_gram_used', 'Total GPU RAM usage on a ray node'),
  componentCpu: gauge('ray_component_cpu_percentage', 'Total CPU usage of the components on a node.'),
  componentRss: gauge('ray_component_rss_mb', 'RSS usage of all components on the node.'),
} as const;

/** Exposition order: node families first, then Serve families, as Ray's agent groups them. */
export const FAMILY_ORDER: readonly MetricFamily[] = Object.values(M);
