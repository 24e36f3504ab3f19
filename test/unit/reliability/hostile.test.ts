/**
 * Hostile requests at full size (issue 8) — a gzip bomb, a 100 MB body, a 1 byte/s body, 10k idle
 * connections, deep nesting, huge strings, invalid UTF-8, a foreign Host, a browser Origin, a wrong
 * key — each sent WHILE a well-behaved client streams batches the way the Python SDKs do (a new
 * connection per export, retry on failure). Each hostile request gets its answer, and every batch
 * of the good client ends up accepted exactly once.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as http from 'http';
import * as net from 'net';
import { delay, envelope, gzipBomb, send, startRelay, TestRelay } from '../relay/helpers';

const MiB = 1024 * 1024;

/** Streams 20-item batches until stopped; a refused or failed batch is retried, as the SDKs do. */
class WellBehavedClient {
  private stopped = false;
  private running: Promise<void> | undefined;
  readonly acknowledged = new Set<string>();
  attempts = 0;
  failures = 0;
  batches = 0;

  constructor(private readonly port: number) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const batch = this.batches++;
      const messages = Array.from({ length: 20 }, (_, index) => `good ${batch}.${index}`);
      const body = JSON.stringify(messages.map((message) => envelope({ baseData: { ver: 2, message } })));
      for (;;) {
        this.attempts++;
        const status = await send(this.port, { body, headers: { 'Content-Type': 'application/json' } }).then(
          (reply) => reply.status,
          () => 0,
        );
        if (status === 200) break;
        this.failures++;
        await delay(50);
      }
      for (const message of messages) this.acknowledged.add(message);
      await delay(10);
    }
  }
}

/** Sends `total` bytes chunked, as fast as the socket takes them; resolves with the status (0 = connection cut). */
function streamBody(port: number, total: number, chunk: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v2.1/track',
      agent: false,
      headers: { 'Content-Type': 'application/json' },
    });
    let sent = 0;
    let settled = false;
    const settle = (status: number): void => {
      if (!settled) {
        settled = true;
        resolve(status);
      }
    };
    request.on('response', (response) => {
      response.resume();
      settle(response.statusCode ?? 0);
      request.destroy();
    });
    request.on('error', () => settle(0));
    const pump = (): void => {
      while (sent < total && !settled) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!settled) request.end();
    };
    pump();
  });
}

function openFileLimit(): number {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const limit = Number(result.stdout.trim());
  return Number.isFinite(limit) && limit > 0 ? limit : 1024;
}

describe('reliability: hostile requests while a real client streams', function () {
  this.timeout(120_000);
  let t: TestRelay;
  let client: WellBehavedClient;

  beforeEach(async () => {
    t = await startRelay({ limits: { requestTimeoutMs: 4000, headersTimeoutMs: 4000, bodyIdleTimeoutMs: 2000 } });
    client = new WellBehavedClient(t.relay.port);
    client.start();
  });

  afterEach(async () => {
    await client.stop();
    const received = new Map<string, number>();
    for (const item of t.sink.items) {
      const message = String(item.data?.baseData?.message ?? '');
      if (message.startsWith('good ')) received.set(message, (received.get(message) ?? 0) + 1);
    }
    await t.relay.close();
    assert.ok(client.acknowledged.size >= 40, `the good client got only ${client.acknowledged.size} items through`);
    for (const message of client.acknowledged) {
      assert.strictEqual(
        received.get(message),
        1,
        `"${message}" was acknowledged but reached the sink ${received.get(message) ?? 0} times`,
      );
    }
  });

  it('a 256 MiB gzip bomb: 413, nothing expanded', async () => {
    const reply = await send(t.relay.port, { body: await gzipBomb(256 * MiB), headers: { 'Content-Encoding': 'gzip' } });
    assert.strictEqual(reply.status, 413, reply.text);
    assert.match(reply.json.errors[0].message, /decompressed body exceeds/);
  });

  it('a 100 MB body, announced and chunked: 413 both ways', async () => {
    const announced = await send(t.relay.port, { body: '', headers: { 'Content-Length': 100 * 1000 * 1000 } }).catch(() => undefined);
    assert.ok(!announced || announced.status === 413, `announced: ${announced?.status}`);
    const chunked = await streamBody(t.relay.port, 100 * 1000 * 1000, Buffer.alloc(64 * 1024, 0x20));
    assert.ok(chunked === 413 || chunked === 0, `chunked: ${chunked}`);
    assert.ok((t.relay.stats().rejected['too-large'] ?? 0) >= 1, 'the size limit was what refused it');
    await delay(200);
  });

  it('a body sent at 1 byte per second is cut off by the timeout', async () => {
    const started = Date.now();
    const status = await new Promise<number>((resolve) => {
      const request = http.request({
        host: '127.0.0.1',
        port: t.relay.port,
        method: 'POST',
        path: '/v2.1/track',
        agent: false,
        headers: { 'Content-Length': 1000 },
      });
      const timer = setInterval(() => request.write('['), 1000);
      const done = (status: number): void => {
        clearInterval(timer);
        resolve(status);
      };
      request.on('response', (response) => {
        response.resume();
        done(response.statusCode ?? 0);
      });
      request.on('error', () => done(0));
      request.flushHeaders();
    });
    const elapsed = Date.now() - started;
    assert.ok(status === 408 || status === 0, `status ${status}`);
    assert.ok(elapsed < 15_000, `the slow client held its connection for ${elapsed} ms`);
  });

  it('10k idle connections do not lock the good client out', async function () {
    this.timeout(240_000);
    const count = Math.min(10_000, Math.floor((openFileLimit() - 512) / 2));
    const sockets: net.Socket[] = [];
    let closedByRelay = 0;
    for (let index = 0; index < count; index++) {
      const socket = net.connect({ host: '127.0.0.1', port: t.relay.port });
      socket.on('error', () => undefined);
      socket.on('close', () => closedByRelay++);
      sockets.push(socket);
      if (index % 500 === 499) await delay(20);
    }
    try {
      // During the flood: the Python SDKs open a new connection per export, so a cap that refuses
      // newcomers (Node's maxConnections) would stall the good client until the idlers time out. So
      // the good client must get two more batches through while idle connections are still open
      // (the relay keeps up to its connection cap of them until their first-byte timeout), without
      // being turned away — judged by what is observed (acknowledgements, refusals, closes), not by a
      // time window a loaded machine stretches.
      const before = client.acknowledged.size;
      const failuresBefore = client.failures;
      while (client.acknowledged.size < before + 40 && closedByRelay < count) await delay(20);
      assert.ok(
        client.acknowledged.size >= before + 40,
        `the good client got only ${client.acknowledged.size - before} items through before all ${count} idle connections had closed: the flood locked it out`,
      );
      // A relay that refuses newcomers (rather than evicting the oldest idler) lets the client through
      // only once the idlers time out: seen here as its retries being refused (23 in a run with Node's
      // maxConnections planted, 0 with the guard). One or two can be evicted legitimately when more
      // than the cap of idlers are accepted before the client's request is read.
      const refused = client.failures - failuresBefore;
      assert.ok(
        refused <= 2,
        `the good client was refused ${refused} times during the flood: newcomers are turned away instead of idlers evicted`,
      );
      // The relay closes idlers after its first-byte timeout. A connect the kernel could not queue
      // waits out SYN retransmits (1, 3, 7, 15, 31 s…) before the relay even sees it, and on a loaded
      // machine many do, so the closes are waited for up to this test's own limit, not a fixed 30 s
      // (which once measured the kernel's retransmit schedule, not the relay).
      const closeDeadline = Date.now() + 150_000;
      while (closedByRelay <= count / 2 && Date.now() < closeDeadline) await delay(100);
      assert.ok(closedByRelay > count / 2, `only ${closedByRelay} of ${count} idle connections were closed by the relay within 150 s`);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it('deep nesting, huge strings and invalid UTF-8: an answer each, no 5xx', async () => {
    const deep = await send(t.relay.port, { body: '['.repeat(200_000) + ']'.repeat(200_000) });
    assert.strictEqual(deep.status, 400, deep.text);
    const hugeString = await send(t.relay.port, {
      body: JSON.stringify([envelope({ baseData: { ver: 2, message: 'x'.repeat(7 * MiB) } })]),
    });
    assert.ok([200, 400].includes(hugeString.status), `huge string: ${hugeString.status}`);
    const invalidUtf8 = Buffer.concat([
      Buffer.from(JSON.stringify([envelope({ baseData: { ver: 2, message: 'MARK' } })]).replace('MARK', '\u0000')),
      Buffer.from([0xff, 0xfe, 0xc3]),
    ]);
    const reply = await send(t.relay.port, { body: invalidUtf8 });
    assert.strictEqual(reply.status, 400, reply.text);
    const inString = Buffer.from(JSON.stringify([envelope({ baseData: { ver: 2, message: 'AB' } })]));
    inString[inString.indexOf('AB')] = 0xff;
    const replaced = await send(t.relay.port, { body: inString });
    assert.ok([200, 400].includes(replaced.status), `invalid byte inside a string: ${replaced.status}`);
  });

  it('a foreign Host, a browser Origin and a wrong key: 403 each', async () => {
    const body = JSON.stringify([envelope()]);
    assert.strictEqual((await send(t.relay.port, { body, host: 'attacker.example' })).status, 403);
    assert.strictEqual((await send(t.relay.port, { body, headers: { Origin: 'https://attacker.example' } })).status, 403);
    assert.strictEqual(
      (await send(t.relay.port, { body: JSON.stringify([envelope({ iKey: '00000000-1111-2222-3333-444444444444' })]) })).status,
      403,
    );
    await delay(300);
  });
});
