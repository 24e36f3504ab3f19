import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { InstallResult } from '../../../src/extension/commands/installPackages';
import type { RunResult } from '../../../src/extension/runWithTelemetry';
import { eventually, extensionApi } from '../extensionApi';
import { FakePython } from '../fakePython';
import { ui, uiDriverAvailable } from '../ui';

describe('Interpreter without the Python extension, and the install outcome', function () {
  this.timeout(120_000);
  let workspace: string;
  let fake: FakePython;

  before(async function () {
    workspace = process.env.AZMON_TEST_WORKSPACE ?? '';
    if (!workspace) this.skip();
    await extensionApi();
    fake = new FakePython(workspace);
    await fake.install();
  });

  after(async () => {
    await fake?.uninstall();
  });

  it("runs the file with the venv-like python.defaultInterpreterPath, names it, and reuses the file's terminal", async () => {
    const script = path.join(workspace, 'stdlib_telemetry.py');
    const uri = vscode.Uri.file(script);
    const first = await vscode.commands.executeCommand<RunResult | undefined>('azureMonitorPython.runPythonFile', uri);
    assert.ok(first, 'the command ran');
    assert.strictEqual(first.interpreterSource, 'setting');
    assert.ok(first.commandLine.startsWith(fake.executable) || first.commandLine.startsWith(`'${fake.executable}'`), first.commandLine);
    assert.match(first.terminalName, /stdlib_telemetry\.py \(\.fakevenv\)/, 'the terminal says which interpreter runs');
    assert.match(first.interpreter, /\.fakevenv\/bin\/python \(python\.defaultInterpreterPath, Python 3\.12\.1\)/);
    // The shell in the terminal really ran our stand-in with the file.
    await eventually('the fake interpreter ran the file', () => fake.calls().filter((call) => call === script).length === 1, 30_000);

    const named = () => vscode.window.terminals.filter((terminal) => terminal.name === first.terminalName);
    assert.strictEqual(named().length, 1);
    const terminal = named()[0];
    const second = await vscode.commands.executeCommand<RunResult | undefined>('azureMonitorPython.runPythonFile', uri);
    assert.strictEqual(second?.terminalName, first.terminalName);
    assert.strictEqual(named().length, 1, 'no second terminal for the same file');
    assert.strictEqual(named()[0], terminal, 'the same terminal');
    await eventually('the second run in the same terminal', () => fake.calls().filter((call) => call === script).length === 2, 30_000);

    // Closed by the user: the next run opens a new one instead of typing into a dead terminal.
    const closed = new Promise<void>((resolve) => {
      const listener = vscode.window.onDidCloseTerminal((gone) => {
        if (gone === terminal) {
          listener.dispose();
          resolve();
        }
      });
    });
    terminal.dispose();
    await closed;
    const third = await vscode.commands.executeCommand<RunResult | undefined>('azureMonitorPython.runPythonFile', uri);
    assert.strictEqual(third?.terminalName, first.terminalName);
    assert.strictEqual(named().length, 1);
    assert.notStrictEqual(named()[0], terminal, 'a new terminal replaced the closed one');
    await eventually('the run in the new terminal', () => fake.calls().filter((call) => call === script).length === 3, 30_000);
  });

  it("Install Python Packages runs pip with that interpreter and reports its failure with pip's reason", async () => {
    const result = await vscode.commands.executeCommand<InstallResult | undefined>('azureMonitorPython.installPackages', [
      'azure-monitor-opentelemetry',
    ]);
    assert.ok(result);
    assert.strictEqual(result.interpreterSource, 'setting');
    assert.strictEqual(result.succeeded, false);
    assert.strictEqual(result.exitCode, 1);
    assert.strictEqual(result.reason, 'No matching distribution found for azure-monitor-opentelemetry');
    assert.ok(fake.calls().includes('-m pip install azure-monitor-opentelemetry'), fake.calls().join('\n'));
    if (uiDriverAvailable) {
      const toast = '.notification-toast:has-text("Installing azure-monitor-opentelemetry failed")';
      await ui({ action: 'waitFor', selector: toast });
      const text = await ui<string>({ action: 'text', selector: toast });
      assert.match(text, /No matching distribution found for azure-monitor-opentelemetry/);
      assert.match(text, /Show Output/, "the action that opens pip's output");
    }
  });

  it('reports a successful install as installed', async () => {
    fake.pipSucceeds(true);
    try {
      const result = await vscode.commands.executeCommand<InstallResult | undefined>('azureMonitorPython.installPackages', [
        'opencensus-ext-azure',
      ]);
      assert.strictEqual(result?.succeeded, true);
      assert.strictEqual(result?.reason, undefined);
    } finally {
      fake.pipSucceeds(false);
    }
  });
});
