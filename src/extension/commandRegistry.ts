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
 * How long after a command settles the relay starts, when that command did not start it itself.
 * VS Code passes the command's answer back through the workbench; a relay start in that window
 * (loading dist/relay.js, and on a first run making the loopback certificate: ~400 ms of CPU on a
 * busy machine) would hold the extension host while the answer comes back. The status bar shows
 * "starting" a moment later instead; a command that needs the relay awaits it at once.
 */
const RELAY_START_AFTER_COMMAND_MS = 500;

/** One pending start per window, cancelled on deactivation (a relay must not start after it stopped). */
const pendingStarts = new WeakMap<ExtensionContextState, NodeJS.Timeout>();

function startRelayAfterCommand(state: ExtensionContextState): void {
  if (state.relay.running || pendingStarts.has(state)) return;
  const timer = setTimeout(() => {
    pendingStarts.delete(state);
    state.relay.ensureStarted().catch(() => undefined); // its failure is logged and shown in the status bar
  }, RELAY_START_AFTER_COMMAND_MS);
  pendingStarts.set(state, timer);
  state.extensionContext.subscriptions.push({ dispose: () => clearTimeout(timer) });
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
