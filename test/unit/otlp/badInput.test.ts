import * as assert from 'assert';
import * as http from 'http';
import * as protobuf from 'protobufjs';
import * as zlib from 'zlib';
import { OTLP_PROTO } from '../../../src/core/otlp/otlpSchema';
import { QueueFullError } from '../../../src/core/sink';
import { Reply, send, startRelay, TestRelay } from '../relay/helpers';
import { body, span, traceRequest } from './otlpJson';

const root = protobuf.parse(OTLP_PROTO).root;
const RpcStatus = root.lookupType('opentelemetry.proto.RpcStatus');
const TraceResponse = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse');

type RawReply = Reply & { raw: Buffer };

/** Like `send`, but keeps the raw answer bytes (protobuf answers are not text). */
function post(t: TestRelay, path: string, payload: Buffer | string, headers: Record<string, string | number>): Promise<RawReply> {
  return new Promise<RawReply>((resolve, reject) => {
    const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const request = http.request(
      { host: '127.0.0.1', port: t.relay.port, method: 'POST', path, agent: false, headers: { ...headers, 'Content-Length': data.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json, raw });
        });
      },
    );
    request.on('error', reject);
    request.end(data);
  });
}

function statusOf(reply: RawReply): { code: number; message: string } {
  if (String(reply.headers['content-type']).startsWith('application/x-protobuf')) {
    return RpcStatus.toObject(RpcStatus.decode(reply.raw)) as { code: number; message: string };
  }
  return reply.json;
}

describe('otlp: bad input gets the OTLP/HTTP answer, and the relay keeps serving', () => {
  let t: TestRelay;
  let key: Record<string, string>;
  const json = { 'Content-Type': 'application/json' };
  const proto = { 'Content-Type': 'application/x-protobuf' };
  beforeEach(async () => {
    t = await startRelay({ limits: { maxBodyBytes: 64 * 1024, maxDecodedBytes: 256 * 1024 } });
    key = { 'x-azmon-key': t.relay.localKey };
  });
  afterEach(async () => {
    // After every bad request, a good one still works.
    const reply = await send(t.relay.port, {
      path: '/v1/traces',
      body: body(traceRequest([span({ name: 'still serving' })])),
      headers: { ...json, ...key },
    });
    assert.strictEqual(reply.status, 200, reply.text);
    await t.relay.close();
  });

  it('malformed protobuf → 400 with a protobuf google.rpc.Status', async () => {
    const reply = await post(t, '/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { ...proto, ...key });
    assert.strictEqual(reply.status, 400);
    assert.match(String(reply.headers['content-type']), /^application\/x-protobuf/);
    const status = statusOf(reply);
    assert.strictEqual(status.code, 3, 'INVALID_ARGUMENT');
    assert.match(status.message, /not a valid protobuf ExportTraceServiceRequest/);
    assert.deepStrictEqual(t.sink.items, []);
  });

  it('malformed JSON, a JSON array, and a non-hex trace id → 400 with a JSON google.rpc.Status', async () => {
    for (const payload of ['{"resourceSpans": [', '[]', JSON.stringify(traceRequest([span({ traceId: 'not-hex!' })]))]) {
      const reply = await post(t, '/v1/traces', payload, { ...json, ...key });
      assert.strictEqual(reply.status, 400, payload);
      assert.strictEqual(reply.json.code, 3);
      assert.ok(typeof reply.json.message === 'string' && reply.json.message.length > 10, reply.text);
    }
    assert.deepStrictEqual(t.sink.items, []);
  });

  it('a type mismatch inside the JSON (spans not an array) → 400', async () => {
    const reply = await post(t, '/v1/traces', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: 'nope' }] }] }), {
      ...json,
      ...key,
    });
    assert.strictEqual(reply.status, 400, reply.text);
  });

  it('another content type → 415, before the body is read', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', '']) {
      const headers: Record<string, string> = { ...key };
      if (type) headers['Content-Type'] = type;
      const reply = await post(t, '/v1/metrics', '{}', headers);
      assert.strictEqual(reply.status, 415, type);
      assert.match(reply.json.message, /application\/x-protobuf or application\/json/);
    }
    assert.strictEqual(t.relay.stats().rejected['content-type'], 3);
  });

  it('no key → 401, a wrong key → 403 (neither echoed); Bearer and x-azmon-key both work', async () => {
    const payload = body(traceRequest([span()]));
    const missing = await post(t, '/v1/traces', payload, json);
    assert.strictEqual(missing.status, 401);
    assert.match(missing.json.message, /x-azmon-key/);
    const wrongKey = '00000000-1111-2222-3333-444444444444';
    const wrong = await post(t, '/v1/traces', payload, { ...json, 'x-azmon-key': wrongKey });
    assert.strictEqual(wrong.status, 403);
    assert.ok(!wrong.text.includes(wrongKey) && !wrong.text.includes(t.relay.localKey));
    const wrongBearer = await post(t, '/v1/logs', '{}', { ...json, Authorization: `Bearer ${wrongKey}` });
    assert.strictEqual(wrongBearer.status, 403);
    const bearer = await post(t, '/v1/traces', payload, { ...json, Authorization: `Bearer ${t.relay.localKey.toUpperCase()}` });
    assert.strictEqual(bearer.status, 200, bearer.text);
    assert.strictEqual(t.sink.items.length, 1, 'only the keyed request got in');
  });

  it('a relay started with allowKeylessOtlp takes OTLP without a key', async () => {
    const open = await startRelay({ allowKeylessOtlp: true });
    try {
      const reply = await send(open.relay.port, { path: '/v1/traces', body: body(traceRequest([span()])), headers: json });
      assert.strictEqual(reply.status, 200, reply.text);
      assert.strictEqual(open.sink.items.length, 1);
    } finally {
      await open.relay.close();
    }
  });

  it('oversized: declared, streamed (chunked) and a gzip bomb → 413', async () => {
    const big = Buffer.alloc(70 * 1024, 0x20);
    const declared = await post(t, '/v1/traces', big, { ...json, ...key });
    assert.strictEqual(declared.status, 413);
    const chunked = await send(t.relay.port, {
      path: '/v1/traces',
      body: [big.subarray(0, 40_000), big.subarray(40_000)],
      headers: { ...json, ...key },
    });
    assert.strictEqual(chunked.status, 413);
    const bomb = zlib.gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 64 * 1024);
    const inflated = await post(t, '/v1/traces', bomb, { ...json, ...key, 'Content-Encoding': 'gzip' });
    assert.strictEqual(inflated.status, 413);
    assert.match(inflated.json.message, /decompressed body exceeds/);
  });

  it('bad gzip → 400; unknown Content-Encoding → 415', async () => {
    const broken = await post(t, '/v1/traces', Buffer.from('not gzip at all'), { ...json, ...key, 'Content-Encoding': 'gzip' });
    assert.strictEqual(broken.status, 400);
    const zstd = await post(t, '/v1/traces', '{}', { ...json, ...key, 'Content-Encoding': 'zstd' });
    assert.strictEqual(zstd.status, 415);
  });

  it('a full forward queue → 503 with Retry-After (retryable for OTLP exporters), nothing stored', async () => {
    t.sink.gate = () => Promise.reject(new QueueFullError(7));
    const reply = await post(t, '/v1/traces', body(traceRequest([span()])), { ...json, ...key });
    assert.strictEqual(reply.status, 503);
    assert.strictEqual(reply.headers['retry-after'], '7');
    assert.strictEqual(reply.json.code, 14, 'UNAVAILABLE');
    assert.strictEqual(t.store.size, 0);
    t.sink.gate = undefined;
  });

  it('the answer waits for the sink (durable acknowledgement)', async () => {
    let release!: () => void;
    t.sink.gate = () => new Promise<void>((resolve) => (release = resolve));
    let answered = false;
    const pending = post(t, '/v1/traces', body(traceRequest([span()])), { ...json, ...key }).then((reply) => {
      answered = true;
      return reply;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.strictEqual(answered, false, 'no answer before the sink has the batch');
    release();
    assert.strictEqual((await pending).status, 200);
    t.sink.gate = undefined;
  });

  it('spans with bad ids are rejected through partial_success; the rest are kept', async () => {
    const spans = [
      span({ spanId: '1111111111111111', name: 'good 1' }),
      span({ spanId: '', name: 'no id' }),
      span({ traceId: '00000000000000000000000000000000', name: 'zero trace' }),
      span({ spanId: '2222222222222222', name: 'good 2' }),
    ];
    const reply = await post(t, '/v1/traces', body(traceRequest(spans)), { ...json, ...key });
    assert.strictEqual(reply.status, 200);
    assert.strictEqual(reply.json.partialSuccess.rejectedSpans, '2');
    assert.match(reply.json.partialSuccess.errorMessage, /no valid 8-byte span id/);
    assert.match(reply.json.partialSuccess.errorMessage, /no valid 16-byte trace id/);
    assert.deepStrictEqual(t.sink.items.map((item) => item.data?.baseData?.name).sort(), ['good 1', 'good 2']);
  });

  it('a fully accepted protobuf request gets an empty protobuf ExportTraceServiceResponse', async () => {
    const Request = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
    const payload = Buffer.from(
      Request.encode(
        Request.fromObject({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
                      spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
                      name: 'p',
                      kind: 2,
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ).finish(),
    );
    const reply = await post(t, '/v1/traces', payload, { ...proto, ...key });
    assert.strictEqual(reply.status, 200);
    assert.strictEqual(reply.headers['content-type'], 'application/x-protobuf');
    assert.strictEqual(reply.raw.length, 0, 'no partial_success when nothing was rejected');
    assert.deepStrictEqual(TraceResponse.toObject(TraceResponse.decode(reply.raw)), {});
    assert.strictEqual(t.sink.items[0].data?.baseType, 'RequestData');
  });

  it('too many items in one request: the excess is rejected through partial_success', async () => {
    await t.relay.close();
    t = await startRelay({ limits: { maxItemsPerRequest: 3 } });
    key = { 'x-azmon-key': t.relay.localKey };
    const spans = Array.from({ length: 5 }, (_, index) =>
      span({ spanId: `00000000000000${String(index + 1).padStart(2, '0')}`, name: `s${index}` }),
    );
    const reply = await post(t, '/v1/traces', body(traceRequest(spans)), { ...json, ...key });
    assert.strictEqual(reply.status, 200);
    assert.strictEqual(reply.json.partialSuccess.rejectedSpans, '2');
    assert.match(reply.json.partialSuccess.errorMessage, /more than 3 items/);
    assert.strictEqual(t.sink.items.length, 3);
  });

  it('GET on an OTLP path → 405; browsers (Origin) → 403', async () => {
    const get = await send(t.relay.port, { method: 'GET', path: '/v1/traces' });
    assert.strictEqual(get.status, 405);
    const browser = await post(t, '/v1/traces', body(traceRequest([span()])), { ...json, ...key, Origin: 'http://evil.example' });
    assert.strictEqual(browser.status, 403);
    assert.deepStrictEqual(t.sink.items, []);
  });
});
