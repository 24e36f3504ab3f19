import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { HistoryStore } from '../../../src/core/history';
import { EXTENSION_ID } from './activation.test';

const OPEN = 'azureMonitorPython.openLiveTelemetry';
const EXPORT = 'azureMonitorPython.exportLiveTelemetry';
const IMPORT = 'azureMonitorPython.importTelemetry';
const OPEN_HISTORY = 'azureMonitorPython.openTelemetryHistory';
const VIEW_TYPE = 'azureMonitorPython.liveTelemetry';

/** Test files live in out/test/exthost/suite; the captures stay in the source tree. */
const CAPTURES = path.resolve(__dirname, '../../../../test/fixtures/captures');

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(VIEW_TYPE));
}

function nonceOf(html: string): { csp: string; nonce: string; scriptNonces: string[] } {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
  const scriptNonces = [...html.matchAll(/<script nonce="([^"]+)"/g)].map((match) => match[1]!);
  return { csp, nonce, scriptNonces };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Live telemetry panel (host)', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-panel-'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens one panel; the command again reveals it instead of opening a second', async () => {
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>(OPEN);
    assert.ok(panel, 'the command returns the panel');
    assert.strictEqual(panel.viewType, VIEW_TYPE);
    await until(() => panelTabs().length === 1, 'a tab for the panel'); // the tab model follows asynchronously
    // Cover it with a text editor in the same group, then run the command again.
    const document = await vscode.workspace.openTextDocument({ content: 'print("hello")\n', language: 'python' });
    await vscode.window.showTextDocument(document, { viewColumn: panel.viewColumn, preview: false });
    await until(() => !panel.visible, 'the panel to be hidden');
    const again = await vscode.commands.executeCommand<vscode.WebviewPanel>(OPEN);
    assert.strictEqual(again, panel, 'the same panel');
    await until(() => panel.visible && panel.active, 'the panel to be revealed');
    await until(() => panelTabs().some((tab) => tab.isActive), 'its tab to be active');
    assert.strictEqual(panelTabs().length, 1, 'still one panel');
  });

  it('loads only from dist/ and media/, keeps no hidden context, and has a strict CSP with a fresh nonce per load', async () => {
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>(OPEN);
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const roots = (panel.webview.options.localResourceRoots ?? []).map((uri) => uri.path).sort();
    assert.deepStrictEqual(roots, [vscode.Uri.joinPath(extensionUri, 'dist').path, vscode.Uri.joinPath(extensionUri, 'media').path]);
    assert.ok(!panel.options.retainContextWhenHidden, 'no retainContextWhenHidden');
    assert.strictEqual(panel.webview.options.enableScripts, true);

    const first = nonceOf(panel.webview.html);
    assert.match(first.csp, /default-src 'none'/);
    assert.ok(!/unsafe-inline|unsafe-eval/.test(first.csp), first.csp);
    assert.ok(first.nonce.length >= 16, `a long nonce (${first.nonce})`);
    assert.deepStrictEqual(first.scriptNonces, [first.nonce], 'the one script carries the nonce');

    // Hidden, the webview is destroyed; the next load gets a new document with a new nonce.
    const document = await vscode.workspace.openTextDocument({ content: 'x = 1\n', language: 'python' });
    await vscode.window.showTextDocument(document, { viewColumn: panel.viewColumn, preview: false });
    await until(() => !panel.visible, 'the panel to be hidden');
    await vscode.commands.executeCommand(OPEN);
    await until(() => panel.visible, 'the panel to be shown');
    const second = nonceOf(panel.webview.html);
    assert.ok(second.nonce.length >= 16);
    assert.notStrictEqual(second.nonce, first.nonce, 'a new nonce for the new load');
    assert.deepStrictEqual(second.scriptNonces, [second.nonce]);
  });

  it('has a serializer registered for its view type, so VS Code restores it after a reload', () => {
    // The extension host allows one serializer per view type: a second registration is refused.
    assert.throws(
      () => vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: async () => undefined }),
      /already registered/,
    );
    const activationEvents = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.activationEvents as string[];
    assert.ok(activationEvents.includes(`onWebviewPanel:${VIEW_TYPE}`), 'a restore activates the extension');
  });

  it("exports NDJSON envelopes that import back, through the relay's own parser and validation", async () => {
    // What the real SDK clients sent, as one NDJSON file (their key is not this relay's: import re-keys).
    const envelopes = fs
      .readdirSync(CAPTURES)
      .filter((file) => file.endsWith('.body.json'))
      .sort()
      .flatMap((file) => JSON.parse(fs.readFileSync(path.join(CAPTURES, file), 'utf8')) as unknown[]);
    const input = vscode.Uri.file(path.join(dir, 'captures.ndjson'));
    fs.writeFileSync(input.fsPath, envelopes.map((envelope) => JSON.stringify(envelope)).join('\n'));

    const before = vscode.Uri.file(path.join(dir, 'before.ndjson'));
    assert.strictEqual((await vscode.commands.executeCommand<vscode.Uri>(EXPORT, before))?.fsPath, before.fsPath);
    const baseline = fs.readFileSync(before.fsPath, 'utf8');

    const imported = await vscode.commands.executeCommand<number>(IMPORT, input);
    assert.ok(imported !== undefined && imported > 30, `imported ${imported}`);

    const first = vscode.Uri.file(path.join(dir, 'first.ndjson'));
    await vscode.commands.executeCommand(EXPORT, first);
    const firstText = fs.readFileSync(first.fsPath, 'utf8');
    assert.ok(firstText.startsWith(baseline), 'what was there before comes first');
    const exported = firstText.slice(baseline.length);
    const lines = exported.trim().split('\n');
    assert.strictEqual(lines.length, imported, 'one line per imported item');
    const parsed = lines.map((line) => JSON.parse(line) as { iKey: string; name: string; data: { baseType: string } });
    assert.ok(
      parsed.every((envelope) => envelope.iKey === '00000000-0000-0000-0000-000000000000'),
      'no key in the file',
    );
    assert.ok(!exported.includes('3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99'), "the captures' key is not in the export");

    // The exported file imports back to the same items: exporting again repeats it exactly.
    const exportedOnly = vscode.Uri.file(path.join(dir, 'exported.ndjson'));
    fs.writeFileSync(exportedOnly.fsPath, exported);
    assert.strictEqual(await vscode.commands.executeCommand<number>(IMPORT, exportedOnly), imported);
    const second = vscode.Uri.file(path.join(dir, 'second.ndjson'));
    await vscode.commands.executeCommand(EXPORT, second);
    assert.strictEqual(fs.readFileSync(second.fsPath, 'utf8'), firstText + exported);
  });

  it('refuses a file that is not telemetry, and adds nothing', async () => {
    const bad = vscode.Uri.file(path.join(dir, 'bad.ndjson'));
    fs.writeFileSync(
      bad.fsPath,
      '{"name":"Microsoft.ApplicationInsights.Message","time":"2026-01-01T00:00:00Z","data":{"baseType":"MessageData"}}\n{oops\n',
    );
    const before = vscode.Uri.file(path.join(dir, 'bad-before.ndjson'));
    await vscode.commands.executeCommand(EXPORT, before);
    assert.strictEqual(await vscode.commands.executeCommand(IMPORT, bad), undefined);
    const after = vscode.Uri.file(path.join(dir, 'bad-after.ndjson'));
    await vscode.commands.executeCommand(EXPORT, after);
    assert.strictEqual(fs.readFileSync(after.fsPath, 'utf8'), fs.readFileSync(before.fsPath, 'utf8'));
  });
  it('exports every item of the run shown from an opened history folder, not only the pages loaded into the panel', async () => {
    // A folder as `azmon-relay --history DIR` leaves it, with more items than a run opens on (10,000).
    const folder = path.join(dir, 'ci-history');
    const writer = await HistoryStore.open(folder, { commitDelayMs: 5 });
    const run = writer.startRun('ci-job.py', 'relay', Date.UTC(2026, 11, 5, 3));
    const total = 12_500;
    for (let start = 0; start < total; start += 500) {
      writer.append(
        run,
        Array.from({ length: 500 }, (_, index) => ({
          name: 'Microsoft.ApplicationInsights.Message',
          time: '2026-12-05T03:00:01.000Z',
          tags: { 'ai.cloud.role': 'ci-job' },
          data: { baseType: 'MessageData', baseData: { ver: 2, message: `job line ${start + index}`, severityLevel: 1 } },
        })),
      );
    }
    await writer.endRun(run);
    await writer.close();

    assert.strictEqual(await vscode.commands.executeCommand<number>(OPEN_HISTORY, vscode.Uri.file(folder)), 1, 'one run in the folder');
    const target = vscode.Uri.file(path.join(dir, 'ci-run.ndjson'));
    assert.strictEqual((await vscode.commands.executeCommand<vscode.Uri>(EXPORT, target))?.fsPath, target.fsPath);
    const messages = fs
      .readFileSync(target.fsPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { data: { baseData: { message: string } } }).data.baseData.message);
    assert.strictEqual(messages.length, total, 'every item of the run');
    assert.deepStrictEqual(
      messages,
      Array.from({ length: total }, (_, index) => `job line ${index}`),
      'oldest first, none twice',
    );
    if (process.platform !== 'win32') assert.strictEqual(fs.statSync(target.fsPath).mode & 0o777, 0o600);
    assert.deepStrictEqual(
      fs.readdirSync(dir).filter((name) => name.endsWith('.partial')),
      [],
      'no partial file left beside it',
    );

    // Closing the panel closes the folder: Export writes live telemetry again.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until(() => panelTabs().length === 0, 'the panel to close');
    const live = vscode.Uri.file(path.join(dir, 'live-after-folder.ndjson'));
    await vscode.commands.executeCommand(EXPORT, live);
    assert.ok(!fs.readFileSync(live.fsPath, 'utf8').includes('job line'), "the folder's run is no longer exported");
  });
});
