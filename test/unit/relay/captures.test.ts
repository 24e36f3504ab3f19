import * as assert from 'assert';
import * as fs from 'fs';
import { TableName } from '../../../src/core/store';
import { loadCaptures, send, startRelay, tempDir, TestRelay } from './helpers';

const TABLE_OF_TYPE: Record<string, TableName> = {
  RequestData: 'requests',
  RemoteDependencyData: 'dependencies',
  MessageData: 'traces',
  ExceptionData: 'exceptions',
  EventData: 'customEvents',
  MetricData: 'customMetrics',
};

function countBy<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

describe('relay: real SDK requests replayed byte for byte', () => {
  let t: TestRelay;
  let ca: Buffer;
  before(async () => {
    t = await startRelay({ httpsPort: 0, tlsDir: tempDir('relay-captures-tls-') });
    ca = fs.readFileSync(t.relay.caCertPath!);
  });
  after(async () => {
    await t.relay.close();
  });
  beforeEach(() => t.store.clear());

  const captures = loadCaptures();
  it('has the Python captures to replay', () => {
    assert.ok(captures.filter((capture) => capture.name.startsWith('py-')).length >= 9);
  });

  for (const capture of captures) {
    it(`${capture.name}: ${capture.meta.method} ${capture.meta.path}${capture.meta.tls ? ' over TLS' : ''} lands every item in the right table`, async () => {
      // Original headers, body and path; only Host names this relay's port (the guard requires it).
      const headers: Record<string, string> = { ...capture.meta.headers };
      delete headers.host;
      const port = capture.meta.tls ? t.relay.httpsPort! : t.relay.port;
      const reply = await send(t.relay.port, {
        method: capture.meta.method,
        path: capture.meta.path,
        headers,
        body: capture.body,
        tls: capture.meta.tls ? { port, ca } : undefined,
      });
      assert.strictEqual(reply.status, 200, reply.text);
      assert.deepStrictEqual(reply.json, { itemsReceived: capture.meta.items, itemsAccepted: capture.meta.items, errors: [] });
      const expectedTables = capture.meta.names.map((name) => TABLE_OF_TYPE[name.split('|')[1]]);
      const items = t.store.snapshot();
      assert.deepStrictEqual(
        items.map((item) => item.table),
        expectedTables,
      );
      assert.deepStrictEqual(countBy(items.map((item) => item.table)), countBy(expectedTables));
      const envelopes = JSON.parse(capture.body.toString('utf8')) as { time: string; tags: Record<string, string> }[];
      items.forEach((item, index) => {
        assert.strictEqual(item.role, envelopes[index].tags['ai.cloud.role']);
        assert.ok(
          Math.abs(item.time - Date.parse(envelopes[index].time.endsWith('Z') ? envelopes[index].time : `${envelopes[index].time}Z`)) < 1,
          `${item.time}`,
        );
      });
    });
  }
});
