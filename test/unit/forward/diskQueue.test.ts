import * as assert from 'assert';
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import type { Envelope } from '../../../src/core/envelope';
import { diskLine } from '../../../src/core/forward';
import { QueueFullError } from '../../../src/core/sink';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import {
  connectionStringFor,
  envelope,
  envelopes,
  LOCAL_KEY,
  messagesOf,
  openQueue,
  queueFiles,
  REAL_KEY,
  tempDir,
  TestQueue,
  waitForStats,
} from './helpers';

const HOUR = 3600_000;

/** A queue file's segments (header line, then gzip members), decoded here independently of the queue's code. */
function segmentsOf(file: string): { key: string; items: unknown[] }[] {
  const content = fs.readFileSync(file);
  const newline = content.indexOf(0x0a);
  const header = JSON.parse(content.subarray(0, newline).toString('utf8')) as {
    segments: { key: string; items: number; packedBytes: number }[];
  };
  let offset = newline + 1;
  return header.segments.map((segment) => {
    const items = JSON.parse(gunzipSync(content.subarray(offset, (offset += segment.packedBytes))).toString('utf8')) as unknown[];
    assert.strictEqual(items.length, segment.items, "the header counts the segment's items");
    return { key: segment.key, items };
  });
}

/** Every queue file's bytes, and its decompressed segments, as text. */
function readAllBytes(dir: string): string {
  return queueFiles(dir)
    .map((name) => `${fs.readFileSync(path.join(dir, name), 'utf8')}\n${JSON.stringify(segmentsOf(path.join(dir, name)))}`)
    .join('\n');
}

describe('forward: the write-ahead disk queue', () => {
  let fake: FakeIngestion;
  const opened: TestQueue[] = [];
  const open = async (...args: Parameters<typeof openQueue>): Promise<TestQueue> => {
    const t = await openQueue(...args);
    opened.push(t);
    return t;
  };
  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
  });
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.queue.close();
    await fake.close();
  });

  it('has the batch in a complete file, 0600 in a 0700 folder, when accept resolves', async function () {
    if (process.platform === 'win32') this.skip();
    const t = await open(fake);
    t.queue.pause();
    await t.queue.accept([envelope('durable 1'), envelope('durable 2')]);
    const files = queueFiles(t.dir);
    assert.strictEqual(files.length, 1);
    assert.match(files[0], /^\d{15}-\d{6}-2-[0-9a-f]{8}\.queue$/);
    const segments = segmentsOf(path.join(t.dir, files[0]));
    assert.deepStrictEqual(
      segments.map((segment) => segment.key),
      [LOCAL_KEY],
    );
    assert.deepStrictEqual(messagesOf(segments[0].items as Envelope[]), ['durable 1', 'durable 2']);
    assert.strictEqual(fs.statSync(t.storageDir).mode & 0o777, 0o700);
    assert.strictEqual(fs.statSync(t.dir).mode & 0o777, 0o700);
    assert.strictEqual(fs.statSync(path.join(t.dir, files[0])).mode & 0o777, 0o600);
    assert.strictEqual(t.queue.stats().state, 'paused');
    assert.strictEqual(t.queue.stats().queuedItems, 2);
    assert.strictEqual(fake.requests().length, 0, 'paused: nothing is sent');
  });

  it('tightens an existing folder to 0700', async function () {
    if (process.platform === 'win32') this.skip();
    const t0 = await open(undefined);
    fs.chmodSync(t0.storageDir, 0o755);
    fs.chmodSync(t0.dir, 0o755);
    await t0.queue.close();
    const t = await open(fake, { storageDir: t0.storageDir });
    assert.strictEqual(fs.statSync(t.storageDir).mode & 0o777, 0o700);
    assert.strictEqual(fs.statSync(t.dir).mode & 0o777, 0o700);
  });

  it('never writes the real key to disk, in iKey or in the name', async () => {
    const t = await open(fake);
    t.queue.pause();
    const carryingRealKey = {
      ...envelope('sneaky'),
      iKey: REAL_KEY,
      name: `Microsoft.ApplicationInsights.${REAL_KEY.replace(/-/g, '')}.Message`,
    };
    await t.queue.accept([envelope('a', true), carryingRealKey]);
    const bytes = readAllBytes(t.dir);
    assert.ok(bytes.includes(LOCAL_KEY), 'the local key is what the disk holds');
    assert.ok(!bytes.toLowerCase().includes(REAL_KEY), 'no real key with dashes');
    assert.ok(!bytes.toLowerCase().includes(REAL_KEY.replace(/-/g, '')), 'no real key without dashes');
    t.queue.resume();
    const received = await fake.waitForItems(2);
    assert.ok(received.every((item) => item.iKey === REAL_KEY));
  });

  it('keeps a request body as the app sent it and sends it under the real key; an escaped key is parsed instead', async () => {
    const t = await open(fake);
    t.queue.pause();
    const items = [envelope('raw 0', true), envelope('raw 1')];
    const body = Buffer.from(` ${JSON.stringify(items, null, 1)}\n`);
    await t.queue.accept(items, { text: body });
    // Same items, but one iKey spelled with a JSON escape: a byte-level swap would miss it.
    const escaped = [envelope('escaped 0'), envelope('escaped 1')];
    const escapedBody = Buffer.from(JSON.stringify(escaped).replace(`"iKey":"${LOCAL_KEY}"`, `"iKey":"\\u0031${LOCAL_KEY.slice(1)}"`));
    assert.strictEqual(JSON.parse(escapedBody.toString())[0].iKey, LOCAL_KEY);
    await t.queue.accept(escaped, { text: escapedBody });
    // Sent gzipped: stored as the app compressed it, not compressed again.
    const zipped = [envelope('zipped 0')];
    const zippedText = Buffer.from(JSON.stringify(zipped));
    const zippedBody = gzipSync(zippedText, { level: 9 });
    await t.queue.accept(zipped, { text: zippedText, gzip: zippedBody });
    const [file] = queueFiles(t.dir);
    const content = fs.readFileSync(path.join(t.dir, file));
    const header = JSON.parse(content.subarray(0, content.indexOf(0x0a)).toString()) as { segments: { packedBytes: number }[] };
    assert.strictEqual(
      gunzipSync(content.subarray(content.indexOf(0x0a) + 1, content.indexOf(0x0a) + 1 + header.segments[0].packedBytes)).toString(),
      body.toString(),
      'the body as received',
    );
    const last = fs.readFileSync(path.join(t.dir, queueFiles(t.dir).at(-1)!));
    assert.ok(last.subarray(last.length - zippedBody.length).equals(zippedBody), 'the gzip body as received');
    t.queue.resume();
    const received = await fake.waitForItems(5);
    assert.deepStrictEqual(messagesOf(received), ['raw 0', 'raw 1', 'escaped 0', 'escaped 1', 'zipped 0']);
    assert.ok(
      received.every((item) => item.iKey === REAL_KEY),
      received.map((item) => item.iKey).join(),
    );
    assert.strictEqual(received[0].name, `Microsoft.ApplicationInsights.${REAL_KEY.replace(/-/g, '')}.Message`);
    assert.strictEqual(fake.requests().length, 1, 'the segments in one request');
  });

  it('marks segments without keyed names for the swap by counting, and sends both kinds under the real key', async () => {
    const t = await open(fake);
    t.queue.pause();
    const plain = [envelope('plain 0'), envelope('plain 1')];
    await t.queue.accept(plain, { text: Buffer.from(JSON.stringify(plain)) });
    const keyed = [envelope('keyed 0', true)];
    await t.queue.accept(keyed, { text: Buffer.from(JSON.stringify(keyed)) });
    const marks = queueFiles(t.dir).flatMap((file) => {
      const content = fs.readFileSync(path.join(t.dir, file));
      const header = JSON.parse(content.subarray(0, content.indexOf(0x0a)).toString()) as {
        segments: { items: number; literalKeys?: boolean }[];
      };
      return header.segments.map((segment) => `${segment.items}:${segment.literalKeys ?? '-'}`);
    });
    assert.deepStrictEqual(marks, ['2:true', '1:-']);
    t.queue.resume();
    const received = await fake.waitForItems(3);
    assert.deepStrictEqual(messagesOf(received), ['plain 0', 'plain 1', 'keyed 0']);
    assert.ok(
      received.every((item) => item.iKey === REAL_KEY),
      received.map((item) => item.iKey).join(),
    );
    assert.strictEqual(received[2].name, `Microsoft.ApplicationInsights.${REAL_KEY.replace(/-/g, '')}.Message`);
  });

  it("drops the items of a damaged segment alone; the file's other segments still go out", async () => {
    const first = await open(fake);
    first.queue.pause();
    await first.queue.accept(envelopes(515, 'item'));
    await first.queue.close();
    const [file] = queueFiles(first.dir);
    const content = fs.readFileSync(path.join(first.dir, file));
    assert.deepStrictEqual(
      segmentsOf(path.join(first.dir, file)).map((segment) => segment.items.length),
      [512, 3],
      'one segment per request-sized part',
    );
    content[content.length - 12] ^= 0xff; // inside the last gzip member: its CRC no longer matches
    fs.writeFileSync(path.join(first.dir, file), content);
    const second = await open(fake, { storageDir: first.storageDir });
    const stats = await waitForStats(second.queue, (current) => current.queuedItems === 0);
    assert.deepStrictEqual(
      messagesOf(fake.received()),
      envelopes(512, 'item').map((item) => String(item.data!.baseData!.message)),
    );
    assert.strictEqual(stats.droppedByReason.damaged, 3);
    assert.ok(second.logs.some((line) => /Dropped 3 items .*damaged/.test(line.message)));
  });

  it('replays the backlog after a restart, sent under the real key, once', async () => {
    const first = await open(fake);
    first.queue.pause();
    await first.queue.accept(envelopes(3, 'before restart'));
    await first.queue.close();
    assert.strictEqual(fake.requests().length, 0);
    assert.strictEqual(queueFiles(first.dir).length, 1);

    const second = await open(fake, { storageDir: first.storageDir, localInstrumentationKey: '99999999-8888-4777-8666-555555555555' });
    assert.strictEqual(second.queue.stats().queuedItems, 3, 'the backlog is counted from the file names');
    const received = await fake.waitForItems(3);
    assert.deepStrictEqual(messagesOf(received), ['before restart 0', 'before restart 1', 'before restart 2']);
    assert.ok(
      received.every((item) => item.iKey === REAL_KEY),
      "an earlier session's local key is replaced too",
    );
    await waitForStats(second.queue, (stats) => stats.queuedItems === 0);
    await second.queue.flush(1000);
    await second.queue.close();
    assert.deepStrictEqual(queueFiles(first.dir), []);
    assert.strictEqual(fake.received().length, 3);
  });

  it('deletes a torn .tmp left by a kill mid-write, and drops damaged lines of a truncated file', async () => {
    const first = await open(fake);
    first.queue.pause();
    await first.queue.accept(envelopes(2, 'good'));
    await first.queue.close();
    const [file] = queueFiles(first.dir);
    // A process killed between open and rename leaves a partial .tmp: never acknowledged.
    fs.writeFileSync(
      path.join(first.dir, `${file.replace('-2-', '-5-').replace(/[0-9a-f]{8}\.ndjson$/, 'deadbeef.ndjson')}.tmp`),
      '{"name":"Microsoft.App',
      { mode: 0o600 },
    );
    // A damaged complete file (say a disk error): the readable lines still go out.
    // A file of layout 1 (one envelope per line, written by an earlier version) is still read.
    const truncatedName = file
      .replace(/^\d{15}/, (ms) => String(Number(ms) + 1).padStart(15, '0'))
      .replace('-2-', '-3-')
      .replace(/\.queue$/, '.ndjson');
    // In the layout those versions wrote (iKey and name first), so the cut line still looks right at its start.
    const goodLine = diskLine(envelope('survivor', true), LOCAL_KEY);
    fs.writeFileSync(path.join(first.dir, truncatedName), `${goodLine}\n${goodLine.slice(0, 120)}\n`, { mode: 0o600 });

    const second = await open(fake, { storageDir: first.storageDir });
    assert.ok(!queueFiles(first.dir).some((name) => name.endsWith('.tmp')), 'the torn .tmp is gone');
    assert.ok(second.logs.some((line) => /unfinished write/.test(line.message)));
    await fake.waitForItems(3);
    const stats = await waitForStats(second.queue, (current) => current.queuedItems === 0);
    assert.deepStrictEqual(messagesOf(fake.received()).sort(), ['good 0', 'good 1', 'survivor']);
    assert.strictEqual(stats.droppedByReason.damaged, 2, 'the torn line, and the line the name promised but the file lacks');
    assert.ok(second.logs.some((line) => /not valid JSON/.test(line.message)));
  });

  it('refuses with QueueFullError once the cap is reached, and takes data again after draining', async () => {
    const t = await open(fake, { maxDiskBytes: 6000 });
    t.queue.pause();
    // Random text: the disk holds gzip, and the cap counts the bytes on disk.
    const incompressible = (count: number, prefix: string): Envelope[] =>
      envelopes(count, prefix).map((item) => ({
        ...item,
        data: { baseType: 'MessageData', baseData: { ...item.data!.baseData, noise: randomBytes(150).toString('base64') } },
      }));
    await t.queue.accept(incompressible(10, 'fits'));
    await assert.rejects(t.queue.accept(incompressible(40, 'too much')), (error: unknown) => {
      assert.ok(error instanceof QueueFullError);
      assert.ok(error.retryAfterSeconds >= 1);
      return true;
    });
    assert.strictEqual(t.queue.stats().refusedFull, 1);
    assert.ok(t.queue.stats().queuedBytes <= 6000);
    t.queue.resume();
    await fake.waitForItems(10);
    await waitForStats(t.queue, (stats) => stats.queuedBytes === 0);
    await t.queue.accept(envelopes(10, 'later'));
    await fake.waitForItems(20);
  });

  it('drops items older than the retention period, with a log line', async () => {
    let now = Date.now();
    const first = await open(fake, { now: () => now });
    first.queue.pause();
    await first.queue.accept(envelopes(2, 'old'));
    now += 47 * HOUR;
    await first.queue.accept(envelopes(1, 'recent'));
    await first.queue.close();

    now += 2 * HOUR;
    const second = await open(fake, { storageDir: first.storageDir, now: () => now });
    assert.strictEqual(second.queue.stats().droppedByReason.expired, 2);
    assert.ok(second.logs.some((line) => line.level === 'warn' && /Dropped 2 queued items older than 48 h/.test(line.message)));
    await fake.waitForItems(1);
    assert.deepStrictEqual(messagesOf(fake.received()), ['recent 0']);
  });

  it('groups concurrent accepts into one durable file', async () => {
    const t = await open(fake);
    t.queue.pause();
    await Promise.all(Array.from({ length: 8 }, (_, index) => t.queue.accept(envelopes(5, `client ${index}`))));
    const files = queueFiles(t.dir);
    assert.ok(files.length < 8, `${files.length} files for 8 concurrent accepts`);
    assert.strictEqual(t.queue.stats().queuedItems, 40);
    t.queue.resume();
    await fake.waitForItems(40);
    await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
    assert.strictEqual(new Set(messagesOf(fake.received())).size, 40);
  });

  it('switches to local-only live: nothing is queued, accept resolves at once; and back', async () => {
    const t = await open(fake);
    t.queue.setConnectionString(undefined);
    assert.strictEqual(t.queue.stats().state, 'local-only');
    await t.queue.accept(envelopes(3, 'local'));
    assert.deepStrictEqual(queueFiles(t.dir), []);
    assert.strictEqual(t.queue.stats().queuedItems, 0);
    t.queue.setConnectionString(connectionStringFor(fake));
    assert.strictEqual(t.queue.stats().state, 'forwarding');
    await t.queue.accept(envelopes(1, 'forwarded'));
    await fake.waitForItems(1);
    assert.deepStrictEqual(messagesOf(fake.received()), ['forwarded 0']);
  });

  it('starts local-only without a connection string, and a new one sends under its own key', async () => {
    const t = await open(undefined);
    assert.strictEqual(t.queue.stats().state, 'local-only');
    await t.queue.accept(envelopes(2));
    assert.deepStrictEqual(queueFiles(t.dir), []);
    const otherKey = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';
    const otherFake = await FakeIngestion.start({ expectKey: otherKey });
    try {
      t.queue.setConnectionString(parseConnectionStringOrThrow(`InstrumentationKey=${otherKey};IngestionEndpoint=${otherFake.url}`));
      await t.queue.accept(envelopes(1, 'new'));
      const received = await otherFake.waitForItems(1);
      assert.strictEqual(received[0].iKey, otherKey);
    } finally {
      await t.queue.close();
      await otherFake.close();
    }
  });

  it('pause keeps queueing on disk; resume sends; flush drains; close keeps what was not sent', async () => {
    const t = await open(fake);
    t.queue.pause();
    await t.queue.accept(envelopes(4, 'held'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.strictEqual(fake.requests().length, 0);
    assert.strictEqual(t.queue.stats().queuedItems, 4);
    await t.queue.flush(200);
    assert.strictEqual(fake.requests().length, 0, 'flush does not override a user pause');
    t.queue.resume();
    await t.queue.flush(5000);
    assert.strictEqual(fake.received().length, 4);
    assert.strictEqual(t.queue.stats().queuedItems, 0);

    fake.setPlan(() => ({ kind: 'status', status: 503 }));
    await t.queue.accept(envelopes(2, 'stuck'));
    await t.queue.flush(300);
    assert.strictEqual(t.queue.stats().queuedItems, 2, 'flush gives up at its timeout');
    await t.queue.close();
    assert.strictEqual(queueFiles(t.dir).length, 1, 'unsent items stay on disk for the next run');
    await assert.rejects(t.queue.accept([envelope()]), /closed/);
  });

  it('reports changes through onStats', async () => {
    const t = await open(fake);
    const seen: string[] = [];
    const subscription = t.queue.onStats((stats) => seen.push(`${stats.state}:${stats.queuedItems}:${stats.sentItems}`));
    await t.queue.accept(envelopes(2));
    await fake.waitForItems(2);
    await waitForStats(t.queue, (stats) => stats.sentItems === 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(seen.includes('forwarding:0:2'), seen.join(' '));
    subscription.dispose();
    const count = seen.length;
    t.queue.pause();
    await new Promise((resolve) => setImmediate(resolve));
    assert.strictEqual(seen.length, count, 'no events after dispose');
  });
});

describe('forward: relays sharing one storage folder', () => {
  let fake: FakeIngestion;
  beforeEach(async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
  });
  afterEach(async () => {
    await fake.close();
  });

  /** A queue folder with `count` items, as a relay with process id `pid` would have left it. */
  async function leaveBacklog(storageDir: string, pid: number, count: number, prefix: string): Promise<void> {
    const t = await openQueue(fake, { storageDir });
    t.queue.pause();
    await t.queue.accept(envelopes(count, prefix));
    await t.queue.close();
    fs.renameSync(t.dir, path.join(storageDir, `p${pid}`));
  }

  function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '']);
    return new Promise((resolve) => child.on('exit', () => resolve(child.pid!)));
  }

  it('takes over the backlog of a relay whose process is gone, and leaves a live one alone', async () => {
    const storageDir = path.join(tempDir(), 'forward-queue');
    const dead = await deadPid();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      await leaveBacklog(storageDir, live.pid!, 2, 'other window');
      await leaveBacklog(storageDir, dead, 3, 'orphan');
      const t = await openQueue(fake, { storageDir });
      try {
        await fake.waitForItems(3);
        await waitForStats(t.queue, (stats) => stats.queuedItems === 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepStrictEqual(messagesOf(fake.received()), ['orphan 0', 'orphan 1', 'orphan 2']);
        assert.ok(!fs.existsSync(path.join(storageDir, `p${dead}`)), "the dead relay's folder is gone");
        assert.strictEqual(queueFiles(path.join(storageDir, `p${live.pid}`)).length, 1, 'the live relay keeps its files');
        assert.ok(t.logs.some((line) => /Took over 1 queue files/.test(line.message)));
      } finally {
        await t.queue.close();
      }
    } finally {
      live.kill();
    }
  });

  it('refuses a second queue on the same folder in one process', async () => {
    const t = await openQueue(fake);
    try {
      await assert.rejects(openQueue(fake, { storageDir: t.storageDir }), /already open/);
    } finally {
      await t.queue.close();
    }
    const again = await openQueue(fake, { storageDir: t.storageDir });
    await again.queue.close();
  });
});
