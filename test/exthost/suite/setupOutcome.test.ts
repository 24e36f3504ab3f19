import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { planSetupInsertion } from '../../../src/core/setup/setupPlan';
import type { SetupOutcome } from '../../../src/extension/commands/setup';
import { MIGRATION_SCHEME } from '../../../src/extension/migrationPreview';
import { eventually, extensionApi } from '../extensionApi';
import { FakePython } from '../fakePython';
import { choose, LIST, waitForStep, waitForTitle } from '../setupWizard';
import { ui, uiDriverAvailable } from '../ui';

/**
 * Skip (local-only) → SDK → all signals → no framework. Resolves once the wizard is answered (so a
 * question after it is awaited only then: the hidden quick input still shows the last run's title),
 * with the outcome still pending.
 */
async function answerWizard(sdkLabel: string): Promise<{ outcome: Promise<SetupOutcome | undefined> }> {
  const pending = Promise.resolve(vscode.commands.executeCommand<SetupOutcome | undefined>('azureMonitorPython.setUp'));
  await waitForStep(1);
  await choose('Skip: keep telemetry on this machine');
  await waitForStep(2);
  await choose(sdkLabel);
  await waitForStep(3);
  await ui({ action: 'press', key: 'Enter' });
  await waitForStep(4);
  await choose('No web framework');
  return { outcome: pending };
}

async function runSetup(sdkLabel: string): Promise<SetupOutcome | undefined> {
  return (await answerWizard(sdkLabel)).outcome;
}

const OPENTELEMETRY = 'OpenTelemetry (Azure Monitor distro)';

describe('Set Up: install outcome and an already instrumented file', function () {
  this.timeout(180_000);
  let workspace: string;
  let fake: FakePython;
  let sampleApp: string;

  async function openCopy(name: string, text: string): Promise<vscode.TextDocument> {
    const file = path.join(workspace, name);
    fs.writeFileSync(file, text);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    return document;
  }

  before(async function () {
    workspace = process.env.AZMON_TEST_WORKSPACE ?? '';
    if (!uiDriverAvailable || !workspace) this.skip();
    await extensionApi();
    await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
    sampleApp = fs.readFileSync(path.join(workspace, 'app.py'), 'utf8');
    fake = new FakePython(workspace);
    await fake.install();
  });

  after(async () => {
    await fake?.uninstall();
  });

  it('a failing install: the snippet goes in, pip\'s reason is reported, and it does not say "set up"', async () => {
    const document = await openCopy('install_fails.py', sampleApp);
    const outcome = await runSetup(OPENTELEMETRY);
    assert.ok(outcome);
    assert.strictEqual(outcome.insertion?.uri, document.uri.toString());
    assert.ok(outcome.insertion?.changed, 'the snippet was inserted');
    assert.strictEqual(outcome.install?.succeeded, false);
    assert.strictEqual(outcome.setUp, false);
    assert.match(
      outcome.message,
      /^Instrumentation inserted into install_fails\.py, but installing azure-monitor-opentelemetry failed: No matching distribution found for azure-monitor-opentelemetry/,
    );
    assert.ok(!/set up/i.test(outcome.message), outcome.message);
    const toast = '.notification-toast:has-text("install_fails.py, but installing")';
    await ui({ action: 'waitFor', selector: toast });
    const text = await ui<string>({ action: 'text', selector: toast });
    assert.match(text, /No matching distribution found for azure-monitor-opentelemetry/);
    assert.match(text, /Show Output/);
  });

  it('a successful install: then, and only then, "set up"', async () => {
    await openCopy('install_works.py', sampleApp);
    fake.pipSucceeds(true);
    try {
      const outcome = await runSetup(OPENTELEMETRY);
      assert.strictEqual(outcome?.install?.succeeded, true);
      assert.strictEqual(outcome?.setUp, true);
      assert.match(outcome!.message, /^Python monitoring is set up, local-only/);
    } finally {
      fake.pipSucceeds(false);
    }
  });

  it('OpenCensus already there, OpenTelemetry chosen: keep inserts nothing, replace swaps the SDKs, one tracer', async () => {
    const openCensus = planSetupInsertion(sampleApp, {
      sdk: 'opencensus',
      signals: ['traces', 'metrics', 'logs'],
      framework: 'none',
    }).resultText;
    const document = await openCopy('instrumented.py', openCensus);
    const callsBefore = fake.calls().length;

    let pending = (await answerWizard(OPENTELEMETRY)).outcome;
    await waitForTitle(/instrumented\.py already uses OpenCensus/);
    const offered = await ui<string>({ action: 'text', selector: LIST });
    for (const choice of ['Keep it', 'Replace it', 'Migrate it']) assert.ok(offered.includes(choice), `${choice} offered: ${offered}`);
    await choose('Keep it');
    const kept = await pending;
    assert.strictEqual(kept?.insertion?.existing?.choice, 'keep');
    assert.deepStrictEqual(kept?.insertion?.existing?.kinds, ['opencensus']);
    assert.strictEqual(kept?.install, undefined, 'nothing installed');
    assert.strictEqual(kept?.setUp, false);
    assert.strictEqual(document.getText(), openCensus, 'nothing inserted');
    assert.ok(
      !fake
        .calls()
        .slice(callsBefore)
        .some((call) => call.startsWith('-m pip')),
      'pip was not run',
    );

    await vscode.window.showTextDocument(document);
    pending = (await answerWizard(OPENTELEMETRY)).outcome;
    await waitForTitle(/instrumented\.py already uses OpenCensus/);
    await choose('Replace it');
    const replaced = await pending;
    assert.strictEqual(replaced?.insertion?.existing?.choice, 'replace');
    assert.ok((replaced?.insertion?.existing?.removedStatements ?? 0) > 5);
    const text = document.getText();
    assert.ok(!/opencensus|AzureExporter|AzureLogHandler/.test(text), text);
    assert.strictEqual(text.match(/^tracer = /gm)?.length, 1, text);
    assert.match(text, /^configure_azure_monitor\(\)$/m);
    assert.ok(text.includes('def handle_order'), "the user's code stays");
  });

  it('migrate opens the existing migration view beside the file and changes nothing', async () => {
    const openCensus = planSetupInsertion(sampleApp, { sdk: 'opencensus', signals: ['traces'], framework: 'none' }).resultText;
    const document = await openCopy('to_migrate.py', openCensus);
    const pending = (await answerWizard(OPENTELEMETRY)).outcome;
    await waitForTitle(/to_migrate\.py already uses OpenCensus/);
    await choose('Migrate it');
    const outcome = await pending;
    assert.strictEqual(outcome?.insertion?.existing?.choice, 'migrate');
    const diff = await eventually('the migration diff is open', () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find(
          (tab) =>
            tab.input instanceof vscode.TabInputTextDiff &&
            tab.input.modified.scheme === MIGRATION_SCHEME &&
            tab.input.original.toString() === document.uri.toString(),
        ),
    );
    assert.ok(diff);
    assert.strictEqual(document.getText(), openCensus);
  });

  it('the distro already there, OpenCensus chosen: no migration offered (it only goes to OpenTelemetry)', async () => {
    const distro = planSetupInsertion(sampleApp, { sdk: 'opentelemetry', signals: ['traces'], framework: 'none' }).resultText;
    const document = await openCopy('has_distro.py', distro);
    const pending = (await answerWizard('OpenCensus (as in the original guide)')).outcome;
    await waitForTitle(/has_distro\.py already uses the Azure Monitor OpenTelemetry distro/);
    const offered = await ui<string>({ action: 'text', selector: LIST });
    assert.ok(offered.includes('Replace it') && !offered.includes('Migrate it'), offered);
    await ui({ action: 'press', key: 'Escape' });
    const outcome = await pending;
    assert.strictEqual(outcome?.insertion?.existing?.choice, 'cancelled');
    assert.strictEqual(outcome?.setUp, false);
    assert.strictEqual(document.getText(), distro);
  });
});
