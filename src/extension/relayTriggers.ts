/**
 * When the relay starts without a command: the extension activates in a workspace that contains
 * Python, a Python file is opened, a debug session is resolved (see environment.ts), or a terminal
 * is created in a workspace that contains Python. Commands
 * start it themselves (commandRegistry.ts), as does the panel.
 */
import * as vscode from 'vscode';
import type { ExtensionContextState } from './contextState';

export function registerRelayTriggers(state: ExtensionContextState): void {
  const start = (reason: string): void => {
    if (state.relay.running || state.relay.status.state === 'starting') return;
    state.log.debug(`Starting the relay: ${reason}.`);
    state.relay.ensureStarted().catch(() => undefined); // logged and shown by the controller
  };
  const isPython = (document: vscode.TextDocument): boolean => document.languageId === 'python' && document.uri.scheme !== 'git';
  let workspaceHasPython: Promise<boolean> | undefined;
  const hasPython = (): Promise<boolean> =>
    (workspaceHasPython ??= Promise.resolve(vscode.workspace.findFiles('**/*.py', '**/{node_modules,.venv,venv,.git}/**', 1)).then(
      (files) => files.length > 0,
      () => false,
    ));

  state.extensionContext.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (isPython(document)) start(`opened ${document.uri.fsPath}`);
    }),
    vscode.window.onDidOpenTerminal(async (terminal) => {
      if (await hasPython()) start(`terminal "${terminal.name}" opened in a Python workspace`);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => (workspaceHasPython = undefined)),
  );
  if (vscode.workspace.textDocuments.some(isPython)) start('a Python file is open');
  // A Python workspace: the relay (and with it the status bar item) is there from the start, so
  // the first run needs no Python file opened first, and terminals VS Code restored (Reload Window,
  // restart) find the relay at the address kept for this workspace.
  else void hasPython().then((python) => python && start('the workspace contains Python'));
}
