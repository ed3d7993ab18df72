import type { AppStatus } from './constants.js';
import type { AppRequest, JsonObject } from './deploy-schema.js';
import { DeploymentState } from './deployment.js';
import type { DeploymentHost } from './deployment.js';
import type { DeploymentConfig } from './effective-config.js';
import { DeployFailure, appCodeVersion, applyOptions, defaultDeploymentConfig } from './effective-config.js';
import type { MetricsProcess } from './metrics-registry.js';
import { BUILD_FRAMES, ROUTE_PREFIX_FRAMES, UNKNOWN_DEPLOYMENT_FRAMES, formatTraceback } from './pydantic-errors.js';
import type { SimContext } from './sim-context.js';

export type AppSource = 'declarative' | 'imperative';

interface PendingApply {
  readonly request: AppRequest;
  /** Rolling back from DEPLOY_FAILED deregisters unchanged deployments' autoscaling (Ray 2.58). */
  readonly fromFailed: boolean;
}

/** validate_route_prefix, run by the controller when it applies the config (not at PUT time). */
function routePrefixError(prefix: string | null): string | undefined {
  if (prefix === null) return undefined;
  if (!prefix.startsWith('/')) return `Invalid route_prefix '${prefix}', must start with a forward slash ('/').`;
  if (prefix !== '/' && prefix.endsWith('/')) return `Invalid route_prefix '${prefix}', may not end with a trailing '/'.`;
  if (prefix.includes('{') || prefix.includes('}')) return `Invalid route_prefix '${prefix}', may not contain wildcards.`;
  return undefined;
}

/**
 * One application: its submitted config, its status, and its deployments. A code version change
 * (import_path, runtime_env, args, autoscaling policies) rebuilds it; otherwise overrides are
 * applied on top of the current deployment configs, so omitted options stay in force.
 */
export class ApplicationState implements DeploymentHost {
  status: AppStatus = 'DEPLOYING';
  message = '';
  lastDeployedTimeS = 0;
  deployedAppConfig: JsonObject | null = null;
  routePrefix: string | null = '/';
  importPath = '';
  readonly deployments = new Map<string, DeploymentState>();
  /** null while building, after a failed config and while deleting: GET shows `deployments: {}`. */
  targetDeployments: ReadonlySet<string> | null = null;
  ingress: string | undefined;
  private codeVersion: string | undefined;
  private pending: PendingApply | undefined;
  private buildingUntil: number | undefined;

  constructor(
    private readonly ctx: SimContext,
    readonly name: string,
    readonly source: AppSource,
    readonly controllerMetrics: MetricsProcess,
  ) {}

  route(): string {
    return this.routePrefix ?? '';
  }

  deployment(name: string): DeploymentState | undefined {
    return this.deployments.get(name);
  }

  /** controller.apply_config for this app: status DEPLOYING now, the work at the next loops. */
  apply(request: AppRequest): void {
    this.pending = { request, fromFailed: this.status === 'DEPLOY_FAILED' };
    this.lastDeployedTimeS = this.ctx.now() / 1000;
    this.deployedAppConfig = this.source === 'declarative' ? request.submitted : null;
    this.status = 'DEPLOYING';
    this.message = '';
  }

  startDeleting(): void {
    this.pending = undefined;
    this.buildingUntil = undefined;
    this.status = 'DELETING';
    this.message = '';
    this.deployedAppConfig = null;
    this.targetDeployments = null;
    for (const d of this.deployments.values()) d.startDeleting();
  }

  get deleted(): boolean {
    return this.status === 'DELETING' && [...this.deployments.values()].every((d) => d.deleted);
  }

  private fail(message: string): void {
    this.status = 'DEPLOY_FAILED';
    this.message = message;
    this.targetDeployments = null;
    this.buildingUntil = undefined;
  }

  tick(now: number): void {
    if (this.pending && this.buildingUntil === undefined) this.startApply(now);
    if (this.pending && this.buildingUntil !== undefined && now >= this.buildingUntil) this.finishBuild();
    for (const [name, d] of this.deployments) {
      d.tick(now);
      if (d.deleted) this.deployments.delete(name);
    }
    if (!this.pending && this.status !== 'DELETING' && this.status !== 'DEPLOY_FAILED') this.updateStatus();
  }

  private startApply(now: number): void {
    const { request } = this.pending!;
    const bad = routePrefixError(request.routePrefix);
    if (bad) {
      this.pending = undefined;
      return this.fail(formatTraceback(ROUTE_PREFIX_FRAMES, `ValueError: ${bad}`));
    }
    const version = appCodeVersion(request.submitted);
    if (version !== this.codeVersion || !this.ctx.catalog[request.importPath]) {
      // A build task re-imports the code; meanwhile the target is unknown and old replicas serve.
      this.targetDeployments = null;
      this.buildingUntil = now + 1200 + this.ctx.random.int(800);
      return;
    }
    this.buildingUntil = now;
  }

  private finishBuild(): void {
    const { request, fromFailed } = this.pending!;
    this.pending = undefined;
    this.buildingUntil = undefined;
    const code = this.ctx.catalog[request.importPath];
    if (!code) {
      const module = request.importPath.split(/[:.]/)[0] ?? request.importPath;
      const trace = formatTraceback(BUILD_FRAMES(request.importPath), `ModuleNotFoundError: No module named '${module}'`);
      return this.fail(`Deploying app '${this.name}' failed with exception:\n${trace}`);
    }
    const version = appCodeVersion(request.submitted);
    const rebuild = version !== this.codeVersion;
    const configs = new Map<string, DeploymentConfig>();
    try {
      for (const c of code.deployments) {
        const current = this.deployments.get(c.name);
        const base = !rebuild && current ? current.config : applyOptions(defaultDeploymentConfig(c.name), c.options);
        configs.set(c.name, base);
      }
      for (const override of request.deployments) {
        const name = String(override.name);
        const base = configs.get(name);
        if (!base) {
          const available = code.deployments.map((d) => `'${d.name}'`).join(', ');
          throw new DeployFailure(formatTraceback(UNKNOWN_DEPLOYMENT_FRAMES, `ValueError: Deployment '${name}' does not exist. Available: [${available}]`));
        }
        configs.set(name, applyOptions(base, override));
      }
    } catch (err) {
      if (err instanceof DeployFailure) return this.fail(err.message);
      throw err;
    }
    // Only a config that applies changes the route table and the code that runs.
    this.codeVersion = version;
    this.ingress = code.ingress;
    this.routePrefix = request.routePrefix;
    this.importPath = request.importPath;
    for (const [name, config] of configs) {
      const existing = this.deployments.get(name);
      if (!existing) {
        this.deployments.set(name, new DeploymentState(this.ctx, this, name, config, version));
      } else if (!existing.deploy(config, version) && fromFailed && existing.autoscalingRegistered) {
        existing.autoscalingRegistered = false;
      }
    }
    for (const [name, d] of this.deployments) if (!configs.has(name)) d.startDeleting();
    this.targetDeployments = new Set(configs.keys());
  }

  private updateStatus(): void {
    const targets = [...(this.targetDeployments ?? [])].map((n) => this.deployments.get(n)).filter((d): d is DeploymentState => !!d);
    const unhealthy = targets.filter((d) => d.status === 'UNHEALTHY').map((d) => `'${d.name}'`);
    if (unhealthy.length > 0) {
      this.status = 'UNHEALTHY';
      this.message = `The deployments [${unhealthy.join(', ')}] are UNHEALTHY.`;
      return;
    }
    const deploying = targets.some(
      (d) => d.status === 'UPDATING' || ((d.status === 'UPSCALING' || d.status === 'DOWNSCALING') && d.statusTrigger === 'CONFIG_UPDATE_STARTED'),
    );
    this.status = deploying ? 'DEPLOYING' : 'RUNNING';
    this.message = '';
  }
}
