import * as assert from 'assert';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SetupOutcome } from '../../../src/extension/commands/setup';
import { extensionApi } from '../extensionApi';
import { QUICK_INPUT, ui, uiDriverAvailable } from '../ui';
import { rememberSecret } from '../secretsSeen';
import { choose, LIST, waitForStep } from '../setupWizard';

describe('Set Up Python Monitoring, driven step by step', function () {
  this.timeout(120_000);
  let target: vscode.Uri;

  before(async function () {
    const workspace = process.env.AZMON_TEST_WORKSPACE;
    if (!uiDriverAvailable || !workspace) this.skip();
    await extensionApi();
    await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
    const file = path.join(workspace, 'setup_target.py');
    fs.copyFileSync(path.join(workspace, 'app.py'), file);
    target = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target));
  });

  it('skip (local-only) → SDK → signals → Back → other SDK → framework: packages, snippet and terminal follow the answers', async () => {
    const pending = Promise.resolve(vscode.commands.executeCommand<SetupOutcome | undefined>('azureMonitorPython.setUp'));
    await ui({ action: 'waitFor', selector: QUICK_INPUT });
    const first = await waitForStep(1);
    assert.match(first, /\(1\/4\)/, 'four steps when the connection string is skipped');
    const firstList = await ui<string>({ action: 'text', selector: LIST });
    assert.ok(!firstList.includes('Keep the stored'), 'nothing stored: no "keep" choice');
    await choose('Skip: keep telemetry on this machine');

    await waitForStep(2);
    await choose('OpenTelemetry (Azure Monitor distro)');
    await waitForStep(3);
    // Back, with the keyboard as a user would (the same as the title bar's Back button).
    await ui({ action: 'press', key: 'Control+Alt+Minus' });
    await waitForStep(2);
    await choose('OpenCensus (as in the original guide)');

    await waitForStep(3);
    await ui({ action: 'press', key: 'Enter' }); // all three signals are preselected
    await waitForStep(4);
    const frameworks = await ui<string>({ action: 'text', selector: LIST });
    assert.ok(frameworks.includes('Flask') && frameworks.includes('Django'), frameworks);
    assert.ok(!frameworks.includes('FastAPI'), 'OpenCensus has no FastAPI integration: not offered');
    await choose('No web framework');

    const outcome = await pending;
    assert.ok(outcome, 'the flow completed');
    assert.deepStrictEqual(outcome.choices, {
      connection: { kind: 'skip' },
      sdk: 'opencensus',
      signals: ['traces', 'metrics', 'logs'],
      framework: 'none',
    });
    assert.strictEqual(outcome.forwarding, false, 'local-only');
    assert.deepStrictEqual(outcome.packages, ['opencensus-ext-azure']);

    assert.ok(outcome.install, 'packages were installed (or at least tried)');
    assert.match(outcome.install.commandLine, / -m pip install opencensus-ext-azure$/);
    assert.strictEqual(outcome.setUp, outcome.install.succeeded, 'says "set up" only when pip succeeded');

    assert.strictEqual(outcome.insertion?.uri, target.toString(), 'inserted into the active Python file');
    assert.deepStrictEqual(outcome.insertion?.snippetIds, ['opencensus-traces', 'opencensus-metrics', 'opencensus-logs']);
    const text = vscode.workspace.textDocuments.find((document) => document.uri.toString() === target.toString())!.getText();
    assert.match(text, /^tracer = Tracer\(exporter=AzureExporter\(\), sampler=ProbabilitySampler\(1\.0\)\)$/m);
    assert.match(text, /^logger\.addHandler\(AzureLogHandler\(\)\)$/m);
    assert.match(text, /^exporter = metrics_exporter\.new_metrics_exporter\(\)$/m);
    assert.ok(!/InstrumentationKey=|connection_string=/.test(text.replace(/#.*$/gm, '')), 'no connection string in code');
    assert.ok(text.includes('def handle_order'), "the user's code is kept");
  });

  it('paste a connection string (5 steps) with no Python editor active: stored, forwarding, and a new monitoring.py', async () => {
    const workspace = process.env.AZMON_TEST_WORKSPACE!;
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(workspace, 'README.md')));
    const key = rememberSecret(randomUUID(), 'setupFlow.test');
    const pending = Promise.resolve(vscode.commands.executeCommand<SetupOutcome | undefined>('azureMonitorPython.setUp'));
    await waitForStep(1);
    await choose('Paste a connection string');
    const second = await waitForStep(2);
    assert.match(second, /\(2\/5\)/, 'one more step for the value');
    assert.strictEqual(await ui<string>({ action: 'attribute', selector: QUICK_INPUT, name: 'type' }), 'password');
    await ui({ action: 'fill', selector: QUICK_INPUT, text: `InstrumentationKey=${key};IngestionEndpoint=http://127.0.0.1:9/` });
    await ui({ action: 'press', key: 'Enter' });
    await waitForStep(3);
    await choose('OpenTelemetry (Azure Monitor distro)');
    await waitForStep(4);
    await ui({ action: 'press', key: 'Enter' });
    await waitForStep(5);
    await choose('Flask');
    try {
      const outcome = await pending;
      assert.ok(outcome);
      assert.strictEqual(outcome.forwarding, true);
      assert.deepStrictEqual(outcome.choices.connection, { kind: 'paste' }, 'the value itself is not handed back');
      assert.ok(!JSON.stringify(outcome).includes(key));
      const summary = await vscode.commands.executeCommand<{ instrumentationKey: string }>('azureMonitorPython.showConnectionString');
      assert.strictEqual(summary.instrumentationKey, `${key.slice(0, 4)}…${key.slice(-4)}`, 'stored in secret storage');
      const monitoring = vscode.Uri.file(path.join(workspace, 'monitoring.py'));
      assert.strictEqual(outcome.insertion?.uri, monitoring.toString());
      const saved = fs.readFileSync(monitoring.fsPath, 'utf8'); // our own new module is saved
      assert.match(saved, /^configure_azure_monitor\(\)$/m);
      assert.match(saved, /^app = Flask\(__name__\)$/m);
      assert.deepStrictEqual(outcome.packages, ['azure-monitor-opentelemetry', 'flask']);
    } finally {
      await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
    }
  });

  it('Escape on the first step cancels: nothing is changed', async () => {
    const document = () => vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === target.toString());
    const before = document()?.getText();
    const pending = Promise.resolve(vscode.commands.executeCommand<SetupOutcome | undefined>('azureMonitorPython.setUp'));
    await waitForStep(1);
    await ui({ action: 'press', key: 'Escape' });
    assert.strictEqual(await pending, undefined);
    assert.ok(before !== undefined);
    assert.strictEqual(document()?.getText(), before);
  });
});
