import type { App } from '@slack/bolt';
import type { ActionRegistrar } from './actions/index.js';
import { registerActions } from './actions/index.js';
import type { ServeMedicCommandDeps } from './commands/index.js';
import { registerCommands } from './commands/index.js';

export type { ActionRegistrar } from './actions/index.js';

/** One registration function per Slack surface, as in bolt-ts-starter-template. */
export function registerListeners(app: App, deps: { readonly commands: ServeMedicCommandDeps; readonly actions: readonly ActionRegistrar[] }): void {
  registerCommands(app, deps.commands);
  registerActions(app, deps.actions);
}
