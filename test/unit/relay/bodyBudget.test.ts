/**
 * Issue 12 item 1: request bodies held at once are bounded by bytes, not only one by one. Each
 * body may decode to maxDecodedBytes, and connections are capped, but not their product: over
 * maxBodyBytesInFlight a request is answered 503 + Retry-After (SDKs retry), and once the others
 * are handled the budget is free again.
 */
import * as assert from 'assert';
import { gzipSync } from 'zlib';
import { envelope, send, startRelay, TestRelay } from './helpers';

const MiB = 1024 * 1024;

/** A gzipped track body that decodes to about `megabytes` MiB (50 items, one large property each). */
function bigBody(megabytes: number, tag: string): Buffer {
  const value = 'v'.repeat(Math.floor((megabytes * MiB) / 50));
  return gzipSync(
    JSON.stringify(
      Array.from({ length: 50 }, (_, index) => envelope({ baseData: { ver: 2, message: `${tag} ${index}`, properties: { value } } })),
    ),
    { level: 1 },
  );
}

describe('relay: body bytes held at once are bounded (issue 12 item 1)', () => {
  let t: TestRelay;
  beforeEach(async () => {
    t = await startRelay({ limits: { maxDecodedBytes: 40 * MiB, maxBodyBytesInFlight: 64 * MiB } });
  });
  afterEach(async () => {
    await t.relay.close();
  });

  it('answers 503 + Retry-After past the budget, 200 to the rest, and frees the budget afterwards', async () => {
    const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' };
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, index) => send(t.relay.port, { body: bigBody(30, `concurrent ${index}`), headers })),
    );
    const statuses = replies.map((reply) => reply.status).sort();
    assert.ok(statuses.includes(503), `statuses ${statuses}`);
    assert.ok(statuses.includes(200), `statuses ${statuses}`);
    assert.deepStrictEqual([...new Set(statuses)], [200, 503]);
    for (const reply of replies.filter((candidate) => candidate.status === 503)) {
      assert.strictEqual(reply.headers['retry-after'], '1');
      assert.match(reply.json.errors[0].message, /retry/);
    }
    assert.strictEqual(
      t.sink.items.length,
      50 * statuses.filter((status) => status === 200).length,
      'what got 200 is in the sink, nothing else',
    );
    for (let round = 0; round < 3; round++) {
      const reply = await send(t.relay.port, { body: bigBody(30, `after ${round}`), headers });
      assert.strictEqual(reply.status, 200, `round ${round}: ${reply.text}`);
    }
  });
});
