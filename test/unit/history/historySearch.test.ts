/**
 * Issue 16 step 2: one search box finds any text in any field across the selected runs, grouped
 * by table, newest first, bounded; the per-block word filter skips blocks that cannot match.
 */
import * as assert from 'assert';
import type { HistoryStore } from '../../../src/core/history';
import { forEachWord, parseQuery } from '../../../src/core/history/searchIndex';
import { exception, message, openHistory, request, tempDir } from './helpers';

async function sample(): Promise<{ history: HistoryStore; current: string; earlier: string }> {
  const history = await openHistory(tempDir(), { blockItems: 2 });
  const earlier = history.startRun('old.py', 'relay', 1_000);
  history.append(earlier, [
    message('checkout started', { cartId: 'cart-77' }, 'aaaa1111bbbb2222cccc3333dddd4444'),
    request('GET /orders', 'http://shop.local/orders?page=2', 'aaaa1111bbbb2222cccc3333dddd4444'),
  ]);
  await history.endRun(earlier);
  const current = history.startRun('app.py', 'relay', 2_000);
  history.append(current, [
    message('payment declined', { 'customer.tier': 'Gold' }, 'eeee5555ffff6666aaaa7777bbbb8888'),
    exception(
      'ConnectionRefusedError',
      'Traceback (most recent call last):\n  File "pay.py", line 12, in charge\nConnectionRefusedError: [Errno 111]',
      'eeee5555ffff6666aaaa7777bbbb8888',
    ),
    request('POST /pay', 'http://shop.local/pay', 'eeee5555ffff6666aaaa7777bbbb8888'),
  ]);
  await history.flush();
  return { history, current, earlier };
}

function summary(result: Awaited<ReturnType<HistoryStore['search']>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [table, hits] of Object.entries(result.groups))
    out[table] = hits!.map((hit) =>
      String(
        hit.envelope.data?.baseData?.message ??
          hit.envelope.data?.baseData?.name ??
          (hit.envelope.data?.baseData?.exceptions as { typeName: string }[])[0].typeName,
      ),
    );
  return out;
}

describe('history: search (issue 16)', () => {
  it('finds text in every kind of field, case-insensitively, grouped by table', async () => {
    const { history } = await sample();
    const cases: [string, Record<string, string[]>][] = [
      ['declined', { traces: ['payment declined'] }], // message
      ['post /pay', { requests: ['POST /pay'] }], // name
      ['page=2', { requests: ['GET /orders'] }], // URL
      ['connectionrefused', { exceptions: ['ConnectionRefusedError'] }], // exception type, a word start
      ['pay.py', { exceptions: ['ConnectionRefusedError'] }], // stack
      ['customer.tier', { traces: ['payment declined'] }], // property key
      ['GOLD', { traces: ['payment declined'] }], // property value
      ['cart-77', { traces: ['checkout started'] }],
      ['aaaa1111bbbb', { traces: ['checkout started'], requests: ['GET /orders'] }], // operation id
      ['shop.local', { requests: ['POST /pay', 'GET /orders'] }], // newest first across runs
      ['errno 111 charge', { exceptions: ['ConnectionRefusedError'] }], // every word must be there
      ['nowhere-to-be-found', {}],
    ];
    for (const [query, expected] of cases) {
      assert.deepStrictEqual(summary(await history.search(query)), expected, query);
    }
    await history.close();
  });

  it('searches only the selected runs', async () => {
    const { history, current, earlier } = await sample();
    assert.deepStrictEqual(summary(await history.search('shop.local', { runIds: [current] })), { requests: ['POST /pay'] });
    const hits = await history.search('shop.local', { runIds: [earlier] });
    assert.deepStrictEqual(summary(hits), { requests: ['GET /orders'] });
    assert.strictEqual(hits.groups.requests![0].runId, earlier);
    await history.close();
  });

  it('matches at the start of words (like KQL has_prefix), not inside them', async () => {
    const { history } = await sample();
    assert.deepStrictEqual(summary(await history.search('refused')), {});
    assert.deepStrictEqual(summary(await history.search('decl')), { traces: ['payment declined'] });
    await history.close();
  });

  it('bounds the hits and says there were more', async () => {
    const history = await openHistory(tempDir(), { blockItems: 100 });
    const run = history.startRun('noisy.py');
    history.append(
      run,
      Array.from({ length: 1000 }, (_, i) => message(`tick ${i}`)),
    );
    const result = await history.search('tick', { limit: 25 });
    assert.strictEqual(result.total, 25);
    assert.strictEqual(result.truncated, true);
    assert.deepStrictEqual(
      result.groups.traces!.slice(0, 2).map((hit) => hit.envelope.data?.baseData?.message),
      ['tick 999', 'tick 998'],
    );
    await history.close();
  });

  it('opens only blocks whose filter may hold every word of the query', async () => {
    const history = await openHistory(tempDir(), { blockItems: 10 });
    const run = history.startRun('app.py');
    for (let block = 0; block < 50; block++)
      history.append(
        run,
        Array.from({ length: 10 }, (_, i) => message(`block${block}item${i} routine`)),
      );
    history.append(run, [message('a needle in the haystack')]);
    const result = await history.search('needle');
    assert.strictEqual(result.total, 1);
    assert.ok(result.blocksRead <= 3, `read ${result.blocksRead} of 51 blocks`);
    await history.close();
  });

  it('splits words the way the index does, JSON escapes included, and bounds a typed query', () => {
    const words: string[] = [];
    forEachWord('line\\nnext "quoted\\" ünïcode_x\\u0041b', (word) => words.push(word));
    assert.deepStrictEqual(words, ['line', 'next', 'quoted', 'ünïcode_x', 'b']);
    const parsed = parseQuery(`${'word '.repeat(100)}${'z'.repeat(5000)}`);
    assert.strictEqual(parsed.terms.length, 16);
  });
});

describe('history: the store tells the history what it takes (issue 16)', () => {
  it('passes every added batch with its origin to envelope listeners, and a failing listener does not stop the store', async () => {
    const { TelemetryStore } = await import('../../../src/core/store');
    const store = new TelemetryStore();
    const seen: string[] = [];
    store.onEnvelopes(() => {
      throw new Error('a broken listener');
    });
    const subscription = store.onEnvelopes((envelopes, origin) => seen.push(`${origin.source}:${origin.name ?? ''}:${envelopes.length}`));
    store.add([message('a'), message('b')]);
    store.add([message('c')], undefined, { source: 'imported', name: 'export.ndjson' });
    subscription.dispose();
    store.add([message('d')]);
    assert.deepStrictEqual(seen, ['relay::2', 'imported:export.ndjson:1']);
    assert.strictEqual(store.size, 4);
  });
});
