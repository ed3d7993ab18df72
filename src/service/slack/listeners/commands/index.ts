import type { App } from '@slack/bolt';
import type { ServeMedicCommandDeps } from './serve-medic-command.js';
import { registerServeMedicCommand } from './serve-medic-command.js';

export type { ServeMedicCommandDeps } from './serve-medic-command.js';

export function registerCommands(app: App, deps: ServeMedicCommandDeps): void {
  registerServeMedicCommand(app, deps);
}
