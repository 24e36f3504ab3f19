/**
 * How commands are registered: each one starts the relay (the first command of a window is one of
 * its lazy start triggers), and a failing command shows one clear message and logs the details
 * instead of failing silently.
 */
import * as vscode from 'vscode';
import type { ExtensionContextState } from './contextState';

export type CommandHandler = (...args: unknown[]) => unknown;

export function registerCommand(state: ExtensionContextState, id: string, handler: CommandHandler): void {
  const { log } = state;
  const wrapped = async (...args: unknown[]): Promise<unknown> => {
    state.relay.ensureStarted().catch(() => undefined); // its failure is logged and shown in the status bar
    try {
      return await handler(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Azure Monitor: {0}', message));
      return undefined;
    }
  };
  state.extensionContext.subscriptions.push(vscode.commands.registerCommand(id, wrapped));
}

export function registerCommands(state: ExtensionContextState, commands: Record<string, CommandHandler>): void {
  for (const [id, handler] of Object.entries(commands)) registerCommand(state, id, handler);
}

export const OPEN_LIVE_TELEMETRY_COMMAND = 'azureMonitorPython.openLiveTelemetry';

/** Opens the live panel when that command is there (it is registered by the panel module). */
export async function openLivePanel(state: ExtensionContextState): Promise<boolean> {
  const available = (await vscode.commands.getCommands(true)).includes(OPEN_LIVE_TELEMETRY_COMMAND);
  if (!available) {
    state.log.warn('The live telemetry panel is not available in this build.');
    return false;
  }
  await vscode.commands.executeCommand(OPEN_LIVE_TELEMETRY_COMMAND);
  return true;
}
