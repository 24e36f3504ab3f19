/**
 * The one object that holds the extension's state for this window (in the style of
 * rust-analyzer's `Ctx`): built once on activation and handed to every `register…` function and
 * command, instead of module globals.
 */
import * as vscode from 'vscode';
import { Redactor } from '../core/redact';
import { ConnectionStringStore } from './connectionStringStore';
import { EntraIdTokens } from './entraId';
import { TerminalEnvironment } from './environment';
import { createLogger, Logger } from './log';
import { RelayController } from './relayController';

export interface ExtensionContextState {
  readonly extensionContext: vscode.ExtensionContext;
  readonly log: Logger;
  readonly redactor: Redactor;
  /** The real connection string, in SecretStorage only. */
  readonly connectionStrings: ConnectionStringStore;
  /** The local relay: `relay.ensureStarted()` before using it. */
  readonly relay: RelayController;
  /** The variables terminals get (the relay's local connection string, never the real one). */
  readonly terminalEnvironment: TerminalEnvironment;
}

/**
 * Synchronous: activation must not wait for the workspace state or a port probe. The relay plans
 * its port and key in the background (`relay.ready`); the terminals' variables are set when that is
 * done, before any start can bind (a start awaits the same plan), so a terminal opened first
 * already points at the relay. Until then the collection keeps what VS Code persisted from the
 * last window, which restored terminals were made with.
 */
export function createContextState(context: vscode.ExtensionContext): ExtensionContextState {
  const redactor = new Redactor();
  const channel = vscode.window.createOutputChannel('Azure Monitor', { log: true });
  const log = createLogger(channel, redactor);
  const connectionStrings = new ConnectionStringStore(context.secrets, redactor);
  const tokens = new EntraIdTokens(log);
  const terminalEnvironment = new TerminalEnvironment(context.environmentVariableCollection);
  const relay = new RelayController({
    storageDir: context.globalStorageUri.fsPath,
    connectionStrings,
    log,
    state: context.workspaceState,
    getToken: (scope) => tokens.get(scope),
  });
  context.subscriptions.push(
    channel,
    connectionStrings,
    relay,
    // Fires first when the plan is ready, then on each port or key change.
    relay.onDidChangeEnvironment((environment) => terminalEnvironment.apply(environment)),
  );
  return { extensionContext: context, log, redactor, connectionStrings, relay, terminalEnvironment };
}
