import * as assert from 'assert';
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import type { AzureMonitorPythonApi } from '../../../src/extension/api';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { connectionStringPart, extensionApi, messageEnvelope, postJson, waitForRelayState } from '../extensionApi';
import { answerInputBox, uiDriverAvailable } from '../ui';
import { rememberSecret } from '../secretsSeen';

describe('Forwarding follows the stored connection string', function () {
  this.timeout(90_000);
  let api: AzureMonitorPythonApi;
  let fake: FakeIngestion;
  // A fresh key per run: finding it anywhere it should not be can only mean a leak.
  const realKey = rememberSecret(randomUUID(), 'relayForwarding.test');

  before(async function () {
    if (!uiDriverAvailable) this.skip(); // the secret is typed into the real input box
    api = await extensionApi();
    fake = await FakeIngestion.start();
    await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
    await api.startRelay();
  });

  after(async () => {
    await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
    await fake?.close();
  });

  async function postToRelay(message: string): Promise<void> {
    const relay = await api.startRelay();
    const localKey = connectionStringPart(relay.localConnectionString, 'InstrumentationKey')!;
    const reply = await postJson(`${relay.url}v2.1/track`, [messageEnvelope(localKey, message)]);
    assert.strictEqual(reply.status, 200, reply.body);
  }

  it('without a connection string: local-only, nothing reaches the service', async () => {
    await waitForRelayState(api, (s) => s.state === 'local-only', 'local-only');
    await postToRelay('stays here');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.strictEqual(fake.requests().length, 0);
  });

  it('Set Connection String switches the running relay to forwarding, with the real key put back', async () => {
    const pending = vscode.commands.executeCommand('azureMonitorPython.setConnectionString');
    await answerInputBox(fake.connectionString(realKey));
    await pending;
    await waitForRelayState(api, (s) => s.state === 'forwarding', 'forwarding');
    await postToRelay('goes to Azure');
    const received = await fake.waitForItems(1, 20_000);
    const forwarded = received.find((item) => (item.data?.baseData as { message?: string } | undefined)?.message === 'goes to Azure');
    assert.ok(forwarded, `the envelope arrived (got ${JSON.stringify(received).slice(0, 300)})`);
    assert.strictEqual(forwarded.iKey, realKey, 'the local key was rewritten to the real one');
    assert.ok(!fake.received().some((item) => (item.data?.baseData as { message?: string } | undefined)?.message === 'stays here'), 'what came before, local-only, is not sent afterwards');
  });

  it('the terminal environment never holds the real key, even while forwarding', () => {
    const variables = JSON.stringify(api.terminalEnvironment());
    assert.ok(!variables.toLowerCase().includes(realKey), variables);
    assert.ok(!variables.includes(fake.url), 'apps talk to the relay, not to the service');
  });

  it('Clear switches back to local-only without a restart', async () => {
    const url = api.relayStatus().url;
    await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
    await waitForRelayState(api, (s) => s.state === 'local-only', 'local-only again');
    assert.strictEqual(api.relayStatus().url, url, 'same listener');
    const requestsBefore = fake.requests().length;
    await postToRelay('local again');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.strictEqual(fake.requests().length, requestsBefore);
  });
});
