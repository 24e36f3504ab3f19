import * as assert from 'assert';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { eventually, EXTENSION_ID } from '../extensionApi';
import { rememberSecret } from '../secretsSeen';

const SOURCE = 'Azure Monitor';
const HARD_CODED = 'hard-coded-connection-string';

function workspaceFile(name: string, content: string): vscode.Uri {
  const folder = process.env.AZMON_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'the tests run with a workspace folder');
  const file = path.join(folder, name);
  fs.writeFileSync(file, content);
  return vscode.Uri.file(file);
}

const ours = (uri: vscode.Uri, code?: string): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && (code === undefined || codeOf(d) === code));

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Thenable<vscode.CodeAction[]> {
  return vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'extensions' || entry.name === 'node_modules' ? [] : listFiles(full);
    return entry.isFile() ? [full] : [];
  });
}

describe('Python language server in the extension host', function () {
  this.timeout(90_000);
  // A fresh key per run: finding it in any log afterwards can only mean we leaked it.
  const key = rememberSecret(randomUUID(), 'languageServer.test');
  const redactedKey = `${key.slice(0, 4)}…${key.slice(-4)}`;
  const connectionString = `InstrumentationKey=${key};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;
  const config = () => vscode.workspace.getConfiguration('azureMonitorPython');

  before(async () => {
    // Trace everything the client and server say: the log must still hold no key.
    await config().update('trace.server', 'verbose', vscode.ConfigurationTarget.Workspace);
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
  });

  after(async () => {
    await config().update('trace.server', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('diagnostics.hardCodedConnectionString', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports a hard-coded connection string in a Python file; "remove the argument" makes it go away', async () => {
    const uri = workspaceFile(
      'ls_keyed.py',
      `from opencensus.ext.azure.trace_exporter import AzureExporter\n\nexporter = AzureExporter(connection_string="${connectionString}")\n`,
    );
    const editor = await open(uri);
    const [diagnostic] = await eventually(
      'the hard-coded connection string diagnostic',
      () => ours(uri, HARD_CODED).length > 0 && ours(uri, HARD_CODED),
      60_000,
    );
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(diagnostic.range.start.line, 2);
    assert.ok(ours(uri, 'opencensus-retired').length === 1, 'the OpenCensus import is reported too');

    const actions = await codeActions(uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Store it in VS Code SecretStorage instead'), titles.join(' | '));
    const remove = actions.find((a) => a.isPreferred && a.title.startsWith('Remove connection_string='));
    assert.ok(remove?.edit, `a preferred removal among ${titles.join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(remove.edit));
    assert.match(editor.document.getText(), /^exporter = AzureExporter\(\)$/m);
    await eventually('the diagnostic to disappear after the fix', () => ours(uri, HARD_CODED).length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('"Store it in SecretStorage instead" removes the literal and stores the value; no log holds the key', async () => {
    const uri = workspaceFile('ls_store.py', `import os\n\nCONNECTION = "${connectionString}"\n`);
    const editor = await open(uri);
    const [diagnostic] = await eventually('the diagnostic', () => ours(uri, HARD_CODED).length > 0 && ours(uri, HARD_CODED), 60_000);
    const store = (await codeActions(uri, diagnostic.range)).find((a) => a.title === 'Store it in VS Code SecretStorage instead');
    assert.ok(store?.edit && store.command, 'the action carries both the edit and the command');
    assert.ok(await vscode.workspace.applyEdit(store.edit));
    const outcome = await vscode.commands.executeCommand(store.command.command, ...(store.command.arguments ?? []));
    assert.strictEqual(outcome, 'stored');
    assert.match(editor.document.getText(), /^CONNECTION = os\.environ\.get\("APPLICATIONINSIGHTS_CONNECTION_STRING"\)$/m);
    await eventually('the diagnostic to disappear', () => ours(uri, HARD_CODED).length === 0);
    // Storing the same value again is recognised.
    assert.strictEqual(await vscode.commands.executeCommand(store.command.command, { connectionString }), 'unchanged');
    await vscode.commands.executeCommand('notifications.clearAll');
    await editor.document.save();

    const dataDir = process.env.AZMON_TEST_SERVER_DATA_DIR;
    if (dataDir) {
      // Output channels flush asynchronously: wait for the traced didOpen of this file (redacted).
      const traced = await eventually('the language server trace on disk', () => {
        const logs = listFiles(dataDir).filter((file) => file.endsWith('.log') && fs.readFileSync(file, 'utf8').includes('ls_store.py'));
        return logs.find(
          (file) =>
            /Azure Monitor Language Server/.test(path.basename(file)) || fs.readFileSync(file, 'utf8').includes('textDocument/didOpen'),
        );
      });
      assert.ok(fs.readFileSync(traced, 'utf8').includes(redactedKey), 'the trace shows the key redacted');
      // The workspace's own Python files hold it on purpose; everything else must not.
      const workspace = process.env.AZMON_TEST_WORKSPACE ?? '\0';
      const leaks = listFiles(dataDir).filter((file) => !file.startsWith(workspace) && fs.readFileSync(file).includes(key));
      assert.deepStrictEqual(leaks, [], 'no log or state file of the server holds the instrumentation key');
    }
  });

  it('a rule switched off in the settings is not reported, and comes back when switched on', async () => {
    const uri = workspaceFile('ls_settings.py', `exporter = AzureExporter(connection_string="${connectionString}")\n`);
    await open(uri);
    await eventually('the diagnostic', () => ours(uri, HARD_CODED).length > 0, 60_000);
    await config().update('diagnostics.hardCodedConnectionString', false, vscode.ConfigurationTarget.Workspace);
    await eventually('the rule to be off', () => ours(uri, HARD_CODED).length === 0);
    await config().update('diagnostics.hardCodedConnectionString', undefined, vscode.ConfigurationTarget.Workspace);
    await eventually('the rule to be back', () => ours(uri, HARD_CODED).length === 1);
  });

  it('"Show the OpenTelemetry equivalent" opens a side-by-side diff with the migrated code', async () => {
    const uri = workspaceFile(
      'ls_census.py',
      'import logging\nfrom opencensus.ext.azure.log_exporter import AzureLogHandler\n\nlogger = logging.getLogger(__name__)\nlogger.addHandler(AzureLogHandler())\nlogger.warning("hi")\n',
    );
    await open(uri);
    const [diagnostic] = await eventually(
      'the OpenCensus diagnostic',
      () => ours(uri, 'opencensus-retired').length > 0 && ours(uri, 'opencensus-retired'),
      60_000,
    );
    const show = (await codeActions(uri, diagnostic.range)).find((a) => a.title === 'Show the OpenTelemetry equivalent');
    assert.ok(show?.command);
    const preview = await vscode.commands.executeCommand<vscode.Uri>(show.command.command, ...(show.command.arguments ?? []));
    assert.strictEqual(preview?.scheme, 'azure-monitor-python-migration');
    const tab = await eventually('the diff tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff && input;
    });
    assert.strictEqual(tab.original.toString(), uri.toString());
    assert.strictEqual(tab.modified.toString(), preview.toString());
    const migrated = (await vscode.workspace.openTextDocument(preview)).getText();
    assert.match(migrated, /^configure_azure_monitor\(\)$/m);
    assert.doesNotMatch(migrated, /^(from|import) opencensus/m);
  });

  it('offers "Instrument this file with Azure Monitor" on a plain file; applying it instruments the file', async () => {
    const uri = workspaceFile('ls_plain.py', 'import sys\n\n\ndef main():\n    return len(sys.argv)\n');
    const editor = await open(uri);
    const instrument = await eventually(
      'the instrument action',
      async () => (await codeActions(uri, new vscode.Range(0, 0, 0, 0))).find((a) => a.title === 'Instrument this file with Azure Monitor'),
      60_000,
    );
    assert.ok(instrument.edit);
    assert.strictEqual(instrument.command?.command, 'azureMonitorPython.offerSnippetPackages');
    assert.ok(await vscode.workspace.applyEdit(instrument.edit));
    const text = editor.document.getText();
    assert.match(text, /^from azure\.monitor\.opentelemetry import configure_azure_monitor$/m);
    assert.match(text, /^configure_azure_monitor\(\)$/m);
    await eventually(
      'the action to be gone once instrumented',
      async () =>
        !(await codeActions(uri, new vscode.Range(0, 0, 0, 0))).some((a) => a.title === 'Instrument this file with Azure Monitor'),
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('completes `azm` with the snippets (prefix azmon)', async () => {
    const uri = workspaceFile('ls_complete.py', 'import os\n\nazm');
    const editor = await open(uri);
    await eventually('the server to know the file', () => vscode.languages.getDiagnostics(uri) !== undefined);
    const list = await eventually(
      'azmon completions',
      async () => {
        const result = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          uri,
          new vscode.Position(2, 3),
        );
        const items = result.items.filter((item) => (typeof item.label === 'string' ? item.label : item.label.label).startsWith('azmon_'));
        return items.length > 0 && items;
      },
      60_000,
    );
    const labels = list.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels.includes('azmon_otel_configure') && labels.includes('azmon_opencensus_logs'), labels.join(', '));
    const configure = list.find((item) => (typeof item.label === 'string' ? item.label : item.label.label) === 'azmon_otel_configure')!;
    assert.strictEqual(configure.kind, vscode.CompletionItemKind.Snippet);
    // Accept it the way the editor would: its edit plus the import at the top.
    const edit = new vscode.WorkspaceEdit();
    const range = configure.range instanceof vscode.Range ? configure.range : configure.range!.replacing;
    edit.replace(uri, range, typeof configure.insertText === 'string' ? configure.insertText : configure.insertText!.value);
    for (const extra of configure.additionalTextEdits ?? []) edit.replace(uri, extra.range, extra.newText);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const text = editor.document.getText();
    assert.match(text, /^import os\nfrom azure\.monitor\.opentelemetry import configure_azure_monitor\n/);
    assert.match(text, /\nconfigure_azure_monitor\(\)$/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
