import type { ApplicationDetails, DeploymentDetails, ServeInstanceDetails } from '../serve/serve-types.js';
import type { Block, SlackMessage } from './blocks.js';
import { MAX_BLOCKS, code, context, escapeMrkdwn, section } from './blocks.js';

const APP_EMOJI: Readonly<Record<string, string>> = {
  RUNNING: '🟢',
  DEPLOYING: '🔵',
  NOT_STARTED: '⚪',
  DEPLOY_FAILED: '🔴',
  UNHEALTHY: '🔴',
  DELETING: '⚪',
};
const DEP_EMOJI: Readonly<Record<string, string>> = {
  HEALTHY: '🟢',
  UPDATING: '🔵',
  UPSCALING: '🔵',
  DOWNSCALING: '🔵',
  UNHEALTHY: '🔴',
  DEPLOY_FAILED: '🔴',
};

/** "3 running (target 4) · min 1 / max 5" for one deployment, from the REST API's details. */
export function describeReplicas(d: DeploymentDetails): string {
  const running = (d.replicas ?? []).filter((r) => r.state === 'RUNNING').length;
  const total = (d.replicas ?? []).length;
  const cfg = d.deployment_config;
  const auto = cfg?.autoscaling_config;
  const parts = [`${running} running${total > running ? ` of ${total}` : ''}${d.target_num_replicas !== undefined ? ` (target ${d.target_num_replicas})` : ''}`];
  if (auto) {
    const atMax = auto.max_replicas !== undefined && running >= auto.max_replicas;
    parts.push(`min ${auto.min_replicas ?? '?'} / max ${auto.max_replicas ?? '?'}${atMax ? ' ⚠️ at max' : ''}`);
  } else if (typeof cfg?.num_replicas === 'number') {
    parts.push(`fixed ${cfg.num_replicas}`);
  }
  return parts.join(' · ');
}

function renderApp(name: string, app: ApplicationDetails): Block {
  const status = String(app.status ?? 'UNKNOWN');
  const lines = [`${APP_EMOJI[status] ?? '⚪'} *${escapeMrkdwn(name)}* ${status}`];
  if (app.message && status !== 'RUNNING') lines.push(`_${escapeMrkdwn(app.message.split('\n')[0] ?? '')}_`);
  for (const [depName, dep] of Object.entries(app.deployments ?? {})) {
    const depStatus = String(dep.status ?? 'UNKNOWN');
    lines.push(`${DEP_EMOJI[depStatus] ?? '⚪'} ${code(depName)} ${depStatus}\n      ${describeReplicas(dep)}`);
  }
  return section(lines.join('\n'));
}

/** `/serve-medic status [APP]`: one short section per application, deployments as lines. */
export function renderStatus(details: ServeInstanceDetails, cluster: string, application: string | undefined, nowMs: number): SlackMessage {
  const apps = Object.entries(details.applications ?? {}).filter(([name]) => application === undefined || name === application);
  if (apps.length === 0) {
    const known = Object.keys(details.applications ?? {});
    const problem = application === undefined ? 'No Serve applications are running' : `No application named ${code(application)}`;
    const hint = known.length > 0 ? `Known: ${known.map((k) => code(k)).join(', ')}` : '';
    return { text: `${problem} on ${cluster}`, blocks: [section(`${problem} on ${escapeMrkdwn(cluster)}.${hint ? `\n${hint}` : ''}`)] };
  }
  const blocks: Block[] = apps.slice(0, MAX_BLOCKS - 2).map(([name, app]) => renderApp(name, app));
  if (apps.length > MAX_BLOCKS - 2) blocks.push(section(`_…and ${apps.length - (MAX_BLOCKS - 2)} more applications_`));
  blocks.push(context(`${escapeMrkdwn(cluster)} · Serve REST API · ${new Date(nowMs).toISOString().slice(11, 16)} UTC`));
  const summary = apps.map(([name, app]) => `${name} ${app.status ?? 'UNKNOWN'}`).join(', ');
  return { text: `Serve status on ${cluster}: ${summary}`, blocks };
}
