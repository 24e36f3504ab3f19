import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AzureMonitorPythonApi } from '../../../src/extension/api';
import { connectionStringPart, eventually, extensionApi, messageEnvelope, postJson, waitForRelayState } from '../extensionApi';

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const RELAY_VARIABLES = [
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL',
  'NODE_EXTRA_CA_CERTS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
];

/** What a shell started by VS Code really sees: `env` run in a new integrated terminal. */
async function terminalVariables(name: string): Promise<Record<string, string>> {
  const file = path.join(os.tmpdir(), `azmon-env-${process.pid}-${Date.now()}.txt`);
  const terminal = vscode.window.createTerminal({ name });
  try {
    terminal.sendText(`env > '${file}.tmp' && mv '${file}.tmp' '${file}'`, true);
    const text = await eventually(`the terminal wrote ${file}`, () => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), 30_000);
    const variables: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const at = line.indexOf('=');
      if (at > 0 && RELAY_VARIABLES.includes(line.slice(0, at))) variables[line.slice(0, at)] = line.slice(at + 1);
    }
    return variables;
  } finally {
    terminal.dispose();
    fs.rmSync(file, { force: true });
  }
}

async function refusesConnections(url: string): Promise<boolean> {
  return postJson(`${url}v2.1/track`, []).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
  );
}

describe('Relay lifecycle and environment injection', function () {
  this.timeout(90_000);
  let api: AzureMonitorPythonApi;

  before(async () => {
    api = await extensionApi();
  });

  it("the environment collection holds the relay's local connection string, statsbeat off and the CA path", async () => {
    const relay = await api.startRelay();
    const variables = api.terminalEnvironment();
    assert.deepStrictEqual(Object.keys(variables).sort(), [...RELAY_VARIABLES].sort());
    const injected = variables.APPLICATIONINSIGHTS_CONNECTION_STRING;
    assert.match(
      injected,
      new RegExp(`^InstrumentationKey=${GUID};IngestionEndpoint=http://127\\.0\\.0\\.1:\\d+/;LiveEndpoint=http://127\\.0\\.0\\.1:\\d+/$`),
    );
    assert.strictEqual(injected, relay.localConnectionString, "exactly the running relay's local connection string");
    assert.strictEqual(connectionStringPart(injected, 'IngestionEndpoint'), relay.url);
    assert.strictEqual(variables.APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL, 'true');
    assert.ok(relay.caCertPath && variables.NODE_EXTRA_CA_CERTS === relay.caCertPath, "NODE_EXTRA_CA_CERTS is the relay's CA");
    assert.ok(fs.readFileSync(relay.caCertPath, 'utf8').includes('BEGIN CERTIFICATE'), 'and that file is a certificate');
    // Plain OpenTelemetry SDKs: OTLP/HTTP to the same relay, with the local key as a header.
    assert.strictEqual(variables.OTEL_EXPORTER_OTLP_ENDPOINT, relay.url.replace(/\/$/, ''));
    assert.strictEqual(variables.OTEL_EXPORTER_OTLP_HEADERS, `x-azmon-key=${connectionStringPart(injected, 'InstrumentationKey')}`);
    assert.strictEqual(variables.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.strictEqual(variables.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, 'delta', 'deltas, as the Azure exporters send');
  });

  it('a new integrated terminal really gets those variables', async () => {
    const expected = api.terminalEnvironment();
    const seen = await terminalVariables('azmon env check');
    assert.deepStrictEqual(seen, expected);
  });

  it('answers HTTP on 127.0.0.1: 200 for the local key, 403 for any other key; counts what it accepted', async () => {
    const relay = await api.startRelay();
    const localKey = connectionStringPart(relay.localConnectionString, 'InstrumentationKey')!;
    const before = api.relayStatus().itemsReceived;
    const accepted = await postJson(`${relay.url}v2.1/track`, [messageEnvelope(localKey, 'hello from the lifecycle test')]);
    assert.strictEqual(accepted.status, 200, accepted.body);
    assert.deepStrictEqual(JSON.parse(accepted.body), { itemsReceived: 1, itemsAccepted: 1, errors: [] });
    const foreign = await postJson(`${relay.url}v2.1/track`, [messageEnvelope('00000000-0000-4000-8000-000000000001', 'not ours')]);
    assert.strictEqual(foreign.status, 403, foreign.body);
    await waitForRelayState(api, (status) => status.itemsReceived === before + 1, 'counts the accepted item');
  });

  it('an OTLP/HTTP export set up only from the injected OTEL_EXPORTER_OTLP_* variables is accepted', async () => {
    await api.startRelay();
    const variables = api.terminalEnvironment();
    // OTEL_EXPORTER_OTLP_HEADERS is `name=value[,name=value]`, as the SDKs parse it.
    const headers = Object.fromEntries(
      variables.OTEL_EXPORTER_OTLP_HEADERS.split(',').map((pair) => pair.split('=').map(decodeURIComponent) as [string, string]),
    );
    const before = api.relayStatus().itemsReceived;
    const record = {
      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
      severityNumber: 9,
      body: { stringValue: 'hello over OTLP from the ext-host test' },
    };
    const logs = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'exthost-otlp' } }] },
          scopeLogs: [{ logRecords: [record] }],
        },
      ],
    };
    const accepted = await postJson(`${variables.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/logs`, logs, headers);
    assert.strictEqual(accepted.status, 200, accepted.body);
    assert.deepStrictEqual(JSON.parse(accepted.body), {});
    const refused = await postJson(`${variables.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/logs`, logs);
    assert.strictEqual(refused.status, 401, 'no key, no entry');
    await waitForRelayState(api, (status) => status.itemsReceived === before + 1, 'counts the OTLP record');
  });

  it('stop (what deactivate does) closes the listener; opening a Python file starts it again on the same address', async () => {
    const first = await api.startRelay();
    await api.stopRelay();
    assert.strictEqual(api.relayStatus().state, 'stopped');
    assert.ok(await refusesConnections(first.url), 'nothing listens any more');

    await vscode.workspace.openTextDocument({ language: 'python', content: 'print("lazy start")\n' });
    const status = await waitForRelayState(api, (s) => s.state === 'local-only' || s.state === 'forwarding', 'started by the Python file');
    assert.strictEqual(status.url, first.url, 'same port: terminals opened earlier keep working');
    const again = await api.startRelay();
    assert.strictEqual(again.localConnectionString, first.localConnectionString);
    const reply = await postJson(`${again.url}v2.1/track`, [
      messageEnvelope(connectionStringPart(again.localConnectionString, 'InstrumentationKey')!, 'after restart'),
    ]);
    assert.strictEqual(reply.status, 200);
  });

  it('a terminal created in this Python workspace starts a stopped relay', async () => {
    await api.stopRelay();
    const terminal = vscode.window.createTerminal({ name: 'azmon lazy start' });
    try {
      await waitForRelayState(api, (s) => s.url !== undefined, 'started by the terminal');
    } finally {
      terminal.dispose();
    }
  });

  it('any command starts a stopped relay', async () => {
    await api.stopRelay();
    await vscode.commands.executeCommand('azureMonitorPython.showLog');
    await waitForRelayState(api, (s) => s.url !== undefined, 'started by a command');
  });
});

describe('Python debug sessions get the relay variables', function () {
  this.timeout(60_000);
  let api: AzureMonitorPythonApi;
  const seen: vscode.DebugConfiguration[] = [];
  const spies: vscode.Disposable[] = [];

  before(async () => {
    api = await extensionApi();
    // Starting a session saves dirty editors first; an untitled one left by another test would
    // wait for a Save As dialog nobody answers.
    await vscode.workspace.getConfiguration('debug').update('saveBeforeStart', 'none', vscode.ConfigurationTarget.Global);
    // Registered after the extension's provider, so it sees what that one produced. Returning
    // undefined then ends the launch quietly: no Python debugger is installed here.
    for (const type of ['python', 'debugpy']) {
      spies.push(
        vscode.debug.registerDebugConfigurationProvider(type, {
          resolveDebugConfigurationWithSubstitutedVariables: (_folder, configuration) => {
            seen.push(configuration);
            return undefined;
          },
        }),
      );
    }
  });

  after(async () => {
    spies.forEach((spy) => spy.dispose());
    await vscode.workspace.getConfiguration('debug').update('saveBeforeStart', undefined, vscode.ConfigurationTarget.Global);
  });

  async function resolve(configuration: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration> {
    const count = seen.length;
    await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], configuration);
    return eventually('the configuration was resolved', () => seen[count]);
  }

  it('launch (debugpy): adds the relay variables', async () => {
    const relay = await api.startRelay();
    const resolved = await resolve({ type: 'debugpy', request: 'launch', name: 'app', program: '${workspaceFolder}/app.py' });
    assert.strictEqual(resolved.env.APPLICATIONINSIGHTS_CONNECTION_STRING, relay.localConnectionString);
    assert.strictEqual(resolved.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL, 'true');
    assert.strictEqual(resolved.env.NODE_EXTRA_CA_CERTS, relay.caCertPath);
  });

  it('launch (python): a value the user set in env or in the envFile is kept', async () => {
    const envFile = path.join(os.tmpdir(), `azmon-${process.pid}.env`);
    fs.writeFileSync(envFile, 'export APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL=false\n');
    try {
      const relay = await api.startRelay();
      const mine = 'InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=http://127.0.0.1:9/';
      const resolved = await resolve({
        type: 'python',
        request: 'launch',
        name: 'app',
        program: 'app.py',
        envFile,
        env: { APPLICATIONINSIGHTS_CONNECTION_STRING: mine, OTHER: 'x' },
      });
      assert.strictEqual(resolved.env.APPLICATIONINSIGHTS_CONNECTION_STRING, mine, "the user's own value wins");
      assert.strictEqual(resolved.env.OTHER, 'x');
      assert.strictEqual(resolved.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL, undefined, 'left to the envFile');
      assert.strictEqual(resolved.env.NODE_EXTRA_CA_CERTS, relay.caCertPath, 'the rest is still added');
    } finally {
      fs.rmSync(envFile, { force: true });
    }
  });

  it('attach: left alone (the process already has its environment)', async () => {
    const resolved = await resolve({ type: 'debugpy', request: 'attach', name: 'attach', connect: { host: '127.0.0.1', port: 5678 } });
    assert.strictEqual(resolved.env, undefined);
  });
});
