/**
 * Issue 18: lenses with the current run's numbers above a Flask app's route handlers and calls, in
 * the real extension host with the real language server. Requests and dependencies go over real
 * HTTP to the running relay, named as the OpenTelemetry Flask and requests instrumentations name
 * them. No lens before there is data; a new run takes them away; a click opens the live panel.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../../src/shared/commandIds';
import { connectionStringPart, eventually, extensionApi, postJson } from '../extensionApi';

const FLASK_APP = [
  'from flask import Flask',
  'import requests',
  '',
  'app = Flask(__name__)',
  '',
  '',
  '@app.route("/lens-orders/<int:order_id>", methods=["GET"])',
  'def get_order(order_id):',
  '    price = requests.get(f"http://prices.internal/lens-prices/{order_id}", timeout=3)',
  '    return {"id": order_id, "price": price.json()}',
  '',
  '',
  '@app.post("/lens-orders")',
  'def create_order():',
  '    return {}, 201',
  '',
].join('\n');

function envelope(iKey: string, kind: 'Request' | 'RemoteDependency', baseData: Record<string, unknown>): Record<string, unknown> {
  return {
    name: `Microsoft.ApplicationInsights.${kind}`,
    time: new Date().toISOString(),
    iKey,
    tags: { 'ai.cloud.role': 'flask-lens-tests', 'ai.operation.id': `${Math.random().toString(16).slice(2)}` },
    data: { baseType: `${kind}Data`, baseData: { ver: 2, id: Math.random().toString(16).slice(2, 10), ...baseData } },
  };
}
const request = (iKey: string, name: string, ms: number, success = true) =>
  envelope(iKey, 'Request', { name, duration: `00:00:00.${String(ms).padStart(3, '0')}`, success, responseCode: success ? '200' : '500' });

describe('Telemetry lenses in the code (issue 18)', function () {
  this.timeout(60_000);
  let track: string;
  let localKey: string;
  let appUri: vscode.Uri;
  const lenses = async (): Promise<vscode.CodeLens[]> =>
    ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', appUri, 100)) ?? []).filter(
      (lens) => lens.command?.command === COMMAND_IDS.showCallsInLiveTelemetry,
    );
  const post = async (...envelopes: Record<string, unknown>[]) => {
    const reply = await postJson(track, envelopes);
    assert.strictEqual(reply.status, 200, reply.body);
  };
  /** A run terminal opens; the extension's listener (registered at activation) has run when ours does. */
  const newRun = async () => {
    const opened = new Promise<void>((resolve) => {
      const listener = vscode.window.onDidOpenTerminal((terminal) => {
        if (terminal.name === 'azmon lens run') {
          listener.dispose();
          resolve();
        }
      });
    });
    const terminal = vscode.window.createTerminal({
      name: 'azmon lens run',
      env: { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000' },
    });
    try {
      await opened;
      assert.deepStrictEqual(await lenses(), [], 'a new run has no lens until its calls arrive');
    } finally {
      terminal.dispose();
    }
  };

  before(async () => {
    const api = await extensionApi();
    const relay = await api.startRelay();
    track = `${relay.url}v2.1/track`;
    localKey = connectionStringPart(relay.localConnectionString, 'InstrumentationKey')!;
    appUri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'flask_lens_app.py'));
    fs.writeFileSync(appUri.fsPath, FLASK_APP);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(appUri));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(appUri.fsPath, { force: true });
  });

  it('no lens before data; then "3 calls · p95 … · 1 failed" above the route, one above the outgoing call', async () => {
    await newRun();
    await post(
      request(localKey, 'GET /lens-orders/<int:order_id>', 80),
      request(localKey, 'GET /lens-orders/<int:order_id>', 120, false),
      request(localKey, 'GET /lens-orders/7', 40),
    );
    await post(
      envelope(localKey, 'RemoteDependency', {
        name: 'GET /lens-prices/7',
        type: 'HTTP',
        data: 'http://prices.internal/lens-prices/7',
        target: 'prices.internal',
        duration: '00:00:00.012',
        success: true,
        resultCode: '200',
      }),
    );
    const found = await eventually('lenses for the route and the requests call', async () => {
      const current = await lenses();
      return current.length === 2 && current.some((lens) => lens.command!.title.startsWith('3 calls')) ? current : undefined;
    });
    const route = found.find((lens) => lens.range.start.line === 6)!;
    assert.strictEqual(route.command!.title, '3 calls · p95 120 ms · 1 failed');
    const call = found.find((lens) => lens.range.start.line === 8)!;
    assert.strictEqual(call.command!.title, '1 call · p95 12 ms');
    assert.ok(!found.some((lens) => lens.range.start.line === 12), 'POST /lens-orders has no data: no lens');
  });

  it('updates as telemetry arrives, and a click opens the live panel with those calls', async () => {
    await newRun();
    await post(request(localKey, 'POST /lens-orders', 5));
    await eventually(
      'one call',
      async () => (await lenses()).find((lens) => lens.range.start.line === 12)?.command?.title === '1 call · p95 5 ms',
    );
    await post(request(localKey, 'POST /lens-orders', 7), request(localKey, 'POST /lens-orders', 9));
    const [lens] = await eventually('three calls', async () => {
      const current = (await lenses()).filter((candidate) => candidate.range.start.line === 12);
      return current[0]?.command?.title === '3 calls · p95 9 ms' ? current : undefined;
    });
    assert.match(lens!.command!.arguments![0] as string, /^requests\n\| where name in \("POST \/lens-orders"\)/);
    await vscode.commands.executeCommand(lens!.command!.command, ...lens!.command!.arguments!);
    await eventually('the live panel tab', () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('azureMonitorPython.liveTelemetry')),
    );
  });
});
