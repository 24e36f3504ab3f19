import * as assert from 'assert';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'azmon-python.azure-monitor-python';

describe('Activation and commands', () => {
  it('runs in a real extension host on Node', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.ok(process.versions.node, 'the extension host is a Node process');
    console.log(`VS Code ${vscode.version}, Node ${process.version}, remote ${vscode.env.remoteName ?? 'none'}, uiKind ${vscode.env.uiKind}`);
  });

  it('is lazy: activates only on its events; the relay waits for a trigger (a command here)', async () => {
    const extension = vscode.extensions.getExtension<{ relayStatus(): { state: string } }>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed as the development extension`);
    const activationEvents = extension.packageJSON.activationEvents as string[];
    assert.ok(!activationEvents.includes('*') && !activationEvents.includes('onStartupFinished'), 'no eager activation');
    // The sample workspace contains Python, so `workspaceContains:**/*.py` may have activated it
    // already (terminals must get the relay's variables); the relay itself must not run yet.
    if (extension.isActive) {
      assert.strictEqual(extension.exports.relayStatus().state, 'stopped', 'no relay before any trigger');
    }
    await vscode.commands.executeCommand('azureMonitorPython.showLog');
    assert.strictEqual(extension.isActive, true);
    assert.notStrictEqual(extension.exports.relayStatus().state, 'stopped', 'the first command started the relay');
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
