/**
 * Issue 16: "Open Telemetry History…" opens a folder another process wrote (`azmon-relay --history
 * DIR`, a CI job's artefact) read-only. Everything stays readable and searchable, and not one byte
 * of the folder changes: no torn tail cut, no run evicted past the limits, no manifest rewritten,
 * appends, pins and deletions do nothing, and a missing folder is not created.
 */
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { HistoryStore } from '../../../src/core/history';
import { allItems, message, messagesOf, openHistory, segmentFiles, tempDir } from './helpers';

/** Every file and folder under `dir` with its content hash, mode and mtime. */
function fingerprint(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const name of fs.readdirSync(folder).sort()) {
      const full = path.join(folder, name);
      const stat = fs.statSync(full);
      const content = stat.isDirectory() ? 'dir' : createHash('sha256').update(fs.readFileSync(full)).digest('hex');
      result[path.relative(dir, full)] = `${content} ${stat.mode.toString(8)} ${stat.mtimeMs}`;
      if (stat.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return result;
}

describe('history: read-only open (issue 16)', () => {
  it('reads and searches a folder without changing a byte of it', async () => {
    const dir = tempDir();
    const writer = await openHistory(dir);
    const old = writer.startRun('nightly.py', 'relay', 1_000);
    writer.append(old, [message('checkout failed'), message('retry')]);
    await writer.endRun(old);
    const pinned = writer.startRun('pinned.py', 'relay', 2_000);
    writer.append(pinned, [message('kept forever')]);
    await writer.endRun(pinned);
    await writer.setPinned(pinned, true);
    await writer.close();
    // A crash mid-write: half a block at the end of the first run's segment.
    const [segment] = segmentFiles(dir).filter((file) => file.includes(old));
    fs.appendFileSync(segment!, Buffer.from('AZH1 torn'));
    const before = fingerprint(dir);

    // Limits that a writable open would enforce at once: every run is past the age, over the size.
    const history = await HistoryStore.open(dir, { readOnly: true, maxAgeMs: 1, maxBytes: 1, now: () => 10_000_000 });
    assert.strictEqual(history.readOnly, true);
    assert.deepStrictEqual(
      history.listRuns().map((run) => [run.name, run.items, run.pinned, run.active]),
      [
        ['nightly.py', 2, false, false],
        ['pinned.py', 1, true, false],
      ],
    );
    assert.deepStrictEqual(messagesOf(await allItems(history, old)), ['checkout failed', 'retry'], 'read up to the torn block');
    assert.strictEqual((await history.search('checkout')).total, 1);
    assert.strictEqual((await history.readLatest(10)).length, 3);

    history.append(old, [message('never written')]);
    await history.setPinned(old, true);
    await history.setPinned(pinned, false);
    await history.deleteRuns([old, pinned]);
    const run = history.startRun('new.py');
    history.append(run, [message('never written either')]);
    await history.endRun(run);
    await history.close();
    assert.deepStrictEqual(fingerprint(dir), before, 'the folder is exactly as it was');
    assert.strictEqual(history.status().state, 'on', 'read-only by choice is not a failure');
  });

  it('does not create a folder that is not there', async () => {
    const dir = path.join(tempDir(), 'missing');
    const history = await HistoryStore.open(dir, { readOnly: true });
    assert.deepStrictEqual(history.listRuns(), []);
    await history.close();
    assert.strictEqual(fs.existsSync(dir), false);
  });
});
