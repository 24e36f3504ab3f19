/**
 * How commands are registered: each one starts the relay once it is done (the first command of a
 * window is one of its lazy start triggers; a command that needs the relay awaits
 * `state.relay.ensureStarted()` itself), and a failing command shows one clear message and logs the
 * details instead of failing silently.
 */
import * as vscode from 'vscode';
import { COMMAND_IDS, CommandId } from '../shared/commandIds';
import type { ExtensionContextState } from './contextState';

export type CommandHandler = (...args: unknown[]) => unknown;

export function registerCommand(state: ExtensionContextState, id: CommandId, handler: CommandHandler): void {
  const { log } = state;
  const wrapped = async (...args: unknown[]): Promise<unknown> => {
    try {
      return await handler(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Azure Monitor: {0}', message));
      return undefined;
    } finally {
      startRelayAfterCommand(state);
    }
  };
  state.extensionContext.subscriptions.push(vscode.commands.registerCommand(id, wrapped));
}

/**
 * The relay start (loading dist/relay.js, the store, the certificate) would hold the extension host
 * while VS Code waits for the command's answer: it starts on the next timer turn instead, after the
 * answer has been sent.
 */
function startRelayAfterCommand(state: ExtensionContextState): void {
  if (state.relay.running) return;
  setTimeout(() => state.relay.ensureStarted().catch(() => undefined), 0); // its failure is logged and shown in the status bar
}

export function registerCommands(state: ExtensionContextState, commands: Partial<Record<CommandId, CommandHandler>>): void {
  for (const [id, handler] of Object.entries(commands) as [CommandId, CommandHandler][]) registerCommand(state, id, handler);
}

export const OPEN_LIVE_TELEMETRY_COMMAND = COMMAND_IDS.openLiveTelemetry;

/** Opens the live panel (its command is registered at activation, through this registry). */
export async function openLivePanel(_state: ExtensionContextState): Promise<boolean> {
  await vscode.commands.executeCommand(OPEN_LIVE_TELEMETRY_COMMAND);
  return true;
}
