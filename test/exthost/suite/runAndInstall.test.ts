import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { InstallResult } from '../../../src/extension/commands/installPackages';
import type { RunResult } from '../../../src/extension/runWithTelemetry';
import { extensionApi, waitForRelayState } from '../extensionApi';
import { ui, uiDriverAvailable } from '../ui';

describe('Run with Live Telemetry and Install Python Packages', function () {
  this.timeout(90_000);
  let workspace: string;

  before(async function () {
    workspace = process.env.AZMON_TEST_WORKSPACE ?? '';
    if (!workspace) this.skip();
    await extensionApi();
  });

  it('a code lens above `if __name__ == "__main__":` offers the run command for that file', async () => {
    const uri = vscode.Uri.file(path.join(workspace, 'stdlib_telemetry.py'));
    const document = await vscode.workspace.openTextDocument(uri);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const ours = lenses.filter((lens) => lens.command?.command === 'azureMonitorPython.runPythonFile');
    assert.strictEqual(ours.length, 1, JSON.stringify(lenses.map((lens) => lens.command?.title)));
    const guardLine = document
      .getText()
      .split('\n')
      .findIndex((line) => line.startsWith('if __name__ == "__main__":'));
    assert.strictEqual(ours[0].range.start.line, guardLine);
    assert.strictEqual((ours[0].command!.arguments![0] as vscode.Uri).fsPath, uri.fsPath);
  });

  it("the lens's command runs the file in a terminal with the relay variables: its items reach the relay", async () => {
    const api = await extensionApi();
    await api.startRelay();
    const before = api.relayStatus().itemsReceived;
    const uri = vscode.Uri.file(path.join(workspace, 'stdlib_telemetry.py'));
    const result = await vscode.commands.executeCommand<RunResult | undefined>('azureMonitorPython.runPythonFile', uri);
    assert.ok(result, 'the command ran');
    assert.match(result.commandLine, /stdlib_telemetry\.py'?$/);
    assert.ok(vscode.window.terminals.some((terminal) => terminal.name === result.terminalName));
    // The script posts a request and a log line with the injected connection string.
    await waitForRelayState(api, (status) => status.itemsReceived >= before + 2, "the script's two items", 45_000);
  });

  it('Install Python Packages runs `python -m pip install` as a watched process, with the interpreter found on PATH', async () => {
    // The machine is offline: the real pip fails, and the outcome says so.
    const result = await vscode.commands.executeCommand<InstallResult | undefined>('azureMonitorPython.installPackages', [
      'azure-monitor-opentelemetry',
    ]);
    assert.ok(result);
    assert.strictEqual(result.interpreterSource, 'path', 'no Python extension, no setting, no venv here: python3 from PATH');
    assert.match(result.commandLine, /^python3 -m pip install azure-monitor-opentelemetry$/);
    assert.strictEqual(typeof result.succeeded, 'boolean');
    if (!result.succeeded) assert.ok(result.reason, 'a failure comes with its reason');
  });

  it('refuses something that is not a package name (nothing reaches a shell)', async () => {
    const result = await vscode.commands.executeCommand<InstallResult | undefined>('azureMonitorPython.installPackages', [
      'requests; rm -rf ~',
    ]);
    assert.strictEqual(result, undefined);
  });

  it('says clearly when no Python interpreter is found', async function () {
    if (!uiDriverAvailable) this.skip();
    // The tests share the extension host's process: with an empty PATH, no python3 can be found.
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      const result = await vscode.commands.executeCommand<InstallResult | undefined>('azureMonitorPython.installPackages', [
        'azure-monitor-opentelemetry',
      ]);
      assert.strictEqual(result, undefined);
    } finally {
      process.env.PATH = path;
    }
    await ui({ action: 'waitFor', selector: '.notification-toast:has-text("No Python interpreter found")' });
    const toast = await ui<string>({ action: 'text', selector: '.notification-toast:has-text("No Python interpreter found")' });
    assert.match(toast, /Install Python 3, or select an interpreter with "Python: Select Interpreter"/);
  });
});
