/**
 * Entry point of the extension host side. Activation is lazy (a command or a Python file): it
 * builds the {@link ExtensionContextState} once and registers the commands; all state lives there,
 * not in module globals.
 */
import * as vscode from 'vscode';
import { Redactor } from '../core/redact';
import { clearConnectionString, setConnectionString, showConnectionString } from './commands/connectionStringCommands';
import { ConnectionStringStore } from './connectionStringStore';
import { createLogger, Logger } from './log';

export interface ExtensionContextState {
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly connectionStrings: ConnectionStringStore;
}

export function activate(context: vscode.ExtensionContext): void {
  const redactor = new Redactor();
  const channel = vscode.window.createOutputChannel('Azure Monitor', { log: true });
  const log = createLogger(channel, redactor);
  const connectionStrings = new ConnectionStringStore(context.secrets, redactor);
  const state: ExtensionContextState = { log, redactor, connectionStrings };
  context.subscriptions.push(channel, connectionStrings);

  registerCommands(context, state);
  log.info(`Azure Monitor for Python ${context.extension.packageJSON.version as string} activated (VS Code ${vscode.version}).`);
}

function registerCommands(context: vscode.ExtensionContext, state: ExtensionContextState): void {
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'azureMonitorPython.setConnectionString': () => setConnectionString(state.connectionStrings, state.log),
    'azureMonitorPython.showConnectionString': () => showConnectionString(state.connectionStrings, state.log),
    'azureMonitorPython.clearConnectionString': () => clearConnectionString(state.connectionStrings, state.log),
    'azureMonitorPython.showLog': () => state.log.show(),
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, withErrorReporting(id, handler, state.log)));
  }
}

/** A failing command shows one clear message and logs the details, instead of failing silently. */
function withErrorReporting(id: string, handler: (...args: unknown[]) => unknown, log: Logger) {
  return async (...args: unknown[]): Promise<unknown> => {
    try {
      return await handler(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Azure Monitor: {0}', message));
      return undefined;
    }
  };
}

export function deactivate(): void {
  // Everything is registered in context.subscriptions and disposed by VS Code.
}
