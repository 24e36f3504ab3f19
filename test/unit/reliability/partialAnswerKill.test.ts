/**
 * Issue 12 item 10: the relay (`dist/cli.js`, a child process) gets a 206 for a batch, keeps the
 * refused-for-now items queued, and is killed with SIGKILL before it resends them. The per-item
 * outcome of the 206 is on disk next to the queue file, so the restarted relay resends only the
 * items the service has not accepted yet: no duplicates of the accepted ones (still at-least-once).
 */
import * as assert from 'assert';
import * as http from 'http';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { tempDir } from '../relay/helpers';
import { assertCliBuilt, listFiles, RelayProcess, startRelayProcess } from './relayProcess';

const REAL_KEY = 'c0ffee00-1234-4abc-8def-0123456789ab';
const LOCAL_KEY = '7e57a11e-0000-4000-8000-00000000fa17';
const ITEMS = 10;

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}v2.1/track`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('reliability: SIGKILL after a 206, restart', function () {
  this.timeout(60_000);
  let fake: FakeIngestion | undefined;
  let relay: RelayProcess | undefined;
  before(() => assertCliBuilt(['--retry-base-ms']));
  afterEach(async () => {
    await relay?.kill();
    await fake?.close();
  });

  it('resends only the items the service had not accepted', async () => {
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    // The first request: items 1, 4 and 7 refused for now (500), the rest accepted. Then the
    // service asks for a long pause, so the relay still owes those three when it is killed.
    const codes = Array.from({ length: ITEMS }, (_, index) => (index % 3 === 1 ? 500 : 200));
    fake.enqueue({ kind: 'partial', codes });
    fake.setPlan(() => ({ kind: 'status', status: 503, retryAfter: 3600 }));
    const storage = tempDir('azmon-partial-kill-');
    const options = {
      storage,
      localKey: LOCAL_KEY,
      connectionString: fake.connectionString(REAL_KEY),
      port: 0,
      args: ['--retry-base-ms', '50', '--retry-max-ms', '100'],
    };
    relay = await startRelayProcess(options);
    const items = Array.from({ length: ITEMS }, (_, index) => ({
      name: 'Microsoft.ApplicationInsights.Message',
      time: '2026-12-06T07:00:00.000Z',
      iKey: LOCAL_KEY,
      data: { baseType: 'MessageData', baseData: { ver: 2, message: `item ${index}` } },
    }));
    assert.strictEqual(await post(relay.url, JSON.stringify(items)), 200);
    await fake.waitForRequests(2);
    assert.strictEqual(fake.received().length, ITEMS - 3, 'the 206 accepted seven items');
    // The outcome of the 206 is written next to the queue file (the relay may be killed any time after).
    await waitFor(() => listFiles(storage).some((file) => file.endsWith('.outcome')), 'the 206 outcome on disk');
    await relay.kill();
    relay = undefined;

    fake.reset();
    fake.clearFaults();
    relay = await startRelayProcess({ ...options, port: 0 });
    await fake.waitForItems(3);
    await waitFor(() => !listFiles(storage).some((file) => /\.(queue|outcome)$/.test(file)), 'the queue to empty');
    const resent = fake
      .received()
      .map((item) => String(item.data?.baseData?.message))
      .sort();
    assert.deepStrictEqual(resent, ['item 1', 'item 4', 'item 7'], 'only the items still owed are resent');
  });
});
