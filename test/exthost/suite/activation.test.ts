import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AzureMonitorPythonApi } from '../../../src/extension/api';
import { eventually, waitForRelayState } from '../extensionApi';
import { ui, uiDriverAvailable } from '../ui';

export const EXTENSION_ID = 'azmon-python.azure-monitor-python';

describe('Activation and commands', () => {
  it('runs in a real extension host on Node', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.ok(process.versions.node, 'the extension host is a Node process');
    console.log(
      `VS Code ${vscode.version}, Node ${process.version}, remote ${vscode.env.remoteName ?? 'none'}, uiKind ${vscode.env.uiKind}`,
    );
  });

  it('is lazy: activates only on its events; in a Python workspace the relay and its status item come up with no file opened', async () => {
    const extension = vscode.extensions.getExtension<AzureMonitorPythonApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed as the development extension`);
    const activationEvents = extension.packageJSON.activationEvents as string[];
    assert.ok(!activationEvents.includes('*') && !activationEvents.includes('onStartupFinished'), 'no eager activation');
    // The sample workspace contains Python: `workspaceContains:**/*.py` activates the extension,
    // which starts the relay (first run: the status item is there before any file or command).
    await eventually('activation by workspaceContains:**/*.py', () => extension.isActive, 60_000);
    assert.deepStrictEqual(
      vscode.workspace.textDocuments.filter((document) => document.languageId === 'python').map((document) => document.uri.toString()),
      [],
      'no Python file is open',
    );
    await waitForRelayState(extension.exports, (status) => status.url !== undefined, 'started for the Python workspace');
    if (uiDriverAvailable) {
      await ui({ action: 'waitFor', selector: '.statusbar-item:has-text("Azure Monitor:")' });
    }
  });

  it('registers every command it contributes, all in the "Azure Monitor" category', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    const contributed = extension.packageJSON.contributes.commands as { command: string; category: string }[];
    assert.ok(contributed.length >= 4);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command, category } of contributed) {
      assert.ok(registered.has(command), `${command} is registered`);
      assert.strictEqual(category, 'Azure Monitor', `${command} category`);
    }
  });
});
