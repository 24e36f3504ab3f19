/**
 * The one admission step (src/core/relay/admission.ts), check by check, on every route that takes
 * a body: Breeze track, Live Metrics, OTLP and the KQL query. Each route must refuse the same
 * faults before its body is read, in its own answer format.
 */
import * as assert from 'assert';
import * as http from 'http';
import { CAPTURE_KEY, envelope, send, startRelay, TestRelay } from './helpers';

interface RouteCase {
  readonly name: string;
  readonly path: string;
  /** Headers a good request carries (key, content type). */
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Status for a request without its key; undefined: the route takes the key elsewhere (per envelope). */
  readonly missingKey?: number;
  /** Headers of a request without a key (the content type stays). */
  readonly keylessHeaders: Record<string, string>;
  /** The route's own body limit, when it has one (the query's 64 KiB). */
  readonly ownLimit?: number;
}

const LIMIT = 4096;
const ROUTES: readonly RouteCase[] = [
  {
    name: 'Breeze track',
    path: '/v2.1/track',
    headers: { 'Content-Type': 'application/json' },
    keylessHeaders: { 'Content-Type': 'application/json' },
    body: JSON.stringify([envelope()]),
  },
  {
    name: 'Live Metrics ping',
    path: `/QuickPulseService.svc/ping?ikey=${CAPTURE_KEY}`,
    headers: { 'Content-Type': 'application/json' },
    keylessHeaders: { 'Content-Type': 'application/json' },
    body: '{}',
    missingKey: 403,
  },
  {
    name: 'OTLP traces',
    path: '/v1/traces',
    headers: { 'Content-Type': 'application/json', 'x-azmon-key': CAPTURE_KEY },
    keylessHeaders: { 'Content-Type': 'application/json' },
    body: '{"resourceSpans":[]}',
    missingKey: 401,
  },
  {
    name: 'KQL query',
    path: '/azmon/query',
    headers: { 'Content-Type': 'application/json', 'x-azmon-key': CAPTURE_KEY },
    keylessHeaders: { 'Content-Type': 'application/json' },
    body: '{"query":"requests | take 1"}',
    missingKey: 401,
    ownLimit: 64 * 1024,
  },
];

/** A path without its `ikey` query parameter (Live Metrics carries the key there). */
function withoutKey(route: RouteCase): string {
  return route.path.split('?')[0];
}

/** POSTs with `Expect: 100-continue`: resolves with whether the relay said Continue, the status and the Connection header. */
function postExpectingContinue(
  port: number,
  route: RouteCase,
  path: string,
  headers: Record<string, string>,
): Promise<{ continued: boolean; status: number; connection?: string }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent: false,
        headers: { ...headers, Expect: '100-continue', 'Content-Length': Buffer.byteLength(route.body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ continued, status: response.statusCode ?? 0, connection: response.headers.connection }));
      },
    );
    request.on('continue', () => {
      continued = true;
      request.end(route.body);
    });
    request.on('error', reject);
    request.flushHeaders();
  });
}

describe('relay admission: every route runs the same checks before reading a body', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startRelay({ limits: { maxBodyBytes: LIMIT, maxDecodedBytes: LIMIT, bodyIdleTimeoutMs: 300 } });
  });
  afterEach(async () => {
    await t.relay.close();
  });

  for (const route of ROUTES) {
    describe(route.name, () => {
      it('takes a good request (200)', async () => {
        const reply = await send(t.relay.port, { path: route.path, headers: route.headers, body: route.body });
        assert.strictEqual(reply.status, 200, reply.text);
      });

      it('refuses a web page (Origin) with 403 and closes', async () => {
        const reply = await send(t.relay.port, {
          path: route.path,
          headers: { ...route.headers, Origin: 'http://evil.example' },
          body: route.body,
        });
        assert.strictEqual(reply.status, 403, reply.text);
        assert.strictEqual(reply.headers.connection, 'close');
      });

      it('refuses a foreign Host (DNS rebinding) with 403', async () => {
        const reply = await send(t.relay.port, { path: route.path, headers: route.headers, body: route.body, host: 'evil.example' });
        assert.strictEqual(reply.status, 403, reply.text);
      });

      it('refuses an unknown Content-Encoding with 415', async () => {
        const reply = await send(t.relay.port, {
          path: route.path,
          headers: { ...route.headers, 'Content-Encoding': 'zstd' },
          body: route.body,
        });
        assert.strictEqual(reply.status, 415, reply.text);
      });

      it('refuses a declared length over its limit with 413, and the client still reads the answer', async () => {
        const size = (route.ownLimit ?? LIMIT) + 1;
        const reply = await send(t.relay.port, { path: route.path, headers: route.headers, body: Buffer.alloc(size, 0x20) });
        assert.strictEqual(reply.status, 413, reply.text);
      });

      it('refuses a chunked body that grows over its limit with 413', async () => {
        const chunk = Buffer.alloc(1024, 0x20);
        const reply = await send(t.relay.port, {
          path: route.path,
          headers: route.headers,
          body: Array.from({ length: Math.ceil((route.ownLimit ?? LIMIT) / 1024) + 1 }, () => chunk),
        });
        assert.strictEqual(reply.status, 413, reply.text);
      });

      if (route.missingKey !== undefined) {
        it(`refuses a request without the key (${route.missingKey}) before reading its body`, async () => {
          const reply = await send(t.relay.port, { path: withoutKey(route), headers: route.keylessHeaders, body: route.body });
          assert.strictEqual(reply.status, route.missingKey, reply.text);
        });

        it('answers a refused 100-continue request without Continue and closes the connection', async () => {
          const reply = await postExpectingContinue(t.relay.port, route, withoutKey(route), route.keylessHeaders);
          assert.deepStrictEqual(reply, { continued: false, status: route.missingKey, connection: 'close' });
        });
      }

      it('sends 100 Continue only once the checks passed', async () => {
        const reply = await postExpectingContinue(t.relay.port, route, route.path, route.headers);
        assert.strictEqual(reply.continued, true);
        assert.strictEqual(reply.status, 200);
      });

      it('answers a body that stalls with 408 and closes the connection', async () => {
        const reply = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
          const request = http.request(
            {
              host: '127.0.0.1',
              port: t.relay.port,
              method: 'POST',
              path: route.path,
              agent: false,
              headers: { ...route.headers, 'Content-Length': Buffer.byteLength(route.body) + 10 },
            },
            (response) => {
              response.resume();
              response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
            },
          );
          request.on('error', reject);
          // Ten bytes short, and never finished: the relay's idle timer is what ends this.
          request.write(route.body);
        });
        assert.deepStrictEqual(reply, { status: 408, connection: 'close' });
      });
    });
  }

  it('nothing refused by admission reaches the sink or the store', async () => {
    const track = ROUTES[0];
    await send(t.relay.port, { path: track.path, headers: { ...track.headers, 'Content-Encoding': 'zstd' }, body: track.body });
    await send(t.relay.port, { path: track.path, headers: { ...track.headers, Origin: 'http://evil.example' }, body: track.body });
    assert.strictEqual(t.sink.items.length, 0);
    assert.strictEqual(t.store.size, 0);
  });
});
