import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deleteSdkStorageFolder, findSdkStorageFolders } from '../../../src/core/sdkOfflineStorage';

describe('Python SDK offline storage folders', () => {
  let temp: string;
  const key = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';

  beforeEach(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-sdk-storage-'));
  });
  afterEach(() => fs.rmSync(temp, { recursive: true, force: true }));

  function write(relative: string, bytes: number): void {
    const file = path.join(temp, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.alloc(bytes, 1));
  }

  it('finds the OpenCensus and OpenTelemetry folders with their file counts and sizes, and nothing else', async () => {
    write(`opencensus-python-${key}/2026-01-01T000000.000000-1.blob`, 100);
    write(`opencensus-python-${key}/2026-01-01T000001.000000-2.blob.tmp`, 20);
    write(`Microsoft/AzureMonitor/opentelemetry-python-${key}/traces/a.blob`, 300);
    write(`Microsoft/AzureMonitor/opentelemetry-python-${key}/logs/b.blob`, 5);
    write('opencensus-python-/x', 1); // no key: not an SDK folder
    write('something-else/opencensus-python-nested/y', 1);
    write(`Microsoft/opentelemetry-python-${key}/z`, 1); // wrong parent
    const found = await findSdkStorageFolders(temp);
    assert.deepStrictEqual(
      found.map(({ sdk, suffix, files, bytes }) => ({ sdk, suffix, files, bytes })),
      [
        { sdk: 'opentelemetry', suffix: key, files: 2, bytes: 305 },
        { sdk: 'opencensus', suffix: key, files: 2, bytes: 120 },
      ],
    );
    assert.ok(found.every((folder) => typeof folder.newestMs === 'number'));
  });

  it('an absent temp layout gives an empty list', async () => {
    assert.deepStrictEqual(await findSdkStorageFolders(path.join(temp, 'missing')), []);
  });

  it('deletes a found folder, and refuses any other path', async () => {
    write(`opencensus-python-${key}/a.blob`, 10);
    write('keep/me.txt', 1);
    const [folder] = await findSdkStorageFolders(temp);
    await deleteSdkStorageFolder(folder.path, temp);
    assert.strictEqual(fs.existsSync(folder.path), false);
    for (const other of [path.join(temp, 'keep'), temp, path.join(temp, 'keep', '..', 'keep'), path.join(temp, 'opencensus-python-')]) {
      await assert.rejects(deleteSdkStorageFolder(other, temp), /Not a Python SDK storage folder/);
    }
    assert.ok(fs.existsSync(path.join(temp, 'keep', 'me.txt')));
  });
});
