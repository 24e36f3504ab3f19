import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as net from 'net';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { envelopes, openQueue, queueFiles, REAL_KEY, TestQueue, waitForStats } from './helpers';

/** A minimal CONNECT proxy (what undici's ProxyAgent speaks), recording the tunnels it opened. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('forward: proxy and secrets', () => {
  let fake: FakeIngestion;
  let t: TestQueue | undefined;
  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
  });
  afterEach(async () => {
    await t?.queue.close();
    t = undefined;
    await fake.close();
  });

  it("sends through the caller's HTTP proxy", async () => {
    const proxy = await startConnectProxy();
    try {
      t = await openQueue(fake, { proxyUrl: proxy.url });
      await t.queue.accept(envelopes(3));
      await fake.waitForItems(3);
      assert.deepStrictEqual(proxy.tunnels, [`127.0.0.1:${fake.port}`]);
    } finally {
      await t?.queue.close();
      t = undefined;
      await proxy.close();
    }
  });

  it('never logs the real key, even when the service echoes it', async () => {
    const compact = REAL_KEY.replace(/-/g, '');
    fake.enqueue({ kind: 'status', status: 503, message: `Instrumentation key ${REAL_KEY} is throttled` });
    fake.enqueue({ kind: 'status', status: 400, message: `Invalid instrumentation key ${compact.toUpperCase()}` });
    t = await openQueue(fake);
    await t.queue.accept(envelopes(2));
    const stats = await waitForStats(t.queue, (current) => current.droppedItems === 2);
    const everything = `${JSON.stringify(t.logs)}\n${JSON.stringify(stats)}`;
    assert.ok(everything.includes('throttled') && everything.includes('Invalid instrumentation key'), 'the service messages are logged');
    assert.ok(!everything.toLowerCase().includes(REAL_KEY), 'no key with dashes');
    assert.ok(!everything.toLowerCase().includes(compact), 'no key without dashes');
  });

  it('rejects accept (the relay answers 500) when the batch cannot be made durable', async function () {
    if (process.platform === 'win32') this.skip();
    t = await openQueue(fake);
    t.queue.pause();
    // Replace the queue folder by a file: no write can succeed, whatever the user's privileges.
    fs.rmSync(t.dir, { recursive: true });
    fs.writeFileSync(t.dir, 'not a folder');
    await assert.rejects(t.queue.accept(envelopes(1)), /ENOTDIR|EEXIST|ENOENT/);
    assert.strictEqual(t.queue.stats().queuedItems, 0, 'nothing counted as queued');
    fs.rmSync(t.dir);
    fs.mkdirSync(t.dir, { mode: 0o700 });
    await t.queue.accept(envelopes(1));
    assert.strictEqual(queueFiles(t.dir).length, 1);
  });
});
