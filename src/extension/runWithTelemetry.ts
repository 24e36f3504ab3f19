/**
 * `Azure Monitor: Run Python File with Live Telemetry`, and the code lens above
 * `if __name__ == "__main__":` that offers the same.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { commandLine, defaultShellKind } from '../core/shellQuote';
import { openLivePanel, registerCommand } from './commandRegistry';
import type { ExtensionContextState } from './contextState';
import { relayVariables, RelayEnvironment } from './environment';
import type { Logger } from './log';
import { findPythonInterpreter } from './python';
import { COMMAND_IDS } from '../shared/commandIds';

export const RUN_COMMAND = COMMAND_IDS.runPythonFile;
const MAIN_GUARD = /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/;

export function registerRunCommands(state: ExtensionContextState): void {
  registerCommand(state, RUN_COMMAND, async (target?: unknown) => {
    const relay = await state.relay.ensureStarted();
    const result = await runPythonFileWithTelemetry(target instanceof vscode.Uri ? target : undefined, relay.environment, state.log);
    if (result) await openLivePanel(state);
    return result;
  });
  state.extensionContext.subscriptions.push(
    vscode.languages.registerCodeLensProvider([{ language: 'python', scheme: 'file' }], new MainGuardCodeLensProvider()),
  );
}

export interface RunResult {
  readonly terminalName: string;
  readonly commandLine: string;
}

export async function runPythonFileWithTelemetry(
  target: vscode.Uri | undefined,
  environment: RelayEnvironment,
  log: Logger,
): Promise<RunResult | undefined> {
  const uri = target ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri || !uri.fsPath.endsWith('.py')) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a Python file to run it with live telemetry.'));
    return undefined;
  }
  const document = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === uri.toString());
  if (document?.isDirty) {
    await document.save();
  }
  const interpreter = await findPythonInterpreter(uri);
  if (!interpreter) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No Python interpreter found. Install Python 3, or select an interpreter with "Python: Select Interpreter", then try again.'));
    return undefined;
  }
  const terminalName = vscode.l10n.t('Azure Monitor: {0}', path.basename(uri.fsPath));
  // The variables are also in the environment collection; passing them here covers terminals
  // whose shell integration re-reads a stale profile.
  const terminal = vscode.window.createTerminal({ name: terminalName, cwd: path.dirname(uri.fsPath), env: relayVariables(environment) });
  const line = commandLine([...interpreter.command, uri.fsPath], defaultShellKind());
  terminal.show(true);
  terminal.sendText(line, true);
  log.info(`Running ${uri.fsPath} with live telemetry: ${line}`);
  return { terminalName, commandLine: line };
}

export class MainGuardCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineAt(line).text;
      if (MAIN_GUARD.test(text)) {
        lenses.push(
          new vscode.CodeLens(new vscode.Range(line, 0, line, text.length), {
            title: vscode.l10n.t('$(pulse) Run with Live Telemetry'),
            command: RUN_COMMAND,
            arguments: [document.uri],
          }),
        );
      }
    }
    return lenses;
  }
}
