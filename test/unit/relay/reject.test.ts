import * as assert from 'assert';
import * as net from 'net';
import * as zlib from 'zlib';
import { CAPTURE_KEY, envelope, send, SendOptions, startRelay, TestRelay } from './helpers';

const good = (message = 'ok'): string => JSON.stringify([envelope({ baseData: { message } })]);
const withFields = (fields: Record<string, unknown>): string => JSON.stringify([{ ...envelope(), ...fields }]);
const without = (field: string): string => {
  const item: Record<string, unknown> = { ...envelope() };
  delete item[field];
  return JSON.stringify([item]);
};

interface Case {
  title: string;
  request: SendOptions;
  status: number;
  reason: string;
  message: RegExp;
  index?: number;
}

const CASES: Case[] = [
  {
    title: 'a body that is not JSON',
    request: { body: 'hello' },
    status: 400,
    reason: 'malformed',
    message: /starts with "h": expected a JSON array/,
  },
  { title: 'truncated JSON', request: { body: '[{"name":' }, status: 400, reason: 'malformed', message: /not valid JSON/ },
  { title: 'a JSON string', request: { body: '"text"' }, status: 400, reason: 'malformed', message: /starts with """/ },
  { title: 'an empty body', request: { body: '' }, status: 400, reason: 'malformed', message: /body is empty/ },
  {
    title: 'NDJSON with a broken second line',
    request: { body: `${JSON.stringify(envelope())}\n{"name":\n` },
    status: 400,
    reason: 'malformed',
    message: /Line 2 of the newline-delimited JSON body/,
  },
  {
    title: 'an array of numbers',
    request: { body: '[1]' },
    status: 400,
    reason: 'invalid',
    message: /Item 0 is a number, not a telemetry envelope object/,
  },
  {
    title: 'a missing name',
    request: { body: without('name') },
    status: 400,
    reason: 'invalid',
    message: /Field 'name' on type 'Envelope' is required but missing or empty\. Expected: string, Actual: undefined/,
  },
  {
    title: 'a numeric name',
    request: { body: withFields({ name: 42 }) },
    status: 400,
    reason: 'invalid',
    message: /Field 'name'.*Actual: a number/,
  },
  {
    title: 'a missing time',
    request: { body: without('time') },
    status: 400,
    reason: 'invalid',
    message: /Field 'time' on type 'Envelope' is required/,
  },
  {
    title: 'a time that is not ISO 8601',
    request: { body: withFields({ time: 'yesterday' }) },
    status: 400,
    reason: 'invalid',
    message: /Field 'time' on type 'Envelope' is not an ISO 8601 date-time: "yesterday"/,
  },
  { title: 'a missing data', request: { body: without('data') }, status: 400, reason: 'invalid', message: /Field 'data'.*required/ },
  {
    title: 'a missing data.baseType',
    request: { body: withFields({ data: { baseData: {} } }) },
    status: 400,
    reason: 'invalid',
    message: /Field 'baseType' on type 'Data' is required/,
  },
  {
    title: 'baseData that is an array',
    request: { body: withFields({ data: { baseType: 'MessageData', baseData: [] } }) },
    status: 400,
    reason: 'invalid',
    message: /Field 'baseData' on type 'Data' must be an object\. Actual: an array/,
  },
  {
    title: 'tags that are a string',
    request: { body: withFields({ tags: 'x' }) },
    status: 400,
    reason: 'invalid',
    message: /Field 'tags'.*must be an object/,
  },
  {
    title: 'a tag value that is an object',
    request: { body: withFields({ tags: { 'ai.cloud.role': { a: 1 } } }) },
    status: 400,
    reason: 'invalid',
    message: /Tag 'ai.cloud.role' must be a string/,
  },
  {
    title: 'a sampleRate that is text',
    request: { body: withFields({ sampleRate: '100' }) },
    status: 400,
    reason: 'invalid',
    message: /Field 'sampleRate'/,
  },
  {
    title: 'the second of three items invalid',
    request: { body: JSON.stringify([envelope(), { ...envelope(), time: 5 }, envelope()]) },
    status: 400,
    reason: 'invalid',
    message: /Field 'time'.*Actual: a number/,
    index: 1,
  },
  {
    title: 'a wrong local key',
    request: { body: withFields({ iKey: '11111111-2222-3333-4444-555555555555' }) },
    status: 403,
    reason: 'key',
    message: /Field 'iKey' is not this relay's local session key/,
  },
  { title: 'no iKey at all', request: { body: without('iKey') }, status: 403, reason: 'key', message: /Field 'iKey' is missing/ },
  {
    title: 'a wrong key next to invalid items (access first)',
    request: {
      body: JSON.stringify([
        { ...envelope(), name: 1 },
        { ...envelope(), iKey: 'nope' },
      ]),
    },
    status: 403,
    reason: 'key',
    message: /iKey/,
    index: 1,
  },
  {
    title: 'an unknown Content-Encoding',
    request: { body: good(), headers: { 'Content-Encoding': 'compress' } },
    status: 415,
    reason: 'encoding',
    message: /Content-Encoding "compress" is not supported/,
  },
  {
    title: 'two Content-Encodings',
    request: { body: good(), headers: { 'Content-Encoding': 'gzip, br' } },
    status: 415,
    reason: 'encoding',
    message: /not supported/,
  },
  {
    title: 'gzip declared but not gzip',
    request: { body: good(), headers: { 'Content-Encoding': 'gzip' } },
    status: 400,
    reason: 'malformed',
    message: /not valid gzip data/,
  },
  { title: 'GET', request: { method: 'GET' }, status: 405, reason: 'method', message: /GET is not allowed here; use POST/ },
  { title: 'PUT', request: { method: 'PUT', body: good() }, status: 405, reason: 'method', message: /PUT is not allowed/ },
  {
    title: 'an unknown path',
    request: { path: '/v3/track', body: good() },
    status: 404,
    reason: 'not-found',
    message: /No endpoint at \/v3\/track/,
  },
  { title: 'the root path', request: { path: '/', body: good() }, status: 404, reason: 'not-found', message: /No endpoint/ },
  {
    title: 'a foreign Host (DNS rebinding)',
    request: { body: good(), host: 'evil.example:80' },
    status: 403,
    reason: 'host',
    message: /Host "evil.example:80" is not this relay/,
  },
  {
    title: 'a Host with another port',
    request: { body: good(), host: '127.0.0.1:1' },
    status: 403,
    reason: 'host',
    message: /is not this relay/,
  },
  { title: 'a Host without port', request: { body: good(), host: 'localhost' }, status: 403, reason: 'host', message: /is not this relay/ },
  {
    title: 'an Origin header, even with the right key',
    request: { body: good(), headers: { Origin: 'http://127.0.0.1:3000' } },
    status: 403,
    reason: 'origin',
    message: /Origin header/,
  },
];

describe('relay: refusing bad requests', () => {
  let t: TestRelay;
  before(async () => {
    t = await startRelay({ limits: { maxItemsPerRequest: 3 } });
  });
  after(async () => {
    await t.relay.close();
  });

  for (const testCase of CASES) {
    it(`answers ${testCase.status} to ${testCase.title}, logs it, accepts nothing and keeps serving`, async () => {
      const logsBefore = t.logs.length;
      const itemsBefore = t.store.size;
      const batchesBefore = t.sink.batches.length;
      const rejectedBefore = t.relay.stats().rejected[testCase.reason as 'key'] ?? 0;
      const reply = await send(t.relay.port, testCase.request);
      assert.strictEqual(reply.status, testCase.status, reply.text);
      assert.match(String(reply.headers['content-type']), /application\/json/);
      assert.strictEqual(reply.json.itemsAccepted, 0);
      assert.ok(Array.isArray(reply.json.errors) && reply.json.errors.length >= 1, reply.text);
      const error = reply.json.errors.find((entry: { index: number }) => entry.index === (testCase.index ?? entry.index));
      assert.ok(error, reply.text);
      assert.strictEqual(error.statusCode, testCase.status);
      assert.match(error.message, testCase.message);
      if (testCase.index !== undefined) {
        assert.strictEqual(reply.json.errors.length, 1, 'only the invalid item is listed');
      }
      assert.strictEqual(t.store.size, itemsBefore);
      assert.strictEqual(t.sink.batches.length, batchesBefore);
      assert.strictEqual(t.relay.stats().rejected[testCase.reason as 'key'], rejectedBefore + 1);
      const logged = t.logs.slice(logsBefore);
      assert.ok(
        logged.some((line) => line.level === 'warn' && line.message.includes(`(${testCase.reason})`)),
        JSON.stringify(logged),
      );
      assert.ok(!logged.some((line) => line.message.includes('11111111-2222-3333-4444-555555555555')), 'keys are never logged');
      const after = await send(t.relay.port, { body: good('after') });
      assert.strictEqual(after.status, 200);
    });
  }

  it('answers 405 with an Allow header', async () => {
    const reply = await send(t.relay.port, { method: 'GET' });
    assert.strictEqual(reply.headers.allow, 'POST');
  });

  it('refuses more items than the per-request limit with 400, naming the limit', async () => {
    const body = JSON.stringify([envelope(), envelope(), envelope(), envelope()]);
    const reply = await send(t.relay.port, { body });
    assert.strictEqual(reply.status, 400);
    assert.strictEqual(reply.json.itemsReceived, 4);
    assert.strictEqual(reply.json.itemsAccepted, 0);
    assert.match(reply.json.errors[0].message, /4 items; the limit is 3 per request/);
    assert.ok(t.logs.some((line) => line.message.includes('(too-many-items)')));
  });

  it('lists every invalid item with its index, never answering 206', async () => {
    const body = JSON.stringify([envelope(), { ...envelope(), name: '' }, envelope()].slice(0, 3));
    const reply = await send(t.relay.port, { body });
    assert.strictEqual(reply.status, 400);
    assert.deepStrictEqual(
      reply.json.errors.map((entry: { index: number; statusCode: number }) => [entry.index, entry.statusCode]),
      [[1, 400]],
    );
    assert.strictEqual(reply.json.itemsReceived, 3);
  });

  it('refuses a request without Host (HTTP/1.0 style raw request)', async () => {
    const response = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(t.relay.port, '127.0.0.1', () => {
        socket.write(`POST /v2.1/track HTTP/1.0\r\nContent-Length: 2\r\n\r\n[]`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(response, /^HTTP\/1\.1 403/);
  });

  it('accepts the key in any case', async () => {
    const reply = await send(t.relay.port, { body: withFields({ iKey: CAPTURE_KEY.toUpperCase() }) });
    assert.strictEqual(reply.status, 200, reply.text);
  });

  it('accepts Host as localhost:<port> and [::1]:<port>', async () => {
    for (const host of [`localhost:${t.relay.port}`, `[::1]:${t.relay.port}`, `LOCALHOST:${t.relay.port}`]) {
      const reply = await send(t.relay.port, { body: good(host), host });
      assert.strictEqual(reply.status, 200, `${host}: ${reply.text}`);
    }
  });

  it('refuses deflate that is not deflate', async () => {
    const reply = await send(t.relay.port, { body: Buffer.from('xyz not compressed at all'), headers: { 'Content-Encoding': 'deflate' } });
    assert.strictEqual(reply.status, 400);
    assert.match(reply.json.errors[0].message, /not valid deflate data/);
  });

  it('refuses a truncated gzip body', async () => {
    const gz = zlib.gzipSync(Buffer.from(good()));
    const reply = await send(t.relay.port, { body: gz.subarray(0, gz.length - 6), headers: { 'Content-Encoding': 'gzip' } });
    assert.strictEqual(reply.status, 400);
    assert.match(reply.json.errors[0].message, /not valid gzip data/);
  });
});
