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
import { describeInterpreter, findPythonInterpreter, PythonInterpreter } from './python';
import { COMMAND_IDS } from '../shared/commandIds';

export const RUN_COMMAND = COMMAND_IDS.runPythonFile;
const MAIN_GUARD = /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/;

/** Told each run before it starts (the telemetry history makes it a run of its own). */
export type RunLaunchListener = (file: string, terminal: vscode.Terminal) => void;

export function registerRunCommands(state: ExtensionContextState, onLaunch?: RunLaunchListener): void {
  const runTerminals = new RunTerminals();
  state.extensionContext.subscriptions.push(runTerminals);
  registerCommand(state, RUN_COMMAND, async (target?: unknown) => {
    const relay = await state.relay.ensureStarted();
    const result = await runPythonFileWithTelemetry(
      target instanceof vscode.Uri ? target : undefined,
      relay.environment,
      state.log,
      runTerminals,
      onLaunch,
    );
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
  /** Which Python ran, as told to the user (path, where it was found, version). */
  readonly interpreter: string;
  readonly interpreterSource: PythonInterpreter['source'];
}

export async function runPythonFileWithTelemetry(
  target: vscode.Uri | undefined,
  environment: RelayEnvironment,
  log: Logger,
  runTerminals: RunTerminals,
  onLaunch?: RunLaunchListener,
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
  const interpreter = await findPythonInterpreter(uri, log);
  if (!interpreter) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'No Python interpreter found. Install Python 3, or select an interpreter with "Python: Select Interpreter", then try again.',
      ),
    );
    return undefined;
  }
  const variables = relayVariables(environment);
  const terminal = runTerminals.terminalFor(uri, interpreter, variables);
  const line = commandLine([...interpreter.command, uri.fsPath], defaultShellKind());
  terminal.show(true);
  onLaunch?.(uri.fsPath, terminal);
  terminal.sendText(line, true);
  const described = describeInterpreter(interpreter);
  log.info(`Running ${uri.fsPath} with live telemetry in "${terminal.name}", interpreter ${described}: ${line}`);
  // Which Python runs decides which packages are there: said where the user looks, not only in the log.
  vscode.window.setStatusBarMessage(vscode.l10n.t('$(pulse) Running with {0}', described), 10_000);
  return { terminalName: terminal.name, commandLine: line, interpreter: described, interpreterSource: interpreter.source };
}

/**
 * One terminal per file, reused run after run (as the Python extension does) instead of a new one
 * each time. A closed terminal is forgotten; a terminal created for another interpreter or relay
 * address is replaced, since its name and environment would no longer be true.
 */
export class RunTerminals implements vscode.Disposable {
  private readonly byFile = new Map<string, { terminal: vscode.Terminal; key: string }>();
  private readonly closed = vscode.window.onDidCloseTerminal((terminal) => {
    for (const [file, entry] of this.byFile) if (entry.terminal === terminal) this.byFile.delete(file);
  });

  terminalFor(uri: vscode.Uri, interpreter: PythonInterpreter, variables: Record<string, string>): vscode.Terminal {
    const file = uri.toString();
    const key = JSON.stringify([interpreter.command, variables]);
    const existing = this.byFile.get(file);
    if (existing && existing.terminal.exitStatus === undefined && existing.key === key) return existing.terminal;
    existing?.terminal.dispose();
    const name = vscode.l10n.t('Azure Monitor: {0} ({1})', path.basename(uri.fsPath), interpreterLabel(interpreter));
    // The variables are also in the environment collection; passing them here covers terminals
    // whose shell integration re-reads a stale profile.
    const terminal = vscode.window.createTerminal({ name, cwd: path.dirname(uri.fsPath), env: variables });
    this.byFile.set(file, { terminal, key });
    return terminal;
  }

  dispose(): void {
    this.closed.dispose();
    this.byFile.clear();
  }
}

/** `.venv` for `…/.venv/bin/python`, else the executable's name: short enough for a terminal tab. */
function interpreterLabel(interpreter: PythonInterpreter): string {
  if (interpreter.source === 'path') return interpreter.command.join(' ');
  const executable = interpreter.command[0];
  const inEnvironment = /([^\\/]+)[\\/](?:bin|Scripts)[\\/]python[^\\/]*$/i.exec(executable);
  return inEnvironment ? inEnvironment[1] : path.basename(executable);
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
