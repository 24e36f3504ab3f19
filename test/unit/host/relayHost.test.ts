/**
 * RelayHost alone: the whole pipeline over real loopback HTTP, forwarding to the fake ingestion.
 * Start, reconfigure (local-only ↔ forwarding, pause) and stop in order, and no item the app got
 * 200 for is lost across a reconfigure.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import type { Envelope } from '../../../src/core/envelope';
import { RelayHost, RelayHostOptions } from '../../../src/core/host';
import { TLS_FILES } from '../../../src/core/relay';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { send } from '../relay/helpers';
import { envelopes, LOCAL_KEY, messagesOf, REAL_KEY, tempDir } from '../forward/helpers';

describe('RelayHost: one object runs the relay pipeline', () => {
  let fake: FakeIngestion;
  let storage: string;
  const hosts: RelayHost[] = [];
  const logs: string[] = [];

  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    storage = tempDir('azmon-host-');
    logs.length = 0;
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
    await fake.close();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  const realConnectionString = () => parseConnectionStringOrThrow(fake.connectionString(REAL_KEY));

  async function start(options: Partial<RelayHostOptions> = {}): Promise<RelayHost> {
    const host = await RelayHost.start({
      storageDir: storage,
      httpsPort: false,
      localKey: LOCAL_KEY,
      settings: { backoffBaseMs: 20, backoffMaxMs: 50 },
      log: (level, message) => logs.push(`${level} ${message}`),
      ...options,
    });
    hosts.push(host);
    return host;
  }

  async function post(host: RelayHost, items: Envelope[]): Promise<void> {
    const reply = await send(host.server.port, { body: JSON.stringify(items), headers: { 'Content-Type': 'application/json' } });
    assert.strictEqual(reply.status, 200, reply.text);
  }

  async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('local-only from the start: the store gets every item, no queue is opened on disk', async () => {
    const host = await start();
    await post(host, envelopes(3, 'local'));
    assert.strictEqual(host.store.size, 3);
    assert.strictEqual(host.forwarding, false);
    assert.strictEqual(host.forwarder.stats().state, 'local-only');
    assert.ok(!fs.existsSync(path.join(storage, 'forward-queue')), 'a local-only host leaves the disk alone');
    await host.stop();
    assert.strictEqual(fake.received().length, 0);
  });

  it("formats the apps' addresses the same before it listens and once it does", async () => {
    const host = await start();
    const planned = RelayHost.plannedEnvironment(storage, host.server.port, LOCAL_KEY);
    assert.deepStrictEqual(host.environment, planned);
    assert.strictEqual(planned.connectionString, host.server.localConnectionString);
    assert.strictEqual(planned.otlpEndpoint, host.server.otlpEndpoint);
    assert.strictEqual(planned.otlpHeaders, `x-azmon-key=${LOCAL_KEY}`);
    assert.strictEqual(planned.caCertPath, path.join(storage, 'tls', TLS_FILES.caCert));
  });

  it('switches local-only → forwarding → local-only → forwarding without a restart; only items sent while forwarding go on', async () => {
    const host = await start();
    const port = host.server.port;
    await post(host, envelopes(2, 'before'));
    await host.setConnectionString(realConnectionString());
    assert.strictEqual(host.server.port, port, 'the listener stays');
    await post(host, envelopes(3, 'first-on'));
    await fake.waitForItems(3);
    await host.setConnectionString(undefined);
    await post(host, envelopes(4, 'off'));
    await host.setConnectionString(realConnectionString());
    await post(host, envelopes(5, 'second-on'));
    await fake.waitForItems(8);
    await host.stop();
    const sent = messagesOf(fake.received()).sort();
    assert.deepStrictEqual(sent, [...messagesOf(envelopes(3, 'first-on')), ...messagesOf(envelopes(5, 'second-on'))].sort());
    assert.strictEqual(host.store.size, 14, 'the store saw everything');
  });

  it("gives the store each item's delivery through the host's sink: local only, then sent or dropped by the service's answer", async () => {
    const host = await start();
    await post(host, envelopes(1, 'local'));
    await host.setConnectionString(realConnectionString());
    fake.enqueue({ kind: 'partial', codes: [200, 400], messages: [undefined, 'Field name is required'] });
    await post(host, envelopes(2, 'forwarded'));
    await fake.waitForRequests(1);
    const stateOf = () => new Map(host.store.snapshot().map((item) => [String(item.message), item.delivery?.state]));
    await until("the service's answer in the store", () => host.store.awaitingDelivery === 0 && stateOf().get('forwarded 0') === 'sent');
    assert.deepStrictEqual(Object.fromEntries(stateOf()), { 'local 0': 'local', 'forwarded 0': 'sent', 'forwarded 1': 'dropped' });
  });

  it('keeps what it accepted while forwarding when forwarding is switched off, and sends it once switched on again', async () => {
    const host = await start({ connectionString: realConnectionString() });
    fake.enqueue({ kind: 'down', ms: 60_000 });
    await post(host, envelopes(6, 'owed'));
    await until('the failed attempt', () => host.forwarder.stats().consecutiveFailures > 0);
    await host.setConnectionString(undefined);
    assert.strictEqual(host.forwarder.stats().state, 'local-only');
    assert.strictEqual(host.forwarder.stats().queuedItems, 6, 'still owed, on disk');
    assert.strictEqual(host.forwarder.stats().droppedItems, 0);
    const back = await FakeIngestion.start({ expectKey: REAL_KEY });
    try {
      await host.setConnectionString(parseConnectionStringOrThrow(back.connectionString(REAL_KEY)));
      assert.deepStrictEqual(messagesOf(await back.waitForItems(6)).sort(), messagesOf(envelopes(6, 'owed')).sort());
    } finally {
      await host.stop();
      await back.close();
    }
  });

  it('a batch that arrives while the queue is being opened waits for it and is forwarded', async () => {
    const host = await start();
    const switching = host.setConnectionString(realConnectionString());
    await post(host, envelopes(4, 'during-open'));
    await switching;
    assert.deepStrictEqual(messagesOf(await fake.waitForItems(4)).sort(), messagesOf(envelopes(4, 'during-open')).sort());
  });

  it('pauses and resumes forwarding: items queue while paused and go on after', async () => {
    const host = await start({ connectionString: realConnectionString() });
    host.setPaused(true);
    await post(host, envelopes(3, 'paused'));
    assert.strictEqual(host.forwarder.stats().state, 'paused');
    assert.strictEqual(host.forwarder.stats().queuedItems, 3);
    assert.strictEqual(fake.received().length, 0);
    host.setPaused(false);
    await fake.waitForItems(3);
  });

  it('stops in order: a request in flight at stop is answered 200 and its items are flushed before the queue closes', async () => {
    const host = await start({ connectionString: realConnectionString() });
    const body = JSON.stringify(envelopes(5, 'in-flight'));
    const reply = new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: host.server.port,
          method: 'POST',
          path: '/v2.1/track',
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
          agent: false,
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 10));
      void until('the relay to be reading the body', () => host.server.stats().requests === 1).then(() => {
        stopping = host.stop();
        request.end(body.slice(10));
      });
    });
    let stopping: Promise<void> | undefined;
    assert.strictEqual(await reply, 200);
    await stopping;
    assert.strictEqual(host.stop(), stopping, 'stop happens once');
    assert.deepStrictEqual(messagesOf(fake.received()).sort(), messagesOf(envelopes(5, 'in-flight')).sort());
    assert.deepStrictEqual(fs.readdirSync(path.join(storage, 'forward-queue')), [], 'the drained queue left nothing on disk');
  });

  it('the shutdown timeout bounds the flush: what the service does not take stays on disk for the next run', async function () {
    this.timeout(20_000);
    const host = await start({ connectionString: realConnectionString(), shutdownTimeoutMs: 300 });
    fake.setPlan(() => ({ kind: 'delay', ms: 60_000 }));
    await post(host, envelopes(2, 'stuck'));
    await host.stop();
    assert.ok(
      logs.some((line) => line.startsWith('warn ') && line.includes('2 stay queued on disk')),
      logs.join('\n'),
    );
    fake.setPlan(() => undefined);
    const next = await start({ connectionString: realConnectionString() });
    await fake.waitForItems(2);
    await next.stop();
  });

  it('falls back to a free port when the kept one stays busy (keptPortWaitMs), and fails fast without it', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const busy = (holder.address() as net.AddressInfo).port;
    try {
      await assert.rejects(
        start({ port: busy, connectionString: realConnectionString() }),
        (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE',
      );
      // The failed start closed its queue: the same storage opens again.
      const moved = await start({ port: busy, keptPortWaitMs: 0, connectionString: realConnectionString() });
      assert.strictEqual(moved.movedFromPort, busy);
      assert.notStrictEqual(moved.server.port, busy);
      await post(moved, envelopes(1, 'moved'));
      await fake.waitForItems(1);
    } finally {
      holder.close();
    }
  });

  it('tells an item listener about every accepted batch', async () => {
    const seen: number[] = [];
    const host = await start({ onAccepted: (items) => seen.push(items.length) });
    await post(host, envelopes(2));
    await post(host, envelopes(3));
    assert.deepStrictEqual(seen, [2, 3]);
  });
});
