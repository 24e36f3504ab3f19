/** The relay's `POST /azmon/query` route: local key only, bounded body, results and positioned errors. */
import * as assert from 'assert';
import { MAX_QUERY_BODY_BYTES } from '../../../src/core/relay/queryHandler';
import { loadQueryFixture } from '../query/goldenCases';
import { CAPTURE_KEY, send, startRelay, TestRelay } from './helpers';

describe('relay: POST /azmon/query', () => {
  let setup: TestRelay;
  const query = (body: unknown, headers: Record<string, string> = { 'x-azmon-key': CAPTURE_KEY }) =>
    send(setup.relay.port, {
      path: '/azmon/query',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    setup = await startRelay();
    const envelopes = loadQueryFixture().map((envelope) => ({ ...envelope, iKey: CAPTURE_KEY }));
    const reply = await send(setup.relay.port, { body: JSON.stringify(envelopes), headers: { 'content-type': 'application/json' } });
    assert.strictEqual(reply.status, 200, reply.text);
  });
  after(() => setup.relay.close());

  it('answers a query from the store', async () => {
    const reply = await query({ query: 'requests | where success == false | count' });
    assert.strictEqual(reply.status, 200, reply.text);
    assert.deepStrictEqual(reply.json.columns, [{ name: 'Count', type: 'long' }]);
    assert.deepStrictEqual(reply.json.rows, [[2]]);
  });

  it('takes the key in any case, as the connection string may carry it', async () => {
    const reply = await query({ query: 'traces | count' }, { 'x-azmon-key': CAPTURE_KEY.toUpperCase() });
    assert.deepStrictEqual(reply.json.rows, [[4]]);
  });

  it('refuses a request without the local key or with another one (401), before reading the body', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { 'x-azmon-key': '11111111-2222-3333-4444-555555555555' },
      { 'x-azmon-key': `${CAPTURE_KEY}x` },
    ]) {
      const reply = await query({ query: 'requests' }, headers);
      assert.strictEqual(reply.status, 401, reply.text);
      assert.match(reply.json.error.message, /local key/);
      assert.strictEqual(reply.json.rows, undefined);
    }
  });

  it('refuses a web page (Origin) like every other route', async () => {
    const reply = await query({ query: 'requests' }, { 'x-azmon-key': CAPTURE_KEY, origin: 'http://evil.example' });
    assert.strictEqual(reply.status, 403);
  });

  it('refuses a body over the bound (413) and bodies that are not {"query": "…"} (400)', async () => {
    const big = await query({ query: `requests | where name == "${'x'.repeat(MAX_QUERY_BODY_BYTES)}"` });
    assert.strictEqual(big.status, 413, big.text);
    for (const body of ['not json', '{"q": "requests"}', '{"query": 5}', 'null']) {
      const reply = await query(body);
      assert.strictEqual(reply.status, 400, body);
      assert.match(reply.json.error.message, /\{"query"/);
    }
  });

  it('answers a wrong query with 400 and the position', async () => {
    const reply = await query({ query: 'requests\n| where nmae == 1' });
    assert.strictEqual(reply.status, 400);
    assert.deepStrictEqual(
      { kind: reply.json.error.kind, line: reply.json.error.line, column: reply.json.error.column },
      { kind: 'semantic', line: 2, column: 9 },
    );
    assert.match(reply.json.error.message, /Unknown column "nmae"/);
  });

  it('only answers POST', async () => {
    const reply = await send(setup.relay.port, { method: 'GET', path: '/azmon/query', headers: { 'x-azmon-key': CAPTURE_KEY } });
    assert.strictEqual(reply.status, 405);
  });
});
