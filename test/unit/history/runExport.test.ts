/**
 * Exporting a history run (the CLI's `history export` and the panel's Export of an earlier run):
 * every item, streamed block by block, into a 0600 file that appears only once it is whole.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';
import { exportRunToFile } from '../../../src/core/history';
import { message, messagesOf, openHistory, tempDir } from './helpers';

describe('history: exporting a run', () => {
  it('writes every item of the run, oldest first, across blocks, into a 0600 file', async () => {
    const dir = tempDir();
    const history = await openHistory(dir, { blockItems: 1000 });
    const run = history.startRun('app.py');
    const other = history.startRun('other.py');
    for (let start = 0; start < 25_000; start += 2_500) {
      history.append(
        run,
        Array.from({ length: 2_500 }, (_, index) => message(`item ${start + index}`)),
      );
      history.append(other, [message('another run')]);
    }
    await history.flush();
    const file = path.join(dir, 'out', 'run.ndjson');
    fs.mkdirSync(path.dirname(file));
    assert.strictEqual(await exportRunToFile(history, run, file), 25_000);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.deepStrictEqual(
      messagesOf(lines.map((line) => JSON.parse(line) as Envelope)),
      Array.from({ length: 25_000 }, (_, index) => `item ${index}`),
    );
    if (process.platform !== 'win32') assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ['run.ndjson'], 'no partial file left');
    await history.close();
  });

  it('leaves an existing file as it was, and no partial file, when reading the run fails midway', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'run.ndjson');
    fs.writeFileSync(file, 'the earlier export\n');
    const failing = {
      async *readRun(): AsyncGenerator<Envelope[]> {
        yield [message('first block')];
        throw new Error('the disk went away');
      },
    };
    await assert.rejects(exportRunToFile(failing, 'r1-00000000', file), /the disk went away/);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'the earlier export\n');
    assert.deepStrictEqual(fs.readdirSync(dir), ['run.ndjson']);
  });
});
