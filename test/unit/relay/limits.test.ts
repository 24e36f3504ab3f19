import * as assert from 'assert';
import * as http from 'http';
import * as net from 'net';
import { delay, envelope, gzipBomb, send, startRelay, TestRelay } from './helpers';

const MiB = 1024 * 1024;

function externalMemory(): number {
  const usage = process.memoryUsage();
  return usage.arrayBuffers + usage.heapUsed;
}

describe('relay: limits against big, slow and hostile clients', function () {
  this.timeout(15000);
  let t: TestRelay;
  afterEach(async () => {
    await t?.relay.close();
  });

  it('stops a gzip bomb at the decoded limit without expanding it in memory', async () => {
    t = await startRelay({ limits: { maxDecodedBytes: 2 * MiB } });
    const bomb = await gzipBomb(256 * MiB);
    assert.ok(bomb.length < MiB, `bomb is ${bomb.length} bytes compressed`);
    global.gc?.();
    const before = externalMemory();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, externalMemory())), 1);
    const reply = await send(t.relay.port, { body: bomb, headers: { 'Content-Encoding': 'gzip' } });
    clearInterval(sampler);
    peak = Math.max(peak, externalMemory());
    assert.strictEqual(reply.status, 413, reply.text);
    assert.match(reply.json.errors[0].message, /decompressed body exceeds 2097152 bytes/);
    assert.ok(peak - before < 48 * MiB, `memory grew by ${Math.round((peak - before) / MiB)} MiB while refusing a 256 MiB bomb`);
    assert.strictEqual(t.sink.batches.length, 0);
    assert.strictEqual(t.relay.stats().rejected['too-large'], 1);
    const after = await send(t.relay.port, { body: JSON.stringify([envelope()]) });
    assert.strictEqual(after.status, 200);
  });

  it('refuses a body over the size limit, announced or chunked, and keeps serving', async () => {
    t = await startRelay({ limits: { maxBodyBytes: 64 * 1024 } });
    const big = Buffer.alloc(200 * 1024, 0x20);
    const announced = await send(t.relay.port, { body: big });
    assert.strictEqual(announced.status, 413);
    assert.match(announced.json.errors[0].message, /204800 bytes or more; the limit is 65536 bytes/);
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(10 * 1024, 0x20));
    const chunked = await send(t.relay.port, { body: chunks });
    assert.strictEqual(chunked.status, 413);
    assert.match(chunked.json.errors[0].message, /the limit is 65536 bytes/);
    const after = await send(t.relay.port, { body: JSON.stringify([envelope()]) });
    assert.strictEqual(after.status, 200);
    assert.strictEqual(t.relay.stats().rejected['too-large'], 2);
  });

  it('times out a client that stalls mid-body while serving others', async () => {
    t = await startRelay({ limits: { bodyIdleTimeoutMs: 300 } });
    const started = Date.now();
    const stalled = new Promise<{ status?: number; closedAfterMs: number }>((resolve) => {
      const request = http.request(
        { host: '127.0.0.1', port: t.relay.port, method: 'POST', path: '/v2.1/track', agent: false, headers: { 'Content-Length': 1000 } },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode, closedAfterMs: Date.now() - started }));
        },
      );
      request.on('error', () => resolve({ closedAfterMs: Date.now() - started }));
      request.write('[{"name": "slow');
    });
    await delay(50);
    const others = await Promise.all(
      [1, 2, 3].map((n) => send(t.relay.port, { body: JSON.stringify([envelope({ baseData: { message: `other ${n}` } })]) })),
    );
    const othersDoneAfterMs = Date.now() - started;
    assert.deepStrictEqual(
      others.map((reply) => reply.status),
      [200, 200, 200],
    );
    const result = await stalled;
    assert.ok(othersDoneAfterMs < result.closedAfterMs, 'the others were answered while the slow client stalled');
    assert.strictEqual(result.status, 408);
    assert.ok(result.closedAfterMs >= 290 && result.closedAfterMs < 5000, `answered after ${result.closedAfterMs} ms`);
    assert.strictEqual(t.relay.stats().rejected.timeout, 1);
    assert.strictEqual(t.store.size, 3);
  });

  it('closes a connection whose headers never finish', async () => {
    t = await startRelay({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 1000 } });
    const started = Date.now();
    const outcome = await new Promise<{ text: string; ms: number }>((resolve) => {
      const socket = net.connect(t.relay.port, '127.0.0.1', () =>
        socket.write(`POST /v2.1/track HTTP/1.1\r\nHost: 127.0.0.1:${t.relay.port}\r\nX-Slow: `),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve({ text, ms: Date.now() - started }));
      socket.on('error', () => undefined);
    });
    assert.ok(outcome.ms >= 250 && outcome.ms < 3000, `closed after ${outcome.ms} ms`);
    assert.ok(outcome.text === '' || /^HTTP\/1\.1 408/.test(outcome.text), outcome.text);
    const after = await send(t.relay.port, { body: JSON.stringify([envelope()]) });
    assert.strictEqual(after.status, 200);
  });
});
