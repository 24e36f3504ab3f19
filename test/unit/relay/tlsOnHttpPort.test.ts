/**
 * TLS on the HTTP port: the Node SDKs turn the relay's plain connection string (the one terminals
 * get) into https on the same port. Plain HTTP must keep working on that port, with its timeouts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import type { ClassicPeerReport } from '../../peers-fixtures/classicPeer';
import type { OtelPeerReport } from '../../peers-fixtures/otelExporterPeer';
import { assertClassicItems } from '../peers/classic.test';
import { assertOtelItems } from '../peers/otelExporter.test';
import { newRunId, runPeer } from '../peers/peerProcess';
import { envelope, send, startRelay, TestRelay } from './helpers';

describe('relay: TLS and plain HTTP on the same port', function () {
  this.timeout(90_000);
  let t: TestRelay;

  beforeEach(async () => {
    t = await startRelay({ httpsPort: 0, limits: { headersTimeoutMs: 1500 } });
  });
  afterEach(async () => {
    await t.relay.close();
  });

  it('answers https on the HTTP port with the relay certificate, and plain http next to it', async () => {
    const ca = fs.readFileSync(t.relay.caCertPath!);
    const overTls = await send(t.relay.port, {
      body: JSON.stringify([envelope({ baseData: { ver: 2, message: 'tls' } })]),
      tls: { port: t.relay.port, ca },
    });
    assert.strictEqual(overTls.status, 200, overTls.text);
    const plain = await send(t.relay.port, { body: JSON.stringify([envelope({ baseData: { ver: 2, message: 'plain' } })]) });
    assert.strictEqual(plain.status, 200, plain.text);
    assert.deepStrictEqual(
      t.sink.items.map((item) => item.data?.baseData?.message),
      ['tls', 'plain'],
    );
  });

  it('still refuses a foreign Host over TLS on the HTTP port', async () => {
    const ca = fs.readFileSync(t.relay.caCertPath!);
    const reply = await send(t.relay.port, {
      body: JSON.stringify([envelope()]),
      tls: { port: t.relay.port, ca, servername: 'localhost' },
      host: 'evil.example',
    });
    assert.strictEqual(reply.status, 403);
  });

  it('closes a connection that never sends a byte', async () => {
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: t.relay.port });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    assert.ok(Date.now() - started < 10_000, `closed after ${Date.now() - started} ms`);
  });

  it('the real Node SDKs reach the relay with only the plain connection string and NODE_EXTRA_CA_CERTS', async () => {
    const otel = await runPeer<OtelPeerReport>('otelExporterPeer', t.relay, newRunId(), 'http-string');
    assertOtelItems(t.store.snapshot(), otel);
    t.store.clear();
    const classic = await runPeer<ClassicPeerReport>('classicPeer', t.relay, newRunId(), 'http-string');
    assertClassicItems(t.store.snapshot(), classic);
  });
});
