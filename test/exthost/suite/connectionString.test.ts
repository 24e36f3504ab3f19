import * as assert from 'assert';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { answerInputBox, waitForInputBoxMessage, QUICK_INPUT, ui, uiDriverAvailable } from '../ui';
import { EXTENSION_ID } from './activation.test';
import { rememberSecret } from '../secretsSeen';

interface Summary {
  instrumentationKey: string;
  ingestionEndpoint: string;
  liveEndpoint: string;
}

const SET = 'azureMonitorPython.setConnectionString';
const SHOW = 'azureMonitorPython.showConnectionString';
const CLEAR = 'azureMonitorPython.clearConnectionString';

describe('Connection string in SecretStorage', function () {
  // A fresh key per run, so finding it anywhere on disk can only mean we leaked it.
  const key = rememberSecret(randomUUID(), 'connectionString.test');
  const connectionString = rememberSecret(
    `InstrumentationKey=${key};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=${randomUUID()}`,
    'connectionString.test',
  );
  const redactedKey = `${key.slice(0, 4)}…${key.slice(-4)}`;

  before(async function () {
    if (!uiDriverAvailable) {
      this.skip(); // the input box is typed into through the code-server harness's UI driver
    }
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand(CLEAR);
  });

  it('Show says nothing is stored at first (local-only)', async () => {
    assert.strictEqual(await vscode.commands.executeCommand(SHOW), undefined);
  });

  it('Set rejects an invalid value in the input box with a message naming the problem', async () => {
    const pending = vscode.commands.executeCommand<Summary | undefined>(SET);
    await ui({ action: 'waitFor', selector: QUICK_INPUT });
    await ui({ action: 'fill', selector: QUICK_INPUT, text: 'IngestionEndpoint=https://example.com/' });
    assert.match(await waitForInputBoxMessage(/InstrumentationKey is missing/), /InstrumentationKey is missing/);
    await ui({ action: 'press', key: 'Enter' }); // an error blocks Enter: the box stays open
    await ui({ action: 'waitFor', selector: QUICK_INPUT });
    await ui({ action: 'press', key: 'Escape' });
    assert.strictEqual(await pending, undefined, 'cancelled: nothing stored');
    assert.strictEqual(await vscode.commands.executeCommand(SHOW), undefined);
  });

  it('Set stores a valid value typed into the masked input box', async () => {
    const pending = vscode.commands.executeCommand<Summary | undefined>(SET);
    await ui({ action: 'waitFor', selector: QUICK_INPUT });
    assert.strictEqual(
      await ui<string>({ action: 'attribute', selector: QUICK_INPUT, name: 'type' }),
      'password',
      'the input box is masked',
    );
    await answerInputBox(connectionString);
    const summary = await pending;
    assert.ok(summary, 'the command returns what it stored');
    assert.strictEqual(summary.instrumentationKey, redactedKey);
    assert.strictEqual(summary.ingestionEndpoint, 'https://westeurope-5.in.applicationinsights.azure.com/');
  });

  it('Show returns the stored value redacted: key as 1234…abcd, endpoints in full', async () => {
    const summary = await vscode.commands.executeCommand<Summary>(SHOW);
    assert.deepStrictEqual(
      { key: summary.instrumentationKey, ingestion: summary.ingestionEndpoint, live: summary.liveEndpoint },
      {
        key: redactedKey,
        ingestion: 'https://westeurope-5.in.applicationinsights.azure.com/',
        live: 'https://westeurope.livediagnostics.monitor.azure.com/',
      },
    );
    assert.ok(!JSON.stringify(summary).includes(key));
    // The dialog itself is checked in the browser layer: VS Code refuses modal dialogs while
    // extension tests run ("DialogService: refused to show dialog in tests").
  });

  it('the secret is never written to the log, settings or any file of the server', async function () {
    const dataDir = process.env.AZMON_TEST_SERVER_DATA_DIR;
    if (!dataDir) {
      this.skip();
    }
    // The log channel flushes to disk asynchronously: wait until our own line is there.
    const deadline = Date.now() + 15_000;
    let logFiles: string[] = [];
    while (Date.now() < deadline) {
      logFiles = listFiles(dataDir).filter(
        (file) =>
          file.endsWith('.log') && fs.readFileSync(file, 'utf8').includes(`Connection string stored (InstrumentationKey ${redactedKey}`),
      );
      if (logFiles.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(logFiles.length > 0, 'the output channel log file was found, with the redacted key in it');
    const leaks = listFiles(dataDir).filter(
      (file) => fs.readFileSync(file).includes(key) || fs.readFileSync(file).includes(key.toUpperCase()),
    );
    assert.deepStrictEqual(leaks, [], 'no file holds the instrumentation key');
    const settings = JSON.stringify(vscode.workspace.getConfiguration().inspect('azureMonitorPython') ?? {});
    assert.ok(!settings.includes(key));
  });

  it('Clear removes it; Show then reports local-only', async () => {
    assert.strictEqual(await vscode.commands.executeCommand(CLEAR), true);
    assert.strictEqual(await vscode.commands.executeCommand(SHOW), undefined);
    assert.strictEqual(await vscode.commands.executeCommand(CLEAR), false, 'clearing twice is harmless');
  });
});

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'extensions' && entry.name !== 'node_modules') files.push(...listFiles(full));
    } else if (entry.isFile()) {
      files.push(full);
    }
  }
  return files;
}
