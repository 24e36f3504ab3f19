/**
 * First run: the walkthrough opens by itself once, on the first activation in a workspace that
 * contains Python (remembered in globalState, so never again on this machine), unless the user
 * turned off `workbench.welcomePage.walkthroughs.openOnInstall`. Not during extension tests, which
 * run it through the internal command instead.
 */
import * as vscode from 'vscode';
import { registerCommand } from './commandRegistry';
import type { ExtensionContextState } from './contextState';
import { COMMAND_IDS } from '../shared/commandIds';

export const WALKTHROUGH_ID = 'setUpPythonMonitoring';
/** globalState key: the walkthrough was opened once by the extension. */
export const WALKTHROUGH_SHOWN_KEY = 'azureMonitorPython.walkthroughShown';
/** Internal (not in the palette): runs the first-run check now; returns whether it opened the walkthrough. */
export const FIRST_RUN_COMMAND = COMMAND_IDS.firstRun;

export function registerFirstRun(state: ExtensionContextState): void {
  registerCommand(state, FIRST_RUN_COMMAND, () => openWalkthroughOnce(state));
  // Tests open windows by the dozen: a walkthrough taking the editor would get in their way.
  if (state.extensionContext.extensionMode === vscode.ExtensionMode.Test) return;
  // The browser-test harness's switch (the extension host inherits it): user settings can reach
  // the extension host of a web workbench only after activation.
  if (process.env.AZMON_FIRST_RUN_WALKTHROUGH === 'off') return;
  void automaticFirstRun(state).catch((error: unknown) =>
    state.log.warn(`The walkthrough could not be opened: ${error instanceof Error ? error.message : String(error)}`),
  );
}

async function automaticFirstRun(state: ExtensionContextState): Promise<boolean> {
  // VS Code's own switch for walkthroughs opening by themselves.
  if (!vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall', true)) return false;
  return openWalkthroughOnce(state);
}

async function openWalkthroughOnce(state: ExtensionContextState): Promise<boolean> {
  const { globalState, extension } = state.extensionContext;
  if (globalState.get<boolean>(WALKTHROUGH_SHOWN_KEY)) {
    state.log.info('The walkthrough was opened on an earlier first run: not again.');
    return false;
  }
  if (!(await workspaceContainsPython())) return false;
  // Remembered before opening: a second window activating at the same time must not open it too.
  await globalState.update(WALKTHROUGH_SHOWN_KEY, true);
  state.log.info('First activation in a Python workspace: opening the walkthrough.');
  const title = (extension.packageJSON as { displayName?: string }).displayName;
  // Early in the window's start the workbench may not know the extension's walkthroughs yet: it
  // then shows its Welcome page, and asking again once they are known selects ours (asking again
  // while ours is shown changes nothing). Stops when its tab ("Walkthrough: <extension name>")
  // is there, or when the user has moved on to (or opened) a file, a panel or another editor.
  const editorsBefore = knownEditorTabs();
  for (const waitMs of RETRY_WAITS_MS) {
    if (userMovedOn() || knownEditorTabs() > editorsBefore) break;
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extension.id}#${WALKTHROUGH_ID}`, false);
    if (title && (await tabAppears((tab) => tab.input === undefined && tab.label.includes(title), waitMs))) break;
    if (!title) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  return true;
}

/** How long to watch for the walkthrough's tab after each request (about 8 s in all). */
const RETRY_WAITS_MS = [500, 1000, 2000, 4000];

/** The active tab is a file, a webview or another known editor: not the walkthrough (whose input VS Code does not expose). */
function userMovedOn(): boolean {
  const active = vscode.window.tabGroups.activeTabGroup.activeTab;
  return active !== undefined && active.input !== undefined;
}

/** Tabs of files, webviews and other editors VS Code describes (the walkthrough's is not one). */
function knownEditorTabs(): number {
  return allTabs().filter((tab) => tab.input !== undefined).length;
}

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs);
}

/** Resolves true as soon as a tab matches, false after `timeoutMs`. */
function tabAppears(matches: (tab: vscode.Tab) => boolean, timeoutMs: number): Promise<boolean> {
  if (allTabs().some(matches)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (found: boolean): void => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(found);
    };
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (allTabs().some(matches)) done(true);
    });
    const timer = setTimeout(() => done(false), timeoutMs);
  });
}

async function workspaceContainsPython(): Promise<boolean> {
  if (!vscode.workspace.workspaceFolders?.length) return false;
  const files = await vscode.workspace.findFiles('**/*.py', '**/{node_modules,.venv,venv,.git}/**', 1);
  return files.length > 0;
}
