/**
 * Issue 18: the command behind the panel's frame links opens the file at the line when the path is
 * in the workspace (also a path from another machine, by its trailing part), and never opens a file
 * outside the workspace without the user's yes: here VS Code refuses modal dialogs in tests, so
 * the answer is "no" and nothing may open.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './activation.test';

const OPEN_SOURCE = 'azureMonitorPython.openSourceLocation';

function workspaceFile(name: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with the sample workspace open');
  return path.join(folder.uri.fsPath, name);
}

describe('Source links (issue 18)', function () {
  this.timeout(60_000);
  let outsideDir: string;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-outside-'));
  });

  beforeEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(outsideDir, { recursive: true, force: true });
  });

  it('a workspace path opens at its line, the cursor on the first character of the code', async () => {
    const outcome = await vscode.commands.executeCommand<string>(OPEN_SOURCE, workspaceFile('app.py'), 10);
    assert.strictEqual(outcome, 'opened');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.strictEqual(editor.document.uri.fsPath, workspaceFile('app.py'));
    assert.strictEqual(editor.selection.active.line, 9);
    assert.strictEqual(editor.selection.active.character, 4, 'after the indentation of `logger.warning(…)`');
    assert.ok(
      editor.visibleRanges.some((range) => range.contains(editor.selection.active)),
      'the line is scrolled into view',
    );
  });

  it('a path from the machine the app ran on (/home/dev/app/app.py) maps to the workspace file', async () => {
    const outcome = await vscode.commands.executeCommand<string>(OPEN_SOURCE, '/home/dev/app/app.py', 16);
    assert.strictEqual(outcome, 'opened');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, workspaceFile('app.py'));
    assert.strictEqual(vscode.window.activeTextEditor?.selection.active.line, 15);
  });

  it('a file outside the workspace (also via ../..) is not opened without a yes', async () => {
    const outside = path.join(outsideDir, 'secret.py');
    fs.writeFileSync(outside, 'TOKEN = "not for you"\n');
    const relative = path.relative(path.dirname(workspaceFile('app.py')), outside);
    assert.ok(relative.startsWith('..'));
    for (const file of [outside, relative]) {
      const outcome = await vscode.commands.executeCommand<string>(OPEN_SOURCE, file, 1);
      assert.strictEqual(outcome, 'declined', file);
    }
    const opened = vscode.workspace.textDocuments.filter((document) => document.uri.fsPath === outside);
    assert.deepStrictEqual(opened, [], 'the outside file was never loaded');
  });

  it('UNC paths, file://host URLs and control characters are refused before the disk is touched', async () => {
    for (const file of [
      '\\\\evil-host\\share\\app.py',
      '//evil-host/share/app.py',
      'file://evil-host/share/app.py',
      'app.py\u0000',
      '<stdin>',
      'https://example.com/app.py',
    ]) {
      const outcome = await vscode.commands.executeCommand<string>(OPEN_SOURCE, file, 1);
      assert.strictEqual(outcome, 'refused', JSON.stringify(file));
    }
    assert.strictEqual(vscode.window.activeTextEditor, undefined, 'nothing opened');
  });
});
