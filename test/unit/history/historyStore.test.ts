/**
 * Issue 16 step 1: the history on disk keeps runs across a reopen, survives a torn tail at any
 * byte, keeps what it can of a damaged segment, stays within its size and age limits, and turns
 * itself off (never throwing) on a full disk, a read-only folder or a size limit it cannot meet.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Envelope } from '../../../src/core/envelope';
import { BLOCK_HEADER_BYTES, decodeHeader, encodeBlock } from '../../../src/core/history/historyBlocks';
import { allItems, makeReadOnly, message, messagesOf, openHistory, segmentFiles, tempDir } from './helpers';

const DAY = 24 * 3600_000;

/** A small envelope, so the every-byte test has few bytes to cut at. */
function tiny(text: string): Envelope {
  return { name: 'Message', time: '2026-12-01T10:00:00Z', data: { baseType: 'MessageData', baseData: { message: text } } };
}

/** A history with three one-item blocks in one segment; returns the run and the segment's path. */
async function threeBlocks(dir: string): Promise<{ run: string; segment: string }> {
  const history = await openHistory(dir, { blockItems: 1 });
  const run = history.startRun('app.py');
  for (const text of ['a', 'b', 'c']) {
    history.append(run, [message(text)]);
    await history.flush();
  }
  await history.close();
  const [segment] = segmentFiles(dir);
  return { run, segment };
}

describe('history: runs on disk (issue 16)', () => {
  it("keeps each run's items, name, source and pin across a reopen, in 0700 folders and 0600 files", async () => {
    const dir = tempDir();
    const history = await openHistory(dir);
    const first = history.startRun('python app.py', 'relay', 1_000);
    history.append(first, [message('one'), message('two')]);
    history.append(first, [message('three')]);
    await history.endRun(first);
    const imported = history.startRun('export.json', 'imported', 2_000);
    history.append(imported, [message('from a file')]);
    await history.setPinned(imported, true);
    await history.close();

    const reopened = await openHistory(dir);
    const runs = reopened.listRuns();
    assert.deepStrictEqual(
      runs.map(({ name, source, pinned, items, active }) => ({ name, source, pinned, items, active })),
      [
        { name: 'python app.py', source: 'relay', pinned: false, items: 3, active: false },
        { name: 'export.json', source: 'imported', pinned: true, items: 1, active: false },
      ],
    );
    assert.deepStrictEqual(messagesOf(await allItems(reopened, first)), ['one', 'two', 'three']);
    assert.deepStrictEqual(
      messagesOf((await reopened.readLatest(2)).map((hit) => hit.envelope)),
      ['three', 'from a file'],
      'the newest two items over all runs, oldest first',
    );
    assert.deepStrictEqual(messagesOf((await reopened.readLatest(10, [first])).map((hit) => hit.envelope)), ['one', 'two', 'three']);
    if (process.platform !== 'win32') {
      assert.strictEqual(fs.statSync(dir).mode & 0o777, 0o700);
      assert.strictEqual(fs.statSync(path.join(dir, 'runs', first)).mode & 0o777, 0o700);
      assert.strictEqual(fs.statSync(path.join(dir, 'runs.json')).mode & 0o777, 0o600);
      for (const file of segmentFiles(dir)) assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600, file);
    }
    await reopened.close();
  });

  it('groups appends into few blocks (a group commit), not one write per append', async () => {
    const dir = tempDir();
    const history = await openHistory(dir, { commitDelayMs: 50 });
    const run = history.startRun('app.py');
    for (let i = 0; i < 100; i++) history.append(run, [message(`m${i}`)]);
    await history.close();
    const content = fs.readFileSync(segmentFiles(dir)[0]);
    const blocks = content.toString('latin1').split('AZH1').length - 1;
    assert.ok(blocks <= 2, `100 appends became ${blocks} blocks`);
    const reopened = await openHistory(dir);
    assert.strictEqual((await allItems(reopened, run)).length, 100);
  });

  it('after a cut at every byte offset of a segment, keeps every whole block, drops the torn one and goes on appending', async function () {
    // A fixed amount of work (three opens and a close with fsync per byte offset, ~500 offsets):
    // 2-8 s on a quiet machine, past mocha's 20 s default under heavy load. Nothing here waits on time.
    this.timeout(120_000);
    const source = tempDir();
    const history = await openHistory(source, { blockItems: 2 });
    const run = history.startRun('app.py');
    const blockEnds: number[] = [];
    for (let block = 0; block < 3; block++) {
      history.append(run, [tiny(`b${block}a`), tiny(`b${block}b`)]);
      await history.flush();
      blockEnds.push(fs.statSync(segmentFiles(source)[0]).size);
    }
    await history.close();
    const [segment] = segmentFiles(source);
    const whole = fs.readFileSync(segment);
    const manifest = fs.readFileSync(path.join(source, 'runs.json'));
    assert.strictEqual(whole.length, blockEnds[2]);

    for (let cut = 0; cut <= whole.length; cut++) {
      const dir = tempDir();
      fs.mkdirSync(path.join(dir, 'runs', run), { recursive: true });
      fs.writeFileSync(path.join(dir, 'runs.json'), manifest);
      fs.writeFileSync(path.join(dir, 'runs', run, path.basename(segment)), whole.subarray(0, cut));
      const reopened = await openHistory(dir);
      const keptBlocks = blockEnds.filter((end) => end <= cut).length;
      const items = await allItems(reopened, run);
      assert.strictEqual(items.length, keptBlocks * 2, `cut at ${cut}`);
      assert.strictEqual(reopened.status().state, 'on', `cut at ${cut}`);
      assert.strictEqual(reopened.status().damagedBlocks, 0, `a torn tail is not damage (cut at ${cut})`);
      const later = reopened.startRun('again');
      reopened.append(later, [message('after the crash')]);
      await reopened.close();
      const third = await openHistory(dir);
      assert.strictEqual((await allItems(third, run)).length, keptBlocks * 2, `cut at ${cut}, reopened twice`);
      assert.deepStrictEqual(messagesOf(await allItems(third, later)), ['after the crash']);
      await third.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives SIGKILL mid-write: a child appending in a loop (envelopes and request bodies) is killed, the reopened history keeps whole blocks and writes on', async function () {
    this.timeout(60_000);
    const dir = tempDir();
    const script = `
      const { HistoryStore } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/history'))});
      (async () => {
        const history = await HistoryStore.open(${JSON.stringify(dir)}, { commitDelayMs: 0, blockItems: 50 });
        const run = history.startRun('killed.py');
        let n = 0;
        for (;;) {
          const batch = [];
          for (let i = 0; i < 50; i++) batch.push({ name: 'Microsoft.ApplicationInsights.Message', time: '2026-12-01T10:00:00.000Z', data: { baseType: 'MessageData', baseData: { ver: 2, message: 'item ' + n++ + ' ' + 'x'.repeat(200 + (n % 97)) } } });
          // Every other batch comes with its body as the relay gives it (the worker splits that text).
          history.append(run, batch, n % 100 === 0 ? Buffer.from(JSON.stringify(batch, null, 1)) : undefined);
          await history.flush();
          if (n === 5000) process.send('written');
        }
      })();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const history = await openHistory(dir);
    const [run] = history.listRuns();
    const items = await allItems(history, run.id);
    assert.ok(items.length >= 5000, `kept ${items.length}`);
    // Every kept item is whole and in order: nothing from a torn block leaked in.
    items.forEach((item, index) => assert.ok(String(item.data?.baseData?.message).startsWith(`item ${index} `), `item ${index}`));
    assert.strictEqual(history.status().damagedBlocks, 0);
    const next = history.startRun('next.py');
    history.append(next, [message('written after the kill')]);
    await history.flush();
    assert.deepStrictEqual(messagesOf(await allItems(history, next)), ['written after the kill']);
    await history.close();
  });

  it('keeps the blocks before a damaged header, writes on to a new segment and counts the damage', async () => {
    const dir = tempDir();
    const { run, segment } = await threeBlocks(dir);
    const content = fs.readFileSync(segment);
    const second = content.indexOf('AZH1', 4);
    content.write('XXXX', second, 'latin1'); // the second block's magic
    fs.writeFileSync(segment, content);

    const reopened = await openHistory(dir);
    assert.deepStrictEqual(messagesOf(await allItems(reopened, run)), ['a']);
    assert.strictEqual(reopened.status().state, 'on');
    assert.strictEqual(reopened.status().damagedBlocks, 1);
    const later = reopened.startRun('next');
    reopened.append(later, [message('still recording')]);
    await reopened.flush();
    assert.deepStrictEqual(messagesOf(await allItems(reopened, later)), ['still recording']);
    await reopened.close();
  });

  it('skips a block whose gzip is damaged and reads the others', async () => {
    const dir = tempDir();
    const { run, segment } = await threeBlocks(dir);
    const content = fs.readFileSync(segment);
    const second = content.indexOf('AZH1', 4);
    const nextBlock = content.indexOf('AZH1', second + 4);
    content[nextBlock - 10] ^= 0xff; // inside the second block's gzip (its CRC fails)
    fs.writeFileSync(segment, content);
    const reopened = await openHistory(dir);
    assert.deepStrictEqual(messagesOf(await allItems(reopened, run)), ['a', 'c']);
    assert.strictEqual(reopened.status().damagedBlocks, 1);
    await reopened.close();
  });
});

describe('history: limits and failures (issue 16)', () => {
  it('over the size limit, deletes the oldest unpinned ended runs first and keeps pinned ones', async () => {
    const dir = tempDir();
    const history = await openHistory(dir, { maxBytes: 1_000_000 });
    const big = (text: string) =>
      Array.from({ length: 20 }, (_, i) => message(`${text} ${i} ${'y'.repeat(50)}`, { seed: Math.random().toString(36) }));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = history.startRun(`run ${i}`, 'relay', 1000 + i);
      history.append(id, big(`run ${i}`));
      await history.endRun(id);
      ids.push(id);
    }
    await history.setPinned(ids[0], true);
    await history.close();
    // The runs' sizes differ by a few bytes (random seeds gzip differently): a limit that fits
    // exactly the pinned run and the newest one, so the two oldest unpinned must go.
    const sizes = (await openHistory(dir)).listRuns().map((run) => run.bytes);

    const tight = await openHistory(dir, { maxBytes: sizes[0] + sizes[3] + 10 });
    assert.deepStrictEqual(
      tight.listRuns().map((run) => run.name),
      ['run 0', 'run 3'],
      'pinned run 0 stays; runs 1 and 2 (oldest unpinned) go',
    );
    assert.ok(!fs.existsSync(path.join(dir, 'runs', ids[1])));
    assert.strictEqual(tight.status().state, 'on');
    await tight.close();
  });

  it('deletes ended unpinned runs past the age limit on open', async () => {
    const dir = tempDir();
    let now = 10 * DAY;
    const history = await openHistory(dir, { now: () => now });
    const old = history.startRun('old.py');
    history.append(old, [message('old')]);
    await history.endRun(old);
    const pinned = history.startRun('pinned.py');
    history.append(pinned, [message('pinned')]);
    await history.endRun(pinned);
    await history.setPinned(pinned, true);
    await history.close();
    now += 8 * DAY;
    const later = await openHistory(dir, { now: () => now });
    assert.deepStrictEqual(
      later.listRuns().map((run) => run.name),
      ['pinned.py'],
    );
    await later.close();
  });

  it('turns off with "sizeLimit" when even the current run cannot fit, and append never throws', async () => {
    const dir = tempDir();
    const history = await openHistory(dir, { maxBytes: 200 });
    const statuses: string[] = [];
    history.onStatus((status) => statuses.push(`${status.state}:${status.reason}`));
    const run = history.startRun('app.py');
    history.append(run, [message('x'.repeat(5000))]);
    await history.flush();
    assert.deepStrictEqual(statuses, ['off:sizeLimit']);
    history.append(run, [message('dropped')]);
    await history.flush();
    assert.strictEqual(history.status().dropped, 1);
    await history.close();
  });

  it('turns off with "diskFull" when a write fails with ENOSPC, and keeps what it had', async function () {
    if (!fs.existsSync('/dev/full')) this.skip(); // Linux's always-full device
    const dir = tempDir();
    const history = await openHistory(dir);
    const run = history.startRun('app.py');
    history.append(run, [message('before')]);
    await history.flush();
    const [segment] = segmentFiles(dir);
    const kept = fs.readFileSync(segment);
    fs.rmSync(segment);
    fs.symlinkSync('/dev/full', segment); // the next block's write gets ENOSPC
    history.append(run, [message('no room')]);
    await history.flush();
    assert.strictEqual(history.status().state, 'off');
    assert.strictEqual(history.status().reason, 'diskFull');
    assert.match(history.status().detail ?? '', /ENOSPC/);
    history.append(run, [message('later')]); // never throws
    fs.rmSync(segment);
    fs.writeFileSync(segment, kept);
    await history.close();
    const reopened = await openHistory(dir);
    assert.deepStrictEqual(messagesOf(await allItems(reopened, run)), ['before']);
    await reopened.close();
  });

  it('opens a read-only folder: earlier runs stay readable, the history is off with "readOnly"', async function () {
    const dir = tempDir();
    const history = await openHistory(dir);
    const run = history.startRun('app.py');
    history.append(run, [message('kept')]);
    await history.close();
    const undo = makeReadOnly(dir);
    if (!undo) this.skip();
    try {
      const reopened = await openHistory(dir);
      assert.strictEqual(reopened.status().state, 'off');
      assert.strictEqual(reopened.status().reason, 'readOnly');
      assert.deepStrictEqual(messagesOf(await allItems(reopened, run)), ['kept']);
      const next = reopened.startRun('next.py');
      reopened.append(next, [message('not stored')]);
      await reopened.flush();
      assert.strictEqual(reopened.status().dropped, 1);
      await reopened.close();
    } finally {
      undo!();
    }
  });
});

/**
 * "Open Telemetry History…" reads folders from anywhere: what their files claim must not decide
 * how much memory reading them takes. Each folder here is made by a real history, then altered.
 */
describe('history: a hostile folder opened to look at', () => {
  it('counts a gzip bomb (a block unpacking to 100 MiB) as a damaged block and reads the others', async () => {
    const dir = tempDir();
    const { run, segment } = await threeBlocks(dir);
    const content = fs.readFileSync(segment);
    const second = content.indexOf('AZH1', 4);
    const third = content.indexOf('AZH1', second + 4);
    const header = decodeHeader(content.subarray(second, second + BLOCK_HEADER_BYTES))!;
    const filter = content.subarray(second + BLOCK_HEADER_BYTES, second + BLOCK_HEADER_BYTES + header.filterBytes);
    // 100 MiB of one repeated line: about 100 KB packed, with a valid gzip CRC and a valid header.
    const bomb = zlib.gzipSync(Buffer.alloc(100 * 1024 * 1024, '{"x":1}\n'), { level: 9 });
    fs.writeFileSync(
      segment,
      Buffer.concat([content.subarray(0, second), encodeBlock(header.items, filter, bomb), content.subarray(third)]),
    );
    const reopened = await openHistory(dir, { readOnly: true });
    assert.deepStrictEqual(messagesOf(await allItems(reopened, run)), ['a', 'c']);
    assert.strictEqual(reopened.status().damagedBlocks, 1, 'the bomb is refused, not unpacked');
    await reopened.close();
  });

  it('ignores a run list larger than 16 MiB and rebuilds the runs from their folders', async () => {
    const dir = tempDir();
    const { run } = await threeBlocks(dir);
    const manifest = path.join(dir, 'runs.json');
    const list = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { runs: { name: string }[] };
    list.runs[0].name = 'named by the list';
    (list as unknown as { padding: string }).padding = 'x'.repeat(17 * 1024 * 1024);
    fs.writeFileSync(manifest, JSON.stringify(list));
    const logged: string[] = [];
    const reopened = await openHistory(dir, { readOnly: true, log: (line) => logged.push(line) });
    assert.deepStrictEqual(
      reopened.listRuns().map((info) => info.name),
      [run],
      'the run is named by its folder, not by the oversized list',
    );
    assert.deepStrictEqual(messagesOf(await allItems(reopened, run)), ['a', 'b', 'c']);
    assert.ok(
      logged.some((line) => /run list was unreadable/.test(line)),
      logged.join('\n'),
    );
    await reopened.close();
  });

  it('stops loading blocks once their search filters pass maxLoadedFilterBytes, and says so', async () => {
    const dir = tempDir();
    const { run, segment } = await threeBlocks(dir);
    const content = fs.readFileSync(segment);
    const filterBytes = decodeHeader(content.subarray(0, BLOCK_HEADER_BYTES))!.filterBytes;
    const logged: string[] = [];
    // Room for two blocks' filters, not three.
    const reopened = await openHistory(dir, {
      readOnly: true,
      maxLoadedFilterBytes: filterBytes * 2 + 1,
      log: (line) => logged.push(line),
    });
    assert.deepStrictEqual(messagesOf(await allItems(reopened, run)), ['a', 'b']);
    assert.strictEqual(reopened.status().damagedBlocks, 0, 'a folder too large is not damaged');
    assert.ok(
      logged.some((line) => /later blocks .* are not read/.test(line)),
      logged.join('\n'),
    );
    await reopened.close();
  });
});
