import * as assert from 'assert';
import * as http from 'http';
import * as zlib from 'zlib';
import { CAPTURE_KEY, delay, envelope, send, startRelay, TestRelay } from './helpers';

describe('relay: receiving track requests', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startRelay();
  });
  afterEach(async () => {
    await t.relay.close();
  });

  it('exposes the URL, key and a local connection string without a trailing semicolon', () => {
    assert.match(t.relay.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.strictEqual(t.relay.url, `http://127.0.0.1:${t.relay.port}/`);
    assert.strictEqual(t.relay.localKey, CAPTURE_KEY);
    assert.strictEqual(
      t.relay.localConnectionString,
      `InstrumentationKey=${CAPTURE_KEY};IngestionEndpoint=http://127.0.0.1:${t.relay.port}/;LiveEndpoint=http://127.0.0.1:${t.relay.port}/`,
    );
    assert.strictEqual(t.relay.httpsUrl, undefined);
    assert.strictEqual(t.relay.caCertPath, undefined);
  });

  for (const path of [
    '/v2/track',
    '/v2.1/track',
    '//v2.1/track',
    '//v2/track',
    '/prefix/abc/v2.1/track',
    '/v2.1/track?api-version=1',
    '//v2.1/track/',
    '/V2.1/Track',
  ]) {
    it(`accepts POST ${path}`, async () => {
      const reply = await send(t.relay.port, { path, body: JSON.stringify([envelope({ baseData: { message: path } })]) });
      assert.strictEqual(reply.status, 200, reply.text);
      assert.deepStrictEqual(reply.json, { itemsReceived: 1, itemsAccepted: 1, errors: [] });
      assert.deepStrictEqual(
        t.store.snapshot().map((item) => item.message),
        [path],
      );
    });
  }

  it('answers with a new random GUID when no local key is given', async () => {
    const other = await startRelay({ localKey: undefined });
    try {
      assert.match(other.relay.localKey, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.notStrictEqual(other.relay.localKey, CAPTURE_KEY);
      assert.ok(other.relay.localConnectionString.startsWith(`InstrumentationKey=${other.relay.localKey};`));
    } finally {
      await other.relay.close();
    }
  });

  it('accepts a JSON array, NDJSON and a single object', async () => {
    const items = [envelope({ baseData: { message: 'a' } }), envelope({ baseData: { message: 'b' } })];
    const array = await send(t.relay.port, { body: JSON.stringify(items) });
    const ndjson = await send(t.relay.port, {
      body: `${items.map((item) => JSON.stringify(item)).join('\r\n')}\n`,
      headers: { 'Content-Type': 'application/x-json-stream' },
    });
    const single = await send(t.relay.port, { body: JSON.stringify(envelope({ baseData: { message: 'c' } }), null, 2) });
    assert.deepStrictEqual([array.status, ndjson.status, single.status], [200, 200, 200]);
    assert.deepStrictEqual([array.json.itemsAccepted, ndjson.json.itemsAccepted, single.json.itemsAccepted], [2, 2, 1]);
    assert.deepStrictEqual(
      t.store.snapshot().map((item) => item.message),
      ['a', 'b', 'a', 'b', 'c'],
    );
    assert.strictEqual(t.sink.items.length, 5);
  });

  it('decodes gzip, x-gzip, deflate (zlib and raw) and br bodies', async () => {
    const body = (message: string): Buffer => Buffer.from(JSON.stringify([envelope({ baseData: { message } })]));
    const cases: [string, Buffer][] = [
      ['gzip', zlib.gzipSync(body('gzip'))],
      ['x-gzip', zlib.gzipSync(body('x-gzip'))],
      ['deflate', zlib.deflateSync(body('deflate'))],
      ['deflate', zlib.deflateRawSync(body('raw deflate'))],
      ['br', zlib.brotliCompressSync(body('br'))],
      ['identity', body('identity')],
    ];
    for (const [coding, encoded] of cases) {
      const reply = await send(t.relay.port, { body: encoded, headers: { 'Content-Encoding': coding } });
      assert.strictEqual(reply.status, 200, `${coding}: ${reply.text}`);
    }
    assert.deepStrictEqual(
      t.store.snapshot().map((item) => item.message),
      ['gzip', 'x-gzip', 'deflate', 'raw deflate', 'br', 'identity'],
    );
  });

  it('accepts a chunked body, gzip split across many chunks', async () => {
    const items = Array.from({ length: 50 }, (_, index) => envelope({ baseData: { message: `m${index}` } }));
    const gz = zlib.gzipSync(Buffer.from(JSON.stringify(items)));
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < gz.length; offset += 7) chunks.push(gz.subarray(offset, offset + 7));
    const reply = await send(t.relay.port, { body: chunks, headers: { 'Content-Encoding': 'gzip' } });
    assert.strictEqual(reply.status, 200, reply.text);
    assert.strictEqual(reply.json.itemsAccepted, 50);
    assert.deepStrictEqual(
      t.store.snapshot().map((item) => item.message),
      items.map((_, index) => `m${index}`),
    );
  });

  it('answers Expect: 100-continue with 100 before reading the body', async () => {
    const body = JSON.stringify([envelope()]);
    const result = await new Promise<{ continued: boolean; status: number }>((resolve, reject) => {
      let continued = false;
      const request = http.request(
        {
          host: '127.0.0.1',
          port: t.relay.port,
          method: 'POST',
          path: '//v2.1/track',
          agent: false,
          headers: { Expect: '100-continue', 'Content-Length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ continued, status: response.statusCode ?? 0 }));
        },
      );
      request.on('continue', () => {
        continued = true;
        request.end(body);
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    assert.deepStrictEqual(result, { continued: true, status: 200 });
  });

  it('refuses Expect: 100-continue with an oversized Content-Length without asking for the body', async () => {
    const small = await startRelay({ limits: { maxBodyBytes: 1000 } });
    try {
      const result = await new Promise<{ continued: boolean; status: number; text: string }>((resolve, reject) => {
        let continued = false;
        const request = http.request(
          {
            host: '127.0.0.1',
            port: small.relay.port,
            method: 'POST',
            path: '/v2.1/track',
            agent: false,
            headers: { Expect: '100-continue', 'Content-Length': 5000 },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk) => (text += chunk));
            response.on('end', () => resolve({ continued, status: response.statusCode ?? 0, text }));
          },
        );
        request.on('continue', () => (continued = true));
        request.on('error', reject);
        request.flushHeaders();
      });
      assert.strictEqual(result.continued, false);
      assert.strictEqual(result.status, 413);
      assert.match(JSON.parse(result.text).errors[0].message, /5000 bytes or more; the limit is 1000 bytes/);
    } finally {
      await small.relay.close();
    }
  });

  it('keeps one connection alive across requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const ports: number[] = [];
      for (let index = 0; index < 3; index++) {
        const body = JSON.stringify([envelope()]);
        const status = await new Promise<number>((resolve, reject) => {
          const request = http.request(
            {
              host: '127.0.0.1',
              port: t.relay.port,
              method: 'POST',
              path: '/v2.1/track',
              agent,
              headers: { 'Content-Length': Buffer.byteLength(body) },
            },
            (response) => {
              ports.push(response.socket.localPort ?? -1);
              response.resume();
              response.on('end', () => resolve(response.statusCode ?? 0));
            },
          );
          request.on('error', reject);
          request.end(body);
        });
        assert.strictEqual(status, 200);
      }
      assert.strictEqual(new Set(ports).size, 1);
    } finally {
      agent.destroy();
    }
  });

  it('answers an empty array with 200 and nothing accepted, without calling the sink', async () => {
    const reply = await send(t.relay.port, { body: '[]' });
    assert.strictEqual(reply.status, 200);
    assert.deepStrictEqual(reply.json, { itemsReceived: 0, itemsAccepted: 0, errors: [] });
    assert.strictEqual(t.sink.batches.length, 0);
  });

  it('counts requests and items in stats()', async () => {
    await send(t.relay.port, { body: JSON.stringify([envelope(), envelope()]) });
    await send(t.relay.port, { body: JSON.stringify([envelope({ iKey: '00000000-0000-0000-0000-000000000001' })]) });
    await send(t.relay.port, { path: '/nowhere' });
    await delay(10);
    const stats = t.relay.stats();
    assert.strictEqual(stats.requests, 3);
    assert.strictEqual(stats.trackRequests, 2);
    assert.strictEqual(stats.itemsReceived, 3);
    assert.strictEqual(stats.itemsAccepted, 2);
    assert.strictEqual(stats.itemsRejected, 1);
    assert.deepStrictEqual(stats.rejected, { key: 1, 'not-found': 1 });
  });
});
