/**
 * Issue 13 items 8 and 10 in the real workbench: Export asks where (the save dialog, answered
 * through the UI driver) and confirms with Open/Reveal; Clear asks first and the status bar count
 * restarts with it; the walkthrough opens once.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AzureMonitorPythonApi } from '../../../src/extension/api';
import { connectionStringPart, eventually, extensionApi, messageEnvelope, postJson } from '../extensionApi';
import { notificationInCenter, QUICK_INPUT, ui, uiDriverAvailable } from '../ui';

const EXPORT = 'azureMonitorPython.exportLiveTelemetry';
const CLEAR = 'azureMonitorPython.clearLiveTelemetry';
const FIRST_RUN = 'azureMonitorPython.firstRun';
const STATUS_ITEM = '.statusbar-item:has-text("Azure Monitor:")';
const DEFAULT_NAME = /telemetry-\d{8}-\d{6}\.ndjson$/;

function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'the tests run in the sample workspace');
  return folder;
}

const exportsIn = (folder: string): string[] =>
  fs
    .readdirSync(folder)
    .filter((name) => DEFAULT_NAME.test(name))
    .sort();

async function sendMessages(api: AzureMonitorPythonApi, count: number, text: string): Promise<void> {
  const relay = await api.startRelay();
  const key = connectionStringPart(relay.localConnectionString, 'InstrumentationKey')!;
  const envelopes = Array.from({ length: count }, (_, index) => messageEnvelope(key, `${text} ${index}`));
  const reply = await postJson(`${relay.url}v2.1/track`, envelopes);
  assert.strictEqual(reply.status, 200, reply.body);
}

async function statusItemText(): Promise<string> {
  return (await ui<string>({ action: 'text', selector: STATUS_ITEM })).replace(/\s+/g, ' ').trim();
}

/** The buffer as Export writes it (through the command's Uri argument: no dialog). */
async function exportedLines(file: string): Promise<string[]> {
  await vscode.commands.executeCommand(EXPORT, vscode.Uri.file(file));
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}

describe('Export and Clear feedback, first run (issue 13)', function () {
  this.timeout(90_000);
  let api: AzureMonitorPythonApi;
  let scratch: string;

  before(async function () {
    if (!uiDriverAvailable) this.skip(); // the dialogs and the status bar are read in the workbench
    api = await extensionApi();
    scratch = fs.mkdtempSync(path.join(workspaceFolder(), '..', 'feedback-'));
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    if (!scratch) return;
    for (const name of exportsIn(workspaceFolder())) fs.rmSync(path.join(workspaceFolder(), name));
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('Export asks where: the save dialog proposes telemetry-<timestamp>.ndjson in the workspace folder; Escape writes nothing', async () => {
    await sendMessages(api, 2, 'before a cancelled export');
    const before = exportsIn(workspaceFolder());
    const pending = vscode.commands.executeCommand<vscode.Uri | undefined>(EXPORT);
    await ui({ action: 'waitFor', selector: QUICK_INPUT });
    const proposed = await eventually('the proposed file name', async () => {
      const value = await ui<string>({ action: 'value', selector: QUICK_INPUT });
      return DEFAULT_NAME.test(value) ? value : undefined;
    });
    assert.ok(
      proposed.endsWith(`${path.basename(workspaceFolder())}/${proposed.split('/').pop()}`),
      `in the workspace folder: ${proposed}`,
    );
    await ui({ action: 'press', key: 'Escape' });
    assert.strictEqual(await pending, undefined, 'cancelled');
    assert.deepStrictEqual(exportsIn(workspaceFolder()), before, 'no file written');
  });

  it('Export to the proposed file confirms with a notification; its Open action opens the file, Reveal is offered', async () => {
    await sendMessages(api, 3, 'exported through the dialog');
    const pending = vscode.commands.executeCommand<vscode.Uri | undefined>(EXPORT);
    await ui({ action: 'waitFor', selector: QUICK_INPUT });
    await eventually('the proposed file name', async () => DEFAULT_NAME.test(await ui<string>({ action: 'value', selector: QUICK_INPUT })));
    await ui({ action: 'press', key: 'Enter' });
    const written = await pending;
    assert.ok(written, 'the command returns the file it wrote');
    assert.strictEqual(path.dirname(written.fsPath), workspaceFolder());
    const lines = fs
      .readFileSync(written.fsPath, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0);
    assert.ok(
      lines.some((line) => line.includes('exported through the dialog 2')),
      'the buffer is in the file',
    );

    const entry = await notificationInCenter(path.basename(written.fsPath));
    assert.match(
      await ui<string>({ action: 'text', selector: entry }),
      new RegExp(`Exported ${lines.length} items to ${path.basename(written.fsPath)}`),
    );
    await ui({ action: 'waitFor', selector: `${entry} .monaco-button:has-text("Reveal")` });
    await ui({ action: 'click', selector: `${entry} .monaco-button:has-text("Open")` });
    await eventually('the exported file in an editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === written.fsPath);
  });

  it('Clear asks first: when VS Code cannot ask, nothing is cleared; with the question turned off it clears and the status bar count restarts', async () => {
    const config = vscode.workspace.getConfiguration('azureMonitorPython');
    const setConfirm = (value: boolean | undefined) => config.update('panel.confirmClear', value, vscode.ConfigurationTarget.Global);
    const statusBarShows = async (count: number | undefined): Promise<void> => {
      let shown = '';
      const wanted = (text: string) => (count === undefined ? !text.includes('·') : text.endsWith(`· ${count}`));
      await eventually(`the status bar count ${count ?? 'gone'}`, async () => wanted((shown = await statusItemText()))).catch(
        (error: Error) => {
          throw new Error(`${error.message}; the status bar says "${shown}"`);
        },
      );
    };
    try {
      // From an empty buffer, so the counts below are exact.
      await setConfirm(false);
      assert.strictEqual(await vscode.commands.executeCommand<boolean>(CLEAR), true);
      await statusBarShows(undefined);
      await sendMessages(api, 3, 'kept, then cleared');
      await statusBarShows(3);

      // Asked (the default). Extension tests: VS Code refuses modal dialogs ("DialogService:
      // refused to show dialog in tests"), and a question nobody answered must not clear.
      await setConfirm(undefined);
      assert.strictEqual(await vscode.commands.executeCommand<boolean>(CLEAR), false);
      assert.strictEqual(
        (await exportedLines(path.join(scratch, 'not-cleared.ndjson'))).filter((line) => line.includes('kept, then cleared')).length,
        3,
      );
      await statusBarShows(3);

      await setConfirm(false);
      assert.strictEqual(await vscode.commands.executeCommand<boolean>(CLEAR), true);
      assert.deepStrictEqual(await exportedLines(path.join(scratch, 'cleared.ndjson')), [], 'the buffer is empty');
      await statusBarShows(undefined);
      await sendMessages(api, 1, 'after Clear');
      await statusBarShows(1);
    } finally {
      await setConfirm(undefined);
    }
  });

  it('the walkthrough opens on the first run in a Python workspace, and not on the next', async () => {
    const walkthroughTabs = (): vscode.Tab[] =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .filter((tab) => /Monitor a Python app|Walkthrough|Welcome/.test(tab.label));
    assert.deepStrictEqual(
      walkthroughTabs().map((tab) => tab.label),
      [],
      'not opened by the activation of a test run',
    );
    assert.strictEqual(await vscode.commands.executeCommand<boolean>(FIRST_RUN), true, 'first run: opened');
    await eventually('the walkthrough tab', () => walkthroughTabs().length === 1);
    await ui({ action: 'waitFor', selector: '.gettingStartedContainer :text("Open the live panel")' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual(await vscode.commands.executeCommand<boolean>(FIRST_RUN), false, 'remembered: not again');
    assert.strictEqual(walkthroughTabs().length, 0);
  });
});
