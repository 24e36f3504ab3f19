/**
 * First run: the walkthrough opens by itself once, on the first activation in a workspace that
 * contains Python (remembered in globalState, so never again on this machine). Not during
 * extension tests, which run it through the internal command instead.
 */
import * as vscode from 'vscode';
import { registerCommand } from './commandRegistry';
import type { ExtensionContextState } from './contextState';

export const WALKTHROUGH_ID = 'setUpPythonMonitoring';
/** globalState key: the walkthrough was opened once by the extension. */
export const WALKTHROUGH_SHOWN_KEY = 'azureMonitorPython.walkthroughShown';
/** Internal (not in the palette): runs the first-run check now; returns whether it opened the walkthrough. */
export const FIRST_RUN_COMMAND = 'azureMonitorPython.firstRun';

export function registerFirstRun(state: ExtensionContextState): void {
  registerCommand(state, FIRST_RUN_COMMAND, () => openWalkthroughOnce(state));
  // Tests open windows by the dozen: a walkthrough taking the editor would get in their way.
  if (state.extensionContext.extensionMode === vscode.ExtensionMode.Test) return;
  void openWalkthroughOnce(state).catch((error: unknown) => state.log.warn(`The walkthrough could not be opened: ${error instanceof Error ? error.message : String(error)}`));
}

async function openWalkthroughOnce(state: ExtensionContextState): Promise<boolean> {
  const { globalState, extension } = state.extensionContext;
  if (globalState.get<boolean>(WALKTHROUGH_SHOWN_KEY)) return false;
  if (!(await workspaceContainsPython())) return false;
  // Remembered before opening: a second window activating at the same time must not open it too.
  await globalState.update(WALKTHROUGH_SHOWN_KEY, true);
  state.log.info('First activation in a Python workspace: opening the walkthrough.');
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extension.id}#${WALKTHROUGH_ID}`, false);
  return true;
}

async function workspaceContainsPython(): Promise<boolean> {
  if (!vscode.workspace.workspaceFolders?.length) return false;
  const files = await vscode.workspace.findFiles('**/*.py', '**/{node_modules,.venv,venv,.git}/**', 1);
  return files.length > 0;
}
