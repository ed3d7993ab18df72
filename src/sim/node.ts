import type { Labels } from '../core/labels.js';
import { RAY_VERSION } from './constants.js';
import { M } from './metric-catalogue.js';
import { MetricsProcess } from './metrics-registry.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** The one (head) node: Ray's logical CPU resources, real CPU and memory use, the reporter's metrics. */
export interface NodeSpec {
  readonly cpus: number;
  readonly memoryGb: number;
  readonly gpus: number;
  /** Cores busy outside Serve (raylet, GCS, a noisy neighbour); scenarios raise it. */
  readonly backgroundCpu: number;
  /** Memory used outside Serve's replicas (OS, object store, other processes), in MB. */
  readonly baseMemMb: number;
}

export const DEFAULT_NODE: NodeSpec = { cpus: 8, memoryGb: 16, gpus: 0, backgroundCpu: 0.3, baseMemMb: 3000 };

/** What the node needs to know of a replica process. */
export interface NodeTenant {
  readonly component: string;
  readonly numCpus: number;
  readonly numGpus: number;
  cpuCores(): number;
  rssMb(): number;
  gpuMemMb(): number;
  busy(): boolean;
}

/** Ray's memory monitor kills a worker when node memory use passes this share. */
export const MEMORY_USAGE_THRESHOLD = 0.95;

const STATIC_COMPONENTS: readonly { component: string; pid: string; cpu: number; rss: number }[] = [
  { component: 'gcs', pid: '25279', cpu: 1.4, rss: 53.27 },
  { component: 'raylet', pid: '25613', cpu: 1.2, rss: 35.04 },
  { component: 'agent', pid: '25653', cpu: 1.0, rss: 132.53 },
  { component: 'ray::DashboardAgent', pid: '', cpu: 1.0, rss: 132.53 },
  { component: 'ray::ServeController', pid: '', cpu: 2.4, rss: 137.05 },
  { component: 'ray::ProxyActor', pid: '', cpu: 1.0, rss: 144.07 },
];

export class NodeModel {
  readonly ip = '127.0.0.1';
  readonly nodeId: string;
  readonly process: MetricsProcess;
  /** ray_component_* series carry no IsHeadNode/RayNodeType: a second label set, same reporter. */
  readonly componentProcess: MetricsProcess;
  private allocatedCpus = 0;
  private spec: NodeSpec;
  private cpuSamples = 0;
  private cpuSum = 0;
  private readonly componentCpu = new Map<string, number>();
  private current: readonly NodeTenant[] = [];
  /** Replica processes on the node; refreshed every control loop. */
  setTenants(tenants: readonly NodeTenant[]): void {
    this.current = tenants;
  }

  tenants(): readonly NodeTenant[] {
    return this.current;
  }

  constructor(
    spec: NodeSpec,
    nodeId: string,
    registry: MetricsRegistry,
    sessionName: string,
    private readonly now: () => number,
    phaseMs: number,
  ) {
    this.spec = spec;
    this.nodeId = nodeId;
    const common: Labels = {
      SessionName: sessionName,
      Version: RAY_VERSION,
      ip: this.ip,
      otel_scope_name: 'ray._private.telemetry.open_telemetry_metric_recorder',
      otel_scope_schema_url: '',
      otel_scope_version: '',
    };
    this.process = registry.add(new MetricsProcess({ ...common, IsHeadNode: 'true', RayNodeType: 'head' }, now(), phaseMs));
    this.componentProcess = registry.add(new MetricsProcess(common, now(), phaseMs));
    this.process.onCollect(() => this.collect());
  }

  get cpus(): number {
    return this.spec.cpus;
  }

  get memTotalBytes(): number {
    return this.spec.memoryGb * 1024 ** 3;
  }

  setBackgroundCpu(cores: number): void {
    this.spec = { ...this.spec, backgroundCpu: cores };
  }

  /** Ray's scheduler: a replica starts only when its num_cpus fit in the free logical CPUs. */
  tryAllocate(cpus: number): boolean {
    if (this.allocatedCpus + cpus > this.spec.cpus + 1e-9) return false;
    this.allocatedCpus += cpus;
    return true;
  }

  release(cpus: number): void {
    this.allocatedCpus = Math.max(0, this.allocatedCpus - cpus);
  }

  availableCpus(): number {
    return this.spec.cpus - this.allocatedCpus;
  }

  cpuDemand(): number {
    return this.spec.backgroundCpu + this.tenants().reduce((s, t) => s + t.cpuCores(), 0);
  }

  /** How much slower CPU-bound work runs when demand exceeds the cores (1 = no contention). */
  contention(): number {
    return Math.max(1, this.cpuDemand() / this.spec.cpus);
  }

  memUsedBytes(): number {
    const mb = this.spec.baseMemMb + this.tenants().reduce((s, t) => s + t.rssMb(), 0);
    return mb * 1024 * 1024;
  }

  overMemoryThreshold(): boolean {
    return this.memUsedBytes() > MEMORY_USAGE_THRESHOLD * this.memTotalBytes;
  }

  /** Called every control loop: the reporter averages CPU between its reports. */
  sample(): void {
    this.cpuSum += Math.min(this.spec.cpus, this.cpuDemand());
    this.cpuSamples += 1;
    for (const t of this.tenants()) {
      this.componentCpu.set(t.component, (this.componentCpu.get(t.component) ?? 0) + t.cpuCores());
    }
  }

  private collect(): void {
    const now = this.now();
    const p = this.process;
    const c = this.componentProcess;
    const avgCores = this.cpuSamples > 0 ? this.cpuSum / this.cpuSamples : this.spec.backgroundCpu;
    p.set(M.nodeCpu, {}, Math.round((1000 * avgCores) / this.spec.cpus) / 10, now);
    p.set(M.nodeCpuCount, {}, this.spec.cpus, now);
    const used = this.memUsedBytes();
    p.set(M.nodeMemUsed, {}, Math.round(used), now);
    p.set(M.nodeMemAvailable, {}, Math.max(0, Math.round(this.memTotalBytes - used)), now);
    p.set(M.nodeMemTotal, {}, this.memTotalBytes, now);
    for (const s of STATIC_COMPONENTS) {
      c.set(M.componentCpu, { Component: s.component, pid: s.pid }, s.cpu, now);
      c.set(M.componentRss, { Component: s.component, pid: s.pid }, s.rss, now);
    }
    const rss = new Map<string, number>();
    for (const t of this.tenants()) rss.set(t.component, (rss.get(t.component) ?? 0) + t.rssMb());
    for (const [component, mb] of rss) {
      const cores = (this.componentCpu.get(component) ?? 0) / Math.max(1, this.cpuSamples);
      c.set(M.componentCpu, { Component: component, pid: '' }, Math.round(cores * 1000) / 10, now);
      c.set(M.componentRss, { Component: component, pid: '' }, Math.round(mb * 1e6) / 1e6, now);
    }
    if (this.spec.gpus > 0) this.collectGpus(now);
    this.cpuSum = 0;
    this.cpuSamples = 0;
    this.componentCpu.clear();
  }

  private collectGpus(now: number): void {
    const gpuTenants = this.tenants().filter((t) => t.numGpus > 0);
    for (let i = 0; i < this.spec.gpus; i++) {
      const mine = gpuTenants.filter((_, j) => j % this.spec.gpus === i);
      const util = mine.length === 0 ? 0 : (100 * mine.filter((t) => t.busy()).length) / mine.length;
      const gram = mine.reduce((s, t) => s + t.gpuMemMb(), 0);
      const labels = { GpuDeviceName: 'NVIDIA A10G', GpuIndex: String(i) };
      this.process.set(M.nodeGpus, labels, util, now);
      this.process.set(M.nodeGram, labels, gram * 1024 * 1024, now);
    }
  }
}
