import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { InsertSnippetResult } from '../../../src/extension/commands/insertSnippet';
import { EXTENSION_ID } from '../extensionApi';
import { QUICK_INPUT, ui, uiDriverAvailable } from '../ui';

const INSERT = 'azureMonitorPython.insertSnippet';
const CONFIGURE_IMPORT = 'from azure.monitor.opentelemetry import configure_azure_monitor';

function workspaceFile(name: string, content: string): vscode.Uri {
  const folder = process.env.AZMON_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'the tests run with a workspace folder');
  const file = path.join(folder, name);
  fs.writeFileSync(file, content);
  return vscode.Uri.file(file);
}

const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;

function assertCompiles(text: string): void {
  execFileSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), "snippet.py", "exec")'], { input: text });
}

/** What the file's interpreter (python3 here) lacks, asked independently of the extension. */
function notInstalled(packages: readonly string[]): string[] {
  const script =
    'import sys, importlib.metadata as m\nfor n in sys.argv[1:]:\n    try: m.distribution(n)\n    except m.PackageNotFoundError: print(n)';
  const out = execFileSync('python3', ['-c', script, ...packages], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '');
}

describe('Instrumentation snippets in the editor', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('inserts into a real editor: imports merged once, CRLF and tabs kept; inserting again changes nothing', async () => {
    const original = 'import logging\r\nimport os\r\n\r\n\r\ndef main():\r\n\tif os.environ.get("X"):\r\n\t\treturn 1\r\n\treturn 0\r\n';
    const uri = workspaceFile('snippet_target.py', original);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const first = await vscode.commands.executeCommand<InsertSnippetResult>(INSERT, { snippetId: 'otel-logs', offerInstall: false });
    assert.ok(first, 'the command returns what it did');
    assert.strictEqual(first.changed, true);
    assert.deepStrictEqual(first.addedImports, [CONFIGURE_IMPORT], 'import logging was already there');
    const text = editor.document.getText();
    assert.strictEqual(editor.document.eol, vscode.EndOfLine.CRLF);
    assert.strictEqual(count(text, /(?<!\r)\n/), 0, 'no bare LF was introduced');
    assert.strictEqual(count(text, /^import logging\r$/), 1);
    assert.strictEqual(count(text, /^from azure\.monitor\.opentelemetry import configure_azure_monitor\r$/), 1);
    assert.ok(text.indexOf(CONFIGURE_IMPORT) < text.indexOf('configure_azure_monitor()'), 'imports first, set-up after');
    assert.ok(
      text.endsWith('def main():\r\n\tif os.environ.get("X"):\r\n\t\treturn 1\r\n\treturn 0\r\n'),
      'the rest of the file is untouched',
    );
    assertCompiles(text);

    const second = await vscode.commands.executeCommand<InsertSnippetResult>(INSERT, { snippetId: 'otel-logs', offerInstall: false });
    assert.strictEqual(second?.changed, false);
    assert.strictEqual(editor.document.getText(), text, 'idempotent');

    // Another snippet merges: the distro is configured once, trace joins the imports.
    const third = await vscode.commands.executeCommand<InsertSnippetResult>(INSERT, { snippetId: 'otel-traces', offerInstall: false });
    const merged = editor.document.getText();
    assert.strictEqual(third?.changed, true);
    assert.strictEqual(count(merged, /^configure_azure_monitor\(\)\r$/), 1);
    assert.strictEqual(count(merged, /^from opentelemetry import trace\r$/), 1);
    assert.match(merged, /^tracer = trace\.get_tracer\(__name__\)\r$/m);
    assertCompiles(merged);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('takes a plain snippet id too, and offers the packages the interpreter lacks', async () => {
    const uri = workspaceFile('snippet_packages.py', 'print("hi")\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const result = await vscode.commands.executeCommand<InsertSnippetResult>(INSERT, 'otel-flask');
    assert.strictEqual(result?.snippetId, 'otel-flask');
    assert.deepStrictEqual(result.packages, ['azure-monitor-opentelemetry', 'flask']);
    assert.deepStrictEqual(result.offeredPackages, notInstalled(result.packages));
    assert.match(editor.document.getText(), /^configure_azure_monitor\(\)\napp = Flask\(__name__\)$/m);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('with no Python editor it says so and inserts nothing', async () => {
    assert.strictEqual(await vscode.commands.executeCommand(INSERT, 'otel-configure'), undefined);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('the quick pick shows only the snippets of the SDK the file uses, and inserts the chosen one', async function () {
    if (!uiDriverAvailable) {
      this.skip();
    }
    const uri = workspaceFile('snippet_pick.py', 'from opencensus.trace.tracer import Tracer\n\ntracer = Tracer()\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const pending = vscode.commands.executeCommand<InsertSnippetResult | undefined>(INSERT);
    await ui({ action: 'waitFor', selector: QUICK_INPUT });
    const listed = await ui<string>({ action: 'text', selector: '.quick-input-list' });
    assert.match(listed, /OpenCensus: /);
    assert.doesNotMatch(listed, /OpenTelemetry: /, 'filtered to the SDK already used');
    await ui({ action: 'fill', selector: QUICK_INPUT, text: 'OpenCensus: logs' });
    await ui({ action: 'press', key: 'Enter' });
    const result = await pending;
    assert.strictEqual(result?.snippetId, 'opencensus-logs');
    assert.match(editor.document.getText(), /AzureLogHandler\(\)/);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
