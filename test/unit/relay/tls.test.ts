import * as assert from 'assert';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { ensureTlsMaterial, TLS_FILES } from '../../../src/core/relay';
import { CAPTURE_KEY, envelope, send, startRelay, tempDir } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

function peerFingerprint(port: number, ca: Buffer, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/v2.1/track', ca, servername, agent: false, headers: { Host: `127.0.0.1:${port}`, 'Content-Length': 2 } }, (response) => {
      resolve((response.socket as import('tls').TLSSocket).getPeerCertificate().fingerprint256);
      response.resume();
    });
    request.on('error', reject);
    request.end('[]');
  });
}

describe('relay: TLS listener', function () {
  this.timeout(10000);

  it('serves https with a certificate the generated CA vouches for, for 127.0.0.1 and localhost', async () => {
    const dir = tempDir('relay-tls-');
    const t = await startRelay({ httpsPort: 0, tlsDir: dir });
    try {
      assert.match(t.relay.httpsUrl!, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      assert.notStrictEqual(t.relay.httpsPort, t.relay.port);
      assert.strictEqual(t.relay.caCertPath, path.join(dir, TLS_FILES.caCert));
      assert.strictEqual(
        t.relay.localHttpsConnectionString,
        `InstrumentationKey=${CAPTURE_KEY};IngestionEndpoint=https://127.0.0.1:${t.relay.httpsPort}/;LiveEndpoint=https://127.0.0.1:${t.relay.httpsPort}/`,
      );
      const ca = fs.readFileSync(t.relay.caCertPath!);
      const reply = await send(t.relay.port, { tls: { port: t.relay.httpsPort!, ca }, body: JSON.stringify([envelope({ baseData: { message: 'over tls' } })]) });
      assert.strictEqual(reply.status, 200, reply.text);
      const viaLocalhost = await send(t.relay.port, { tls: { port: t.relay.httpsPort!, ca, host: 'localhost', servername: 'localhost' }, host: `localhost:${t.relay.httpsPort}`, body: JSON.stringify([envelope()]) });
      assert.strictEqual(viaLocalhost.status, 200);
      assert.deepStrictEqual(t.store.snapshot().map((item) => item.message), ['over tls', 'hello']);
      await assert.rejects(send(t.relay.port, { tls: { port: t.relay.httpsPort!, ca: Buffer.from('') }, body: '[]' }), /self-signed|unable to (get|verify)/i);
      if (process.platform !== 'win32') {
        assert.strictEqual(fs.statSync(path.join(dir, TLS_FILES.key)).mode & 0o777, 0o600);
        assert.strictEqual(fs.statSync(path.join(dir, TLS_FILES.caKey)).mode & 0o777, 0o600);
        assert.strictEqual(fs.statSync(dir).mode & 0o777, 0o700);
      }
      const caCert = new X509Certificate(ca);
      assert.strictEqual(caCert.ca, true);
    } finally {
      await t.relay.close();
    }
  });

  it('reuses the certificate on the next start', async () => {
    const dir = tempDir('relay-tls-reuse-');
    const first = await startRelay({ httpsPort: 0, tlsDir: dir });
    const ca = fs.readFileSync(first.relay.caCertPath!);
    const firstPrint = await peerFingerprint(first.relay.httpsPort!, ca);
    const firstMtime = fs.statSync(path.join(dir, TLS_FILES.cert)).mtimeMs;
    await first.relay.close();
    const second = await startRelay({ httpsPort: 0, tlsDir: dir });
    try {
      assert.strictEqual(await peerFingerprint(second.relay.httpsPort!, ca), firstPrint);
      assert.strictEqual(fs.statSync(path.join(dir, TLS_FILES.cert)).mtimeMs, firstMtime);
      assert.deepStrictEqual(fs.readFileSync(second.relay.caCertPath!), ca);
    } finally {
      await second.relay.close();
    }
  });

  it('re-issues an expiring server certificate with the same CA, and replaces a broken CA', async () => {
    const dir = tempDir('relay-tls-renew-');
    const created = await ensureTlsMaterial(dir);
    assert.strictEqual(created.generated, true);
    const again = await ensureTlsMaterial(dir);
    assert.strictEqual(again.generated, false);
    assert.strictEqual(again.cert, created.cert);
    const caBefore = fs.readFileSync(created.caCertPath, 'utf8');
    const renewed = await ensureTlsMaterial(dir, Date.now() + 390 * DAY);
    assert.strictEqual(renewed.generated, true);
    assert.notStrictEqual(renewed.cert, created.cert);
    assert.strictEqual(fs.readFileSync(renewed.caCertPath, 'utf8'), caBefore, 'apps that trust the CA keep trusting the relay');
    assert.ok(new X509Certificate(renewed.cert).verify(new X509Certificate(caBefore).publicKey));
    fs.writeFileSync(path.join(dir, TLS_FILES.caCert), 'garbage');
    const replaced = await ensureTlsMaterial(dir);
    assert.strictEqual(replaced.generated, true);
    const newCa = new X509Certificate(fs.readFileSync(replaced.caCertPath));
    assert.ok(new X509Certificate(replaced.cert).checkIssued(newCa));
  });

  it('keeps serving http when the https port is taken, saying why; refuses to start on a taken http port', async () => {
    const first = await startRelay({ httpsPort: false });
    try {
      const degraded = await startRelay({ httpsPort: first.relay.port, tlsDir: tempDir('relay-tls-taken-') });
      try {
        assert.strictEqual(degraded.relay.httpsUrl, undefined);
        assert.strictEqual(degraded.relay.caCertPath, undefined);
        assert.ok(degraded.logs.some((line) => line.level === 'error' && /HTTPS listener could not start.*already in use/.test(line.message)), JSON.stringify(degraded.logs));
        assert.strictEqual((await send(degraded.relay.port, { body: JSON.stringify([envelope()]) })).status, 200);
      } finally {
        await degraded.relay.close();
      }
      await assert.rejects(startRelay({ port: first.relay.port }), new RegExp(`Port ${first.relay.port} on 127.0.0.1 is already in use`));
    } finally {
      await first.relay.close();
    }
  });

  it('can run without TLS', async () => {
    const t = await startRelay({ httpsPort: false });
    try {
      assert.strictEqual(t.relay.httpsUrl, undefined);
      assert.strictEqual(t.relay.httpsPort, undefined);
      assert.strictEqual(t.relay.caCertPath, undefined);
    } finally {
      await t.relay.close();
    }
  });
});
