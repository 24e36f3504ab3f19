/**
 * Issue 18: exceptions the relay receives appear in the Problems panel at the innermost frame of the
 * app's own code, counted per place; the code action opens the live panel; a new run, the command
 * and the setting clear them. Telemetry goes over real HTTP to the running relay, as an SDK sends it.
 */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../../src/shared/commandIds';
import { connectionStringPart, eventually, extensionApi, postJson } from '../extensionApi';

const CLEAR = COMMAND_IDS.clearRuntimeExceptions;
const SETTING = 'diagnostics.runtimeExceptions';
const OPERATION = '5bf92f3577b34da6a3ce929d0e0e4736';

/** A traceback as the OpenTelemetry exporter sends it, from the machine the app ran on. */
function traceback(line: number): string {
  return [
    'Traceback (most recent call last):',
    `  File "/home/dev/app/app.py", line ${line}, in handle_order`,
    '    logger.warning("processing order %s", order_id)',
    '  File "/home/dev/app/.venv/lib/python3.12/site-packages/requests/api.py", line 73, in get',
    '    return request("get", url, params=params, **kwargs)',
    'ValueError: no price',
  ].join('\n');
}

function exceptionEnvelope(iKey: string, typeName: string, message: string, stack: string): Record<string, unknown> {
  return {
    name: 'Microsoft.ApplicationInsights.Exception',
    time: new Date().toISOString(),
    iKey,
    tags: { 'ai.cloud.role': 'exthost-tests', 'ai.operation.id': OPERATION },
    data: { baseType: 'ExceptionData', baseData: { ver: 2, exceptions: [{ typeName, message, hasFullStack: true, stack }] } },
  };
}

/** Ours, not the language server's (which reports with the same source). */
const isRuntimeException = (diagnostic: vscode.Diagnostic): boolean =>
  diagnostic.source === 'Azure Monitor' && diagnostic.code === 'runtime-exception';

describe('Runtime exceptions in Problems (issue 18)', function () {
  this.timeout(60_000);
  let track: string;
  let localKey: string;
  let appUri: vscode.Uri;
  const ours = (uri = appUri) => vscode.languages.getDiagnostics(uri).filter((diagnostic) => isRuntimeException(diagnostic));
  const post = async (...envelopes: Record<string, unknown>[]) => {
    const reply = await postJson(track, envelopes);
    assert.strictEqual(reply.status, 200, reply.body);
  };

  before(async () => {
    const api = await extensionApi();
    const relay = await api.startRelay();
    track = `${relay.url}v2.1/track`;
    localKey = connectionStringPart(relay.localConnectionString, 'InstrumentationKey')!;
    appUri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'app.py'));
  });

  beforeEach(() => vscode.commands.executeCommand(CLEAR));

  after(async () => {
    await vscode.workspace.getConfiguration('azureMonitorPython').update(SETTING, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(CLEAR);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('counts the exceptions of the run at the innermost workspace frame, not the library frame', async () => {
    await post(
      exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(10)),
      exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(10)),
    );
    await post(exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(10)));
    // Library-only and unresolvable stacks give no entry anywhere.
    await post(
      exceptionEnvelope(
        localKey,
        'KeyError',
        'library only',
        'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/flask/app.py", line 1, in x\nKeyError: 1',
      ),
    );
    await post(
      exceptionEnvelope(
        localKey,
        'OSError',
        'elsewhere',
        'Traceback (most recent call last):\n  File "/nowhere/at/all/missing_module.py", line 3, in x\nOSError: 1',
      ),
    );
    const [diagnostic] = await eventually('3 exceptions at app.py:10', () => {
      const found = ours();
      return found.length === 1 && /3×/.test(found[0]!.message) ? found : undefined;
    });
    assert.strictEqual(diagnostic!.message, 'ValueError: no price — raised 3× in the last run');
    assert.deepStrictEqual(
      [diagnostic!.range.start.line, diagnostic!.range.start.character, diagnostic!.range.end.character],
      [9, 4, 51],
      'on the code of app.py line 10, not its indentation',
    );
    assert.strictEqual(diagnostic!.severity, vscode.DiagnosticSeverity.Error);
    const everywhere = vscode.languages
      .getDiagnostics()
      .flatMap(([, diagnostics]) => diagnostics)
      .filter((entry) => isRuntimeException(entry));
    assert.strictEqual(everywhere.length, 1, 'the library and the missing file have none');
  });

  it('the code action "Show in Live Telemetry" opens the live panel', async () => {
    await post(exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(12)));
    const [diagnostic] = await eventually('the diagnostic at app.py:12', () => (ours().length === 1 ? ours() : undefined));
    // Code actions are asked of a loaded document; not shown in an editor, whose own light-bulb
    // request would race this one.
    await vscode.workspace.openTextDocument(appUri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      appUri,
      diagnostic!.range,
    );
    const show = actions.find((action) => action.title === 'Show in Live Telemetry');
    assert.ok(show?.command, JSON.stringify(actions.map((action) => action.title)));
    assert.deepStrictEqual(show.command.arguments, [OPERATION]);
    await vscode.commands.executeCommand(show.command.command, ...(show.command.arguments ?? []));
    await eventually('the live panel tab', () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('azureMonitorPython.liveTelemetry')),
    );
  });

  it("a new run (a terminal with the relay's connection string) clears them; so does the command", async () => {
    await post(exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(10)));
    await eventually('a diagnostic', () => ours().length === 1);
    const terminal = vscode.window.createTerminal({
      name: 'azmon new run',
      env: { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000' },
    });
    try {
      await eventually('cleared by the new run', () => ours().length === 0);
    } finally {
      terminal.dispose();
    }
    await post(exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(10)));
    await eventually(
      'a diagnostic again, counted from 1',
      () => ours()[0]?.message === 'ValueError: no price — raised once in the last run',
    );
    await vscode.commands.executeCommand(CLEAR);
    assert.strictEqual(ours().length, 0);
  });

  it('the setting turns them off: cleared at once, and exceptions while off are not counted', async () => {
    await post(exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(10)));
    await eventually('a diagnostic', () => ours().length === 1);
    const configuration = vscode.workspace.getConfiguration('azureMonitorPython');
    await configuration.update(SETTING, false, vscode.ConfigurationTarget.Global);
    await eventually('cleared when turned off', () => ours().length === 0);
    const api = await extensionApi();
    const received = api.relayStatus().itemsReceived;
    await post(exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(10)));
    await eventually('the relay has the item sent while off', () => api.relayStatus().itemsReceived > received);
    await configuration.update(SETTING, true, vscode.ConfigurationTarget.Global);
    await post(exceptionEnvelope(localKey, 'ValueError', 'no price', traceback(10)));
    await eventually(
      'only the exception sent after turning it on',
      () => ours()[0]?.message === 'ValueError: no price — raised once in the last run',
    );
  });
});
