import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { buildCli, firstLine, run } from './cliProcess';
import { CAPTURE_KEY, loadCaptures, send, tempDir } from './helpers';

const REAL_KEY = '0a1b2c3d-1111-2222-3333-444455556666';

describe('azmon-relay CLI', function () {
  this.timeout(20000);
  let cli: string;
  before(async () => {
    cli = await buildCli();
  });

  it('prints one listening line, relays a real capture, and exits 0 on SIGTERM', async () => {
    const storage = tempDir('azmon-relay-storage-');
    const realKey = REAL_KEY;
    const running = run(cli, ['--port', '0', '--storage', storage, '--local-key', CAPTURE_KEY.toUpperCase(), '--no-forward'], {
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${realKey};IngestionEndpoint=http://127.0.0.1:9/`,
    });
    try {
      const line = JSON.parse(await firstLine(running));
      assert.deepStrictEqual(Object.keys(line), ['event', 'url', 'httpsUrl', 'localConnectionString', 'caCertPath', 'forwarding']);
      assert.strictEqual(line.event, 'listening');
      const port = Number(/^http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(line.url)![1]);
      assert.ok(port > 0);
      assert.strictEqual(
        line.localConnectionString,
        `InstrumentationKey=${CAPTURE_KEY};IngestionEndpoint=http://127.0.0.1:${port}/;LiveEndpoint=http://127.0.0.1:${port}/`,
      );
      assert.match(line.httpsUrl, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      assert.strictEqual(line.caCertPath, path.join(storage, 'tls', 'relay-ca.pem'));
      assert.ok(fs.existsSync(line.caCertPath));
      assert.strictEqual(line.forwarding, false);

      const capture = loadCaptures((name) => name === 'py-opencensus-logs.req1')[0];
      const headers = { ...capture.meta.headers };
      delete headers.host;
      const reply = await send(port, { path: capture.meta.path, headers, body: capture.body });
      assert.strictEqual(reply.status, 200, reply.text);
      assert.deepStrictEqual(reply.json, { itemsReceived: 6, itemsAccepted: 6, errors: [] });

      running.child.kill('SIGTERM');
      assert.strictEqual(await running.exit, 0);
      assert.strictEqual(running.stdout().trim().split('\n').length, 1, 'stdout holds exactly one line');
      assert.match(running.stderr(), /Relay listening on http:\/\/127\.0\.0\.1:/);
      assert.match(running.stderr(), /SIGTERM: closing the relay/);
      assert.ok(!running.stderr().includes(realKey), 'the real key never reaches the log');
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('forwards to the connection string in the environment, under the real key, and drains on SIGTERM', async () => {
    const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    const storage = tempDir('azmon-relay-storage-');
    const running = run(cli, ['--no-https', '--storage', storage, '--local-key', CAPTURE_KEY], {
      APPLICATIONINSIGHTS_CONNECTION_STRING: fake.connectionString(REAL_KEY),
    });
    try {
      const line = JSON.parse(await firstLine(running));
      assert.strictEqual(line.forwarding, true);
      const port = Number(/:(\d+)\/$/.exec(line.url)![1]);
      const capture = loadCaptures((name) => name === 'py-opencensus-logs.req1')[0];
      const headers = { ...capture.meta.headers };
      delete headers.host;
      // The service is down at first: the relay still answers 200 (the batch is on disk) and retries.
      fake.failFirst(1, 503);
      const reply = await send(port, { path: capture.meta.path, headers, body: capture.body });
      assert.strictEqual(reply.status, 200, reply.text);
      const received = await fake.waitForItems(6, 15000);
      assert.ok(received.every((item) => item.iKey === REAL_KEY));
      running.child.kill('SIGTERM');
      assert.strictEqual(await running.exit, 0);
      assert.strictEqual(fake.received().length, 6, 'each item exactly once');
      assert.deepStrictEqual(fs.readdirSync(path.join(storage, 'forward-queue')), []);
      assert.match(running.stderr(), /Forwarded 6 items, dropped 0; 0 stay queued/);
      assert.ok(!running.stderr().includes(REAL_KEY), 'the real key never reaches the log');
    } finally {
      running.child.kill('SIGKILL');
      await fake.close();
    }
  });

  it('keeps what it could not send on disk at SIGTERM and sends it on the next start', async () => {
    const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    fake.setPlan(() => ({ kind: 'status', status: 503 }));
    const storage = tempDir('azmon-relay-storage-');
    const env = { APPLICATIONINSIGHTS_CONNECTION_STRING: fake.connectionString(REAL_KEY) };
    const first = run(cli, ['--no-https', '--storage', storage, '--local-key', CAPTURE_KEY], env);
    try {
      const port = Number(/:(\d+)\/$/.exec(JSON.parse(await firstLine(first)).url)![1]);
      const capture = loadCaptures((name) => name === 'py-opencensus-logs.req1')[0];
      const headers = { ...capture.meta.headers };
      delete headers.host;
      assert.strictEqual((await send(port, { path: capture.meta.path, headers, body: capture.body })).status, 200);
      first.child.kill('SIGTERM');
      assert.strictEqual(await first.exit, 0);
      assert.match(first.stderr(), /6 stay queued on disk for the next run/);
      assert.strictEqual(fake.received().length, 0);
      assert.strictEqual(fs.readdirSync(path.join(storage, 'forward-queue')).length, 1);
    } finally {
      first.child.kill('SIGKILL');
    }
    fake.clearFaults();
    const second = run(cli, ['--no-https', '--storage', storage], env);
    try {
      await firstLine(second);
      const received = await fake.waitForItems(6, 15000);
      assert.ok(received.every((item) => item.iKey === REAL_KEY));
      second.child.kill('SIGINT');
      assert.strictEqual(await second.exit, 0);
      assert.strictEqual(fake.received().length, 6);
    } finally {
      second.child.kill('SIGKILL');
      await fake.close();
    }
  });

  it('forwards nothing with --no-forward even when a connection string is set', async () => {
    const fake = await FakeIngestion.start();
    const storage = tempDir('azmon-relay-storage-');
    const running = run(cli, ['--no-https', '--no-forward', '--storage', storage, '--local-key', CAPTURE_KEY], {
      APPLICATIONINSIGHTS_CONNECTION_STRING: fake.connectionString(REAL_KEY),
    });
    try {
      const port = Number(/:(\d+)\/$/.exec(JSON.parse(await firstLine(running)).url)![1]);
      const capture = loadCaptures((name) => name === 'py-opencensus-logs.req1')[0];
      const headers = { ...capture.meta.headers };
      delete headers.host;
      assert.strictEqual((await send(port, { path: capture.meta.path, headers, body: capture.body })).status, 200);
      running.child.kill('SIGTERM');
      assert.strictEqual(await running.exit, 0);
      assert.strictEqual(fake.requests().length, 0);
      assert.ok(!fs.existsSync(path.join(storage, 'forward-queue')));
    } finally {
      running.child.kill('SIGKILL');
      await fake.close();
    }
  });

  it('exits 0 on SIGINT too, with TLS off', async () => {
    const running = run(cli, ['--no-https', '--storage', tempDir('azmon-relay-storage-')]);
    try {
      const line = JSON.parse(await firstLine(running));
      assert.strictEqual(line.httpsUrl, null);
      assert.strictEqual(line.caCertPath, null);
      assert.match(
        line.localConnectionString,
        /^InstrumentationKey=[0-9a-f-]{36};IngestionEndpoint=http:\/\/127\.0\.0\.1:\d+\/;LiveEndpoint=http:\/\/127\.0\.0\.1:\d+\/$/,
      );
      running.child.kill('SIGINT');
      assert.strictEqual(await running.exit, 0);
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('closes cleanly on a signal sent the moment the listening line arrives (handlers exist before the line)', async () => {
    // A supervisor that stops the relay as soon as it is up: before the fix, SIGINT right after the
    // line killed the process (exit by signal) because the handlers were registered after it.
    for (let attempt = 0; attempt < 5; attempt++) {
      const running = run(cli, ['--no-https', '--storage', tempDir('azmon-relay-storage-')]);
      try {
        running.child.stdout!.on('data', () => {
          if (running.stdout().includes('\n') && running.child.signalCode === null) running.child.kill('SIGINT');
        });
        assert.strictEqual(
          await running.exit,
          0,
          `attempt ${attempt}: exit by ${running.child.signalCode ?? 'code'}; stderr: ${running.stderr()}`,
        );
      } finally {
        running.child.kill('SIGKILL');
      }
    }
  });

  it('refuses unknown options and a bad local key with exit code 2', async () => {
    const unknown = run(cli, ['--connection-string', 'x']);
    assert.strictEqual(await unknown.exit, 2);
    assert.match(unknown.stderr(), /Unknown option --connection-string/);
    const badKey = run(cli, ['--local-key', 'nope']);
    assert.strictEqual(await badKey.exit, 2);
    assert.match(badKey.stderr(), /--local-key must be a GUID/);
    assert.strictEqual(unknown.stdout(), '');
  });

  it('refuses an invalid connection string in the environment', async () => {
    const running = run(cli, ['--storage', tempDir('azmon-relay-storage-')], {
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=not-a-guid',
    });
    assert.strictEqual(await running.exit, 2);
    assert.match(running.stderr(), /APPLICATIONINSIGHTS_CONNECTION_STRING is not valid: InstrumentationKey is not a GUID/);
  });

  it('dispatches `snippets` to the snippet command', async () => {
    const running = run(cli, ['snippets', 'list']);
    assert.strictEqual(await running.exit, 0);
    const listed = JSON.parse(running.stdout()) as { id: string }[];
    assert.ok(listed.some((entry) => entry.id === 'opencensus-logs'));
  });
});
