/**
 * Issue 16, ingest speed: the relay hands the history the request body as received, and a worker
 * thread splits it into lines, indexes and gzips it — the envelopes are never serialised again on
 * the thread that serves the app. What is stored must read back as the same envelopes and be found
 * by search the same way; a queue the worker cannot keep up with turns the history off, not ingest.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';
import { HistoryStatus } from '../../../src/core/history';
import { BlockPacker, packPieces } from '../../../src/core/history/blockPacker';
import { jsonArrayToLines } from '../../../src/core/history/jsonLines';
import { EnvelopeOrigin } from '../../../src/core/store/telemetryStore';
import { send, startRelay } from '../relay/helpers';
import { allItems, message, messagesOf, openHistory, tempDir } from './helpers';

/** Values whose strings hold every character that matters to the splitter. */
const tricky: Envelope[] = [
  message('commas, [brackets] and {braces} "quoted" \\ back\\slash\nnew line\ttab', { 'k,[]{}': 'v"}]' }),
  message('second', { nested: JSON.stringify({ a: [1, 2, { b: '[,]' }] }) }),
  { ...message('third'), extra: [[], {}, [{}], 0.5, -1e-7, true, null] } as Envelope,
];

describe('history: request bodies as received (issue 16)', () => {
  it('splits a pretty-printed body into one compact line per envelope, exactly as JSON.stringify writes them', () => {
    for (const indent of [0, 2, '\t']) {
      const body = Buffer.from(` \r\n${JSON.stringify(tricky, null, indent)}\n `);
      const lines = jsonArrayToLines(body, tricky.length);
      assert.ok(lines, `indent ${JSON.stringify(indent)}`);
      assert.strictEqual(lines.toString('utf8'), tricky.map((envelope) => JSON.stringify(envelope)).join('\n'));
    }
  });

  it('writes \\u escapes of printable characters (surrogate pairs included) and \\/ as the characters, keeps the others escaped', () => {
    const body = Buffer.from('[{"m":"caf\\u00e9 \\u4E2D \\ud83d\\ude00 \\/path \\u0022 \\u005c \\u000a \\ud800 lone"}]');
    const lines = jsonArrayToLines(body, 1)!.toString('utf8');
    assert.strictEqual(lines, '{"m":"café 中 😀 /path \\u0022 \\u005c \\u000a \\ud800 lone"}');
    assert.deepStrictEqual(JSON.parse(lines), JSON.parse(body.toString('utf8'))[0]);
  });

  it('gives up (undefined) on anything but an array of exactly the expected items', () => {
    const cases: [string, number][] = [
      ['[{"a":1},{"b":2}]', 3],
      ['[{"a":1}] {}', 1],
      ['{"a":1}', 1],
      ['[{"a":"open]', 1],
      ['[{"a":1},,{"b":2}]', 2],
      ['[{"a":1}', 1],
    ];
    for (const [text, items] of cases) assert.strictEqual(jsonArrayToLines(Buffer.from(text), items), undefined, text);
    assert.ok(jsonArrayToLines(Buffer.from('[]'), 0));
  });

  it('packs a body that does not split by parsing it, and cuts blocks by items across pieces in order', () => {
    const body = Buffer.from(JSON.stringify([message('a'), message('b')]));
    const lines = Buffer.from([message('c'), message('d'), message('e')].map((envelope) => JSON.stringify(envelope)).join('\n'));
    const blocks = packPieces(
      [
        { kind: 'array', bytes: body, items: 5 }, // a wrong count: parsed instead of split
        { kind: 'lines', bytes: lines, items: 3 },
      ],
      { blockItems: 2, blockBytes: 1024 * 1024 },
    );
    assert.deepStrictEqual(
      blocks.map((block) => block.items),
      [2, 2, 1],
    );
  });

  it('the worker and this thread pack the same bytes (a missing worker file falls back to this thread)', async () => {
    const pieces = () => [{ kind: 'array' as const, bytes: Buffer.from(JSON.stringify(tricky, null, 1)), items: tricky.length }];
    const limits = { blockItems: 2, blockBytes: 1024 * 1024 };
    const worker = new BlockPacker();
    const here = new BlockPacker(path.join(tempDir(), 'no-worker.js'));
    try {
      const [a, b] = await Promise.all([worker.pack(pieces(), limits), here.pack(pieces(), limits)]);
      assert.strictEqual(a.length, 2);
      assert.deepStrictEqual(
        a.map((block) => [block.items, block.filter.toString('hex'), block.packed.toString('hex')]),
        b.map((block) => [block.items, block.filter.toString('hex'), block.packed.toString('hex')]),
      );
    } finally {
      await worker.close();
    }
  });

  it('stores bodies and envelopes appended in turn, in order, and search finds text that arrived escaped', async () => {
    const dir = tempDir();
    const history = await openHistory(dir, { blockItems: 3 });
    const run = history.startRun('raw.py');
    const first = [message('one'), message('two café')];
    const second = [message('three')];
    const third = [message('four'), message('five'), message('six')];
    // The body is kept by reference until the commit; the relay never changes it afterwards.
    const firstBody = Buffer.from(JSON.stringify(first, null, 2).replace('café', 'caf\\u00e9'));
    history.append(run, first, firstBody);
    history.append(run, second);
    history.append(run, third, JSON.stringify(third));
    await history.close();

    const reopened = await openHistory(dir);
    assert.deepStrictEqual(messagesOf(await allItems(reopened, run)), ['one', 'two café', 'three', 'four', 'five', 'six']);
    const found = await reopened.search('café');
    assert.deepStrictEqual(messagesOf((found.groups.traces ?? []).map((hit) => hit.envelope)), ['two café']);
    assert.strictEqual(reopened.listRuns()[0].items, 6);
    await reopened.close();
  });

  it('turns off with "fallingBehind" when more bytes wait than it may hold; append never throws and ingest is not refused', async () => {
    const dir = tempDir();
    const history = await openHistory(dir, { maxQueueBytes: 4096, commitDelayMs: 60_000 });
    const statuses: HistoryStatus[] = [];
    history.onStatus((status) => statuses.push(status));
    const run = history.startRun('fast.py');
    const batch = [message('x'.repeat(1000)), message('y'.repeat(1000))];
    history.append(run, batch, JSON.stringify(batch));
    assert.strictEqual(history.status().state, 'on');
    assert.doesNotThrow(() => history.append(run, batch, JSON.stringify(batch)));
    assert.strictEqual(history.status().state, 'off');
    assert.strictEqual(history.status().reason, 'fallingBehind');
    assert.strictEqual(history.status().dropped, 4);
    assert.deepStrictEqual(
      statuses.map((status) => status.reason),
      ['fallingBehind'],
    );
    history.append(run, batch, JSON.stringify(batch));
    assert.strictEqual(history.status().dropped, 6);
    await history.close();
  });

  it('the relay puts the body on the store origin only when every item of a JSON array was accepted as sent', async () => {
    const { relay, store } = await startRelay();
    const dir = tempDir();
    const history = await openHistory(dir);
    const run = history.startRun('relay');
    const origins: EnvelopeOrigin[] = [];
    store.onEnvelopes((envelopes, origin) => {
      origins.push(origin);
      history.append(run, envelopes, origin.body);
    });
    try {
      const items = [message('sent as an array'), message('pretty')].map((envelope) => ({
        ...envelope,
        iKey: '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99',
      }));
      const arrayBody = JSON.stringify(items, null, 2);
      assert.strictEqual((await send(relay.port, { body: arrayBody })).status, 200);
      const ndjson = items.map((envelope) =>
        JSON.stringify({ ...envelope, data: { ...envelope.data, baseData: { ...envelope.data!.baseData, message: 'ndjson' } } }),
      );
      const reply = await send(relay.port, { body: ndjson.join('\n'), headers: { 'Content-Type': 'application/x-json-stream' } });
      assert.strictEqual(reply.status, 200, reply.text);
      assert.strictEqual(origins.length, 2);
      assert.ok(origins[0].body && Buffer.from(origins[0].body).equals(Buffer.from(arrayBody)), 'the array body as sent');
      assert.strictEqual(origins[1].body, undefined, 'NDJSON is not an array: the envelopes are serialised instead');
      await history.flush();
      assert.deepStrictEqual(messagesOf(await allItems(history, run)), ['sent as an array', 'pretty', 'ndjson', 'ndjson']);
    } finally {
      await history.close();
      await relay.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
