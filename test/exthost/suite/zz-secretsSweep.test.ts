/**
 * Runs last (the suite loads files sorted by name): after the whole extension-host run, a fresh
 * random real connection string is set, the relay forwards through it to the fake ingestion server
 * (which echoes the key back in its error messages, as a hostile or chatty service might), items
 * are left queued on disk, and the log is written. Then the run's files — output channel logs,
 * user/machine/workspace settings, workspace and global storage (the forward queue included), the
 * server log — the browser-side workbench storage, and the environment variable collection are
 * searched for that connection string and key (with and without dashes, any case, UTF-8 and
 * UTF-16): nothing. The keys the earlier test files registered (test/exthost/secretsSeen.ts) are
 * searched for too, outside the files the user's own code lives in.
 */
import * as assert from 'assert';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { gunzipSync } from 'zlib';
import type { AzureMonitorPythonApi } from '../../../src/extension/api';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { connectionStringPart, eventually, extensionApi, messageEnvelope, postJson, waitForRelayState } from '../extensionApi';
import { secretsSeen } from '../secretsSeen';
import { findSecrets, findSecretsInText, Hit, keyForms, listFiles, Secret } from '../secretSweep';
import { answerInputBox, ui, uiDriverAvailable } from '../ui';

const EXTENSION_FOLDER = 'azmon-python.azure-monitor-python';

describe('Secrets sweep after the run', function () {
  this.timeout(120_000);
  const runDir = process.env.AZMON_TEST_SERVER_DATA_DIR ?? '';
  const workspace = process.env.AZMON_TEST_WORKSPACE ?? '';
  const realKey = randomUUID();
  const connectionString = (fake: FakeIngestion): string =>
    `InstrumentationKey=${realKey};IngestionEndpoint=${fake.url};LiveEndpoint=${fake.url};ApplicationId=${randomUUID()}`;
  let api: AzureMonitorPythonApi;
  let fake: FakeIngestion;
  let raw = '';

  before(async function () {
    // The value is typed into the real input box, and the files are the code-server run's.
    if (!uiDriverAvailable || !runDir) this.skip();
    api = await extensionApi();
    fake = await FakeIngestion.start({ expectKey: realKey });
    raw = connectionString(fake);
  });

  after(async () => {
    if (!api) return;
    await vscode.commands.executeCommand('azureMonitorPython.clearConnectionString');
    await fake?.close();
  });

  it('a fresh connection string, forwarded, retried, queued and logged, is nowhere on disk, in browser storage or in the environment', async () => {
    // The service echoes the key back, in every spelling, in its error messages.
    const echo = `InstrumentationKey=${realKey.toUpperCase()} (${realKey.replace(/-/g, '')}) ${raw}`;
    fake.enqueue(
      { kind: 'status', status: 503, message: `busy: ${echo}` },
      { kind: 'partial', codes: [500, 200], messages: [`retry ${echo}`] },
      { kind: 'status', status: 429, retryAfter: 1, message: echo },
    );

    const pending = vscode.commands.executeCommand('azureMonitorPython.setConnectionString');
    await answerInputBox(raw);
    await pending;
    await waitForRelayState(api, (status) => status.state === 'forwarding' || status.state === 'retrying', 'forwarding');
    const relay = await api.startRelay();
    const localKey = connectionStringPart(relay.localConnectionString, 'InstrumentationKey')!;
    const post = async (messages: string[]): Promise<void> => {
      const reply = await postJson(
        `${relay.url}v2.1/track`,
        messages.map((message) => messageEnvelope(localKey, message)),
      );
      assert.strictEqual(reply.status, 200, reply.body);
    };
    await post(['sweep 1', 'sweep 2']);
    const received = await fake.waitForItems(2, 60_000);
    assert.ok(
      received.every((item) => item.iKey === realKey),
      'forwarded under the real key',
    );

    // Live Metrics goes on to the service too; it echoes the key in its configuration and errors.
    fake.live
      .setSubscribed(true)
      .setConfiguration({ ETag: `etag ${echo}`, Metrics: [], DocumentStreams: [{ Id: echo, DocumentFilterGroups: [] }] });
    fake.live.enqueue({ kind: 'status', status: 503, message: echo });
    const livePing = `${relay.url}QuickPulseService.svc/ping?ikey=${localKey}&api-version=2024-04-01-preview`;
    const point = {
      Version: 'sweep',
      InvariantVersion: 5,
      Instance: 'sweep',
      RoleName: 'sweep',
      MachineName: 'sweep',
      StreamId: 'sweep-stream',
      Timestamp: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const reply = await postJson(livePing, point, { 'x-ms-qps-stream-id': 'sweep-stream' });
      assert.strictEqual(reply.status, 200, reply.body);
      assert.deepStrictEqual(
        findSecretsInText('a Live Metrics answer to the app', JSON.stringify(reply), [
          { label: 'the real key', forms: [raw, ...keyForms(realKey)] },
        ]),
        [],
      );
    }
    assert.deepStrictEqual(
      fake.live.pings().map((request) => [request.status, request.query.get('ikey')]),
      [
        [503, realKey],
        [200, realKey],
      ],
      'both pings reached the live endpoint with the real key',
    );

    // Now the service refuses everything: the next items stay in the disk queue under global storage.
    fake.setPlan(() => ({ kind: 'status', status: 503, message: echo }));
    await post(['held 1', 'held 2', 'held 3']);
    await vscode.commands.executeCommand('azureMonitorPython.showLog');

    const userData = path.join(runDir, 'user-data');
    const queueFiles = await eventually('the held items in a queue file under global storage', () => {
      const files = listFiles(path.join(userData, 'User', 'globalStorage', EXTENSION_FOLDER)).filter(
        (file) => /\.(queue|ndjson)$/.test(file) && queueFileText(file).includes('held 3'),
      );
      return files.length > 0 && files;
    });
    assert.ok(queueFileText(queueFiles[0]).includes(localKey), 'the queue holds the local key');
    // The channel's file has this session's forwarding failures (so the sweep reads the right log).
    const logFile = await eventually(
      'the Azure Monitor log file with the retries',
      () => {
        const logs = listFiles(path.join(userData, 'logs')).filter(
          (file) => file.includes(EXTENSION_FOLDER) && file.endsWith('Azure Monitor.log'),
        );
        return logs.find((file) => /Forwarding \d+ items failed \(the service answered 503/.test(fs.readFileSync(file, 'utf8')));
      },
      30_000,
    );

    const fresh: Secret = { label: "this test's connection string", forms: [raw, ...keyForms(realKey)] };
    const files = listFiles(runDir);
    const workspaceSettings = path.join(workspace, '.vscode', 'settings.json');
    const expectedPlaces = [
      logFile,
      queueFiles[0],
      path.join(userData, 'User', 'settings.json'),
      ...(fs.existsSync(workspaceSettings) ? [workspaceSettings] : []),
    ];
    for (const place of expectedPlaces) assert.ok(files.includes(place), `the sweep covers ${place}`);
    const hits: Hit[] = findSecrets(files, [fresh]);
    // The queue's segments are gzipped on disk: sweep their text too.
    for (const file of files.filter((name) => name.endsWith('.queue')))
      hits.push(...findSecretsInText(`${file} (decompressed)`, queueFileText(file), [fresh]));

    // The web workbench keeps workspace/global state and the terminal environment collections in the browser.
    const browserStorage = await ui<string>({ action: 'browserStorage' });
    assert.ok(browserStorage.length > 100, 'browser storage was read');
    hits.push(...findSecretsInText('browser storage (localStorage, IndexedDB)', browserStorage, [fresh]));
    hits.push(...findSecretsInText('the terminal environment collection', JSON.stringify(api.terminalEnvironment()), [fresh]));
    hits.push(...findSecretsInText('the extension host environment', JSON.stringify(process.env), [fresh]));
    hits.push(...findSecretsInText('the relay status', JSON.stringify(api.relayStatus()), [fresh]));
    assert.deepStrictEqual(hits, [], 'the fresh connection string leaked');

    // Keys from the earlier files: not in what the extension or VS Code wrote. The user's own code
    // (the workspace outside .vscode, and VS Code's local history and backups of it) may hold what a test typed there.
    const earlier: Secret[] = [...secretsSeen()].map(([secret, owner]) => ({
      label: `${owner}'s secret`,
      forms: /^[0-9a-f-]{36}$/i.test(secret) ? keyForms(secret) : [secret],
    }));
    const userContent = (file: string): boolean =>
      (file.startsWith(`${workspace}${path.sep}`) && !file.startsWith(path.join(workspace, '.vscode'))) ||
      /[\\/]User[\\/](History|Backups)[\\/]/.test(file) ||
      /[\\/]Backups[\\/]/.test(file);
    const earlierHits = [
      ...findSecrets(
        files.filter((file) => !userContent(file)),
        earlier,
      ),
      ...findSecretsInText('browser storage', browserStorage, earlier),
    ];
    assert.deepStrictEqual(earlierHits, [], 'a secret of an earlier test leaked');
    console.log(
      `      swept ${files.length} files, ${browserStorage.length} chars of browser storage, ${fresh.forms.length + earlier.reduce((sum, secret) => sum + secret.forms.length, 0)} secret spellings (${earlier.length} earlier secrets)`,
    );
  });
});

/** A forward queue file as text: layout 2 is a JSON header line and gzipped segments (src/core/forward/queueSegments.ts). */
function queueFileText(file: string): string {
  const content = fs.readFileSync(file);
  if (!file.endsWith('.queue')) return content.toString('utf8');
  const newline = content.indexOf(0x0a);
  const header = JSON.parse(content.subarray(0, newline).toString('utf8')) as { segments: { packedBytes: number }[] };
  let offset = newline + 1;
  const texts = [content.subarray(0, newline).toString('utf8')];
  for (const segment of header.segments) texts.push(gunzipSync(content.subarray(offset, (offset += segment.packedBytes))).toString('utf8'));
  return texts.join('\n');
}
