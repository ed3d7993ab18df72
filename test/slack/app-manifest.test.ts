import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SLACK_EVENTS_PATH } from '../../src/service/slack/create-slack-app.js';
import { SLASH_COMMAND } from '../../src/service/slack/listeners/commands/serve-medic-command.js';

interface Manifest {
  features: { slash_commands: { command: string; url: string; should_escape: boolean }[]; bot_user: unknown };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean; event_subscriptions?: unknown };
}

describe('deploy/slack-app-manifest.yaml', () => {
  const manifest = parse(readFileSync(new URL('../../deploy/slack-app-manifest.yaml', import.meta.url), 'utf8')) as Manifest;

  it('asks for exactly the scopes the service uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['chat:write', 'commands', 'files:write', 'usergroups:read']);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    expect(manifest.settings.event_subscriptions).toBeUndefined();
  });

  it('points the slash command and interactivity at /slack/events, Socket Mode off', () => {
    const [cmd] = manifest.features.slash_commands;
    expect(manifest.features.slash_commands).toHaveLength(1);
    expect(cmd?.command).toBe(SLASH_COMMAND);
    expect(new URL(cmd!.url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(cmd?.should_escape).toBe(false);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toBe('https://serve-medic.example.com/slack/events');
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});
