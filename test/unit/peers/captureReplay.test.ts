/**
 * The real SDK requests in test/fixtures/captures (copies of shared/captures), replayed byte for
 * byte — original path (`//v2.1/track` as the Python SDKs send it), method, headers and body — to a
 * relay whose local key differs from the one the capture was made with. The only bytes changed are
 * the captured key, replaced by the relay's local key (same length, so the captured Content-Length
 * stays right), and the Host header, which must name this relay's port. The relay forwards through
 * a ForwardQueue to the fake ingestion server: every item arrives once, under the real key.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import type { TableName } from '../../../src/core/store';
import { CAPTURE_KEY, loadCaptures, send } from '../relay/helpers';
import { assertForwardedExactlyOnce, ForwardingRelay, startForwardingRelay } from './forwardingRelay';

const TABLE_OF_TYPE: Record<string, TableName> = {
  RequestData: 'requests',
  RemoteDependencyData: 'dependencies',
  MessageData: 'traces',
  ExceptionData: 'exceptions',
  EventData: 'customEvents',
  MetricData: 'customMetrics',
};

/** The capture's key (dashed and compact forms) replaced by `key`; everything else byte for byte. */
function withLocalKey(body: Buffer, key: string): Buffer {
  const text = body.toString('latin1');
  const compact = (value: string): string => value.replace(/-/g, '');
  const replaced = text.split(CAPTURE_KEY).join(key).split(compact(CAPTURE_KEY)).join(compact(key));
  return Buffer.from(replaced, 'latin1');
}

describe('peers: captured SDK requests replayed byte for byte to a relay that forwards', function () {
  this.timeout(60_000);
  const captures = loadCaptures();
  let setup: ForwardingRelay;
  let ca: Buffer;
  beforeEach(async () => {
    setup = await startForwardingRelay('peer-replay');
    ca = fs.readFileSync(setup.relay.caCertPath!);
  });
  afterEach(() => setup.close());

  it('has every captured client, Python ones included', () => {
    const clients = new Set(captures.map((capture) => capture.name.replace(/\.req\d+$/, '')));
    for (const client of [
      'py-opencensus-trace',
      'py-opencensus-logs',
      'py-opencensus-metrics',
      'py-otel-azure-exporter',
      'py-applicationinsights-legacy',
      'node-otel-azure-exporter',
      'node-applicationinsights-classic',
    ]) {
      assert.ok(clients.has(client), `capture of ${client}`);
    }
    assert.ok(
      captures.some((capture) => capture.meta.path === '//v2.1/track'),
      'a // path is replayed as is',
    );
  });

  it('accepts every capture, stores its items in the right tables, and forwards each item once with the real key', async () => {
    const expectedTables: TableName[] = [];
    for (const capture of captures) {
      assert.notStrictEqual(setup.relay.localKey, CAPTURE_KEY);
      const body = withLocalKey(capture.body, setup.relay.localKey);
      assert.strictEqual(body.length, capture.body.length, 'same length: the captured Content-Length still holds');
      assert.strictEqual(
        body.toString('latin1').split(setup.relay.localKey).join(CAPTURE_KEY),
        capture.body.toString('latin1'),
        'only the key changed',
      );
      const headers: Record<string, string> = { ...capture.meta.headers };
      delete headers.host; // send() names this relay's port, as the Host guard requires
      const tls = capture.meta.tls ? { port: setup.relay.httpsPort!, ca } : undefined;

      // With the capture's own key the relay refuses it: the substitution is what makes it ours.
      const foreign = await send(setup.relay.port, {
        method: capture.meta.method,
        path: capture.meta.path,
        headers,
        body: capture.body,
        tls,
      });
      assert.strictEqual(foreign.status, 403, `${capture.name} with a foreign key: ${foreign.text}`);

      const reply = await send(setup.relay.port, { method: capture.meta.method, path: capture.meta.path, headers, body, tls });
      assert.strictEqual(reply.status, 200, `${capture.name}: ${reply.text}`);
      assert.deepStrictEqual(
        reply.json,
        { itemsReceived: capture.meta.items, itemsAccepted: capture.meta.items, errors: [] },
        capture.name,
      );
      expectedTables.push(...capture.meta.names.map((name) => TABLE_OF_TYPE[name.split('|')[1]]));
    }
    const items = setup.store.snapshot();
    assert.deepStrictEqual(
      items.map((item) => item.table),
      expectedTables,
    );
    assert.strictEqual(
      setup.accepted.length,
      captures.reduce((sum, capture) => sum + capture.meta.items, 0),
    );

    const forwarded = await assertForwardedExactlyOnce(setup);
    const originals = captures.flatMap((capture) => JSON.parse(capture.body.toString('utf8')) as { iKey: string; name: string }[]);
    assert.deepStrictEqual(
      forwarded.map((envelope) => envelope.name),
      originals.map((envelope) => envelope.name),
      'forwarded in the order received, names intact',
    );
  });
});
