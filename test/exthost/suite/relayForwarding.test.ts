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
    // Absence cannot be observed: give a forwarder that wrongly sent it one second to show up.
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
    assert.ok(
      !fake.received().some((item) => (item.data?.baseData as { message?: string } | undefined)?.message === 'stays here'),
      'what came before, local-only, is not sent afterwards',
    );
  });

  async function liveToRelay(): Promise<{ status: number; subscribed: unknown; body: string }> {
    const relay = await api.startRelay();
    const localKey = connectionStringPart(relay.localConnectionString, 'InstrumentationKey')!;
    const point = {
      Version: 'exthost',
      InvariantVersion: 5,
      Instance: 'exthost',
      RoleName: 'exthost',
      MachineName: 'exthost',
      StreamId: 'exthost-stream',
      Timestamp: new Date().toISOString(),
    };
    const reply = await postJson(`${relay.url}QuickPulseService.svc/ping?ikey=${localKey}&api-version=2024-04-01-preview`, point, {
      'x-ms-qps-stream-id': 'exthost-stream',
    });
    return { status: reply.status, subscribed: reply.headers?.['x-ms-qps-subscribed'], body: reply.body };
  }

  it('Live Metrics goes on to the LiveEndpoint with the real key, and the service answer comes back', async () => {
    fake.live.setSubscribed(true).setConfiguration({ ETag: 'exthost-etag', Metrics: [], DocumentStreams: [], QuotaInfo: null });
    const reply = await liveToRelay();
    assert.strictEqual(reply.status, 200, reply.body);
    assert.strictEqual(reply.subscribed, 'true', 'the portal (the fake) watches');
    assert.strictEqual(JSON.parse(reply.body).ETag, 'exthost-etag');
    const [ping] = fake.live.pings();
    assert.ok(ping, 'the fake live endpoint got the ping');
    assert.strictEqual(ping.query.get('ikey'), realKey);
    fake.live.setSubscribed(false);
    assert.strictEqual((await liveToRelay()).subscribed, 'false', 'nobody watches: not subscribed');
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
    // Absence cannot be observed: give a forwarder that wrongly sent it one second to show up.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.strictEqual(fake.requests().length, requestsBefore);
    const livePings = fake.live.requests().length;
    assert.strictEqual((await liveToRelay()).subscribed, 'true', 'local-only: the relay answers Live Metrics itself');
    assert.strictEqual(fake.live.requests().length, livePings, 'and sends nothing on');
  });
});
