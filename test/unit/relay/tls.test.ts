import * as assert from 'assert';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import { spawn, spawnSync } from 'child_process';
import { createPublicKey } from 'crypto';
import * as https from 'https';
import * as path from 'path';
import * as tls from 'tls';
import { generate } from 'selfsigned';
import { ensureTlsMaterial, TLS_FILES } from '../../../src/core/relay';
import { CAPTURE_KEY, envelope, send, startRelay, tempDir } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

function peerFingerprint(port: number, ca: Buffer, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v2.1/track',
        ca,
        servername,
        agent: false,
        headers: { Host: `127.0.0.1:${port}`, 'Content-Length': 2 },
      },
      (response) => {
        resolve((response.socket as import('tls').TLSSocket).getPeerCertificate().fingerprint256);
        response.resume();
      },
    );
    request.on('error', reject);
    request.end('[]');
  });
}

function certificatesIn(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
}

/** A real TLS handshake: a local server presenting `identity`, a client trusting only `trust`. */
async function handshake(identity: { cert: string; key: string }, trust: Buffer, servername: string | undefined): Promise<string> {
  const server = tls.createServer(identity, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as import('net').AddressInfo).port;
    return await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: trust, servername }, () => {
        socket.end();
        resolve('ok');
      });
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}

function runPython(script: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('relay: TLS listener', function () {
  this.timeout(10000);

  it('serves https with a self-signed loopback certificate that apps trust directly, for 127.0.0.1 and localhost', async () => {
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
      const reply = await send(t.relay.port, {
        tls: { port: t.relay.httpsPort!, ca },
        body: JSON.stringify([envelope({ baseData: { message: 'over tls' } })]),
      });
      assert.strictEqual(reply.status, 200, reply.text);
      const viaLocalhost = await send(t.relay.port, {
        tls: { port: t.relay.httpsPort!, ca, host: 'localhost', servername: 'localhost' },
        host: `localhost:${t.relay.httpsPort}`,
        body: JSON.stringify([envelope()]),
      });
      assert.strictEqual(viaLocalhost.status, 200);
      assert.deepStrictEqual(
        t.store.snapshot().map((item) => item.message),
        ['over tls', 'hello'],
      );
      await assert.rejects(
        send(t.relay.port, { tls: { port: t.relay.httpsPort!, ca: Buffer.from('') }, body: '[]' }),
        /self-signed|unable to (get|verify)/i,
      );
      if (process.platform !== 'win32') {
        assert.strictEqual(fs.statSync(path.join(dir, TLS_FILES.key)).mode & 0o777, 0o600);
        assert.strictEqual(fs.statSync(path.join(dir, TLS_FILES.nextKey)).mode & 0o777, 0o600);
        assert.strictEqual(fs.statSync(dir).mode & 0o777, 0o700);
      }
      const trusted = certificatesIn(ca.toString());
      assert.strictEqual(trusted.length, 2, 'the serving certificate and the next one');
      for (const cert of trusted) {
        assert.strictEqual(cert.ca, false, 'no CA: nothing it signs is trusted');
        assert.ok(Date.parse(cert.validTo) - Date.now() <= 61 * DAY, `short-lived: ${cert.validTo}`);
        assert.strictEqual(cert.checkHost('management.azure.com'), undefined);
      }
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

  it('rotates before expiry to the next certificate, which apps started earlier already trust; replaces broken files', async () => {
    const dir = tempDir('relay-tls-renew-');
    fs.writeFileSync(path.join(dir, 'relay-ca-key.pem'), 'an old CA key that could sign for any host', { mode: 0o600 });
    const created = await ensureTlsMaterial(dir);
    assert.strictEqual(created.generated, true);
    assert.ok(!fs.existsSync(path.join(dir, 'relay-ca-key.pem')), 'the key of the old CA is deleted');
    const again = await ensureTlsMaterial(dir);
    assert.strictEqual(again.generated, false);
    assert.strictEqual(again.cert, created.cert);
    const trustBefore = fs.readFileSync(created.caCertPath, 'utf8');
    const rotated = await ensureTlsMaterial(dir, Date.now() + 15 * DAY);
    assert.strictEqual(rotated.generated, true);
    assert.notStrictEqual(rotated.cert, created.cert);
    assert.ok(
      certificatesIn(trustBefore).some((cert) => cert.raw.equals(new X509Certificate(rotated.cert).raw)),
      'an app that read the trust file before the rotation trusts the new certificate',
    );
    assert.ok(
      certificatesIn(fs.readFileSync(rotated.caCertPath, 'utf8')).some((cert) => cert.raw.equals(new X509Certificate(rotated.cert).raw)),
    );
    const later = await ensureTlsMaterial(dir, Date.now() + 16 * DAY);
    assert.strictEqual(later.generated, false, 'one rotation, then stable');
    fs.writeFileSync(path.join(dir, TLS_FILES.cert), 'garbage');
    fs.writeFileSync(path.join(dir, TLS_FILES.nextCert), 'garbage');
    const replaced = await ensureTlsMaterial(dir);
    assert.strictEqual(replaced.generated, true);
    assert.ok(
      certificatesIn(fs.readFileSync(replaced.caCertPath, 'utf8')).some((cert) => cert.raw.equals(new X509Certificate(replaced.cert).raw)),
    );
  });

  it("the relay's key cannot vouch for another host: certificates minted with it are refused by Node's TLS", async () => {
    const dir = tempDir('relay-tls-mint-');
    const material = await ensureTlsMaterial(dir);
    const trust = fs.readFileSync(material.caCertPath);
    // Every key the relay keeps, with the certificate it belongs to (`x-key.pem` → `x.pem`).
    const pairs = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('-key.pem'))
      .map((name) => ({
        name,
        key: fs.readFileSync(path.join(dir, name), 'utf8'),
        cert: fs.readFileSync(path.join(dir, name.replace('-key.pem', '.pem')), 'utf8'),
      }));
    assert.ok(pairs.length >= 1);
    const sans = [
      { type: 2 as const, value: 'management.azure.com' },
      { type: 7 as const, ip: '127.0.0.1' },
    ];
    const base = {
      keyType: 'ec' as const,
      curve: 'P-256' as const,
      algorithm: 'sha256' as const,
      notBeforeDate: new Date(Date.now() - DAY),
      notAfterDate: new Date(Date.now() + 10 * DAY),
    };
    for (const pair of pairs) {
      const keyPair = { privateKey: pair.key, publicKey: createPublicKey(pair.key).export({ type: 'spki', format: 'pem' }).toString() };
      const subject = new X509Certificate(pair.cert).subject.replace(/^CN=/, '');
      // Issued by the relay's certificate (signed with its key), for another host and for loopback.
      const issued = await generate([{ name: 'commonName', value: 'management.azure.com' }], {
        ...base,
        ca: { key: pair.key, cert: pair.cert },
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'subjectAltName', altNames: sans },
        ],
      });
      // Self-signed with the relay's own key pair and subject, as a leaf and as a CA.
      const sameKeyLeaf = await generate([{ name: 'commonName', value: subject }], {
        ...base,
        keyPair,
        extensions: [
          { name: 'basicConstraints', cA: false, critical: true },
          { name: 'subjectAltName', altNames: sans },
        ],
      });
      const sameKeyCa = await generate([{ name: 'commonName', value: subject }], {
        ...base,
        keyPair,
        extensions: [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
          { name: 'subjectAltName', altNames: sans },
        ],
      });
      for (const [label, cert, key] of [
        ['issued by the relay certificate', issued.cert, issued.private],
        ['self-signed with the relay key (leaf)', sameKeyLeaf.cert, pair.key],
        ['self-signed with the relay key (CA)', sameKeyCa.cert, pair.key],
      ] as const) {
        for (const servername of ['management.azure.com', undefined]) {
          await assert.rejects(
            handshake({ cert, key }, trust, servername),
            (error: Error) => /certificate|self[- ]signed|issuer|CA/i.test(error.message),
            `${pair.name}: ${label}, ${servername ?? '127.0.0.1'}`,
          );
        }
      }
    }
    // The relay's own certificate, with the same trust file, is accepted for 127.0.0.1 and localhost.
    assert.strictEqual(await handshake({ cert: material.cert, key: material.key }, trust, undefined), 'ok');
    assert.strictEqual(await handshake({ cert: material.cert, key: material.key }, trust, 'localhost'), 'ok');
  });

  it('Python requests (OpenSSL) trusts the self-signed certificate through the trust file, and refuses one minted for another host', async function () {
    const probe = spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' });
    if (probe.status !== 0) this.skip();
    const dir = tempDir('relay-tls-python-');
    const t = await startRelay({ httpsPort: 0, tlsDir: dir });
    try {
      const script =
        'import sys, requests\nr = requests.post(sys.argv[1], data=b"[]", verify=sys.argv[2], timeout=10)\nprint(r.status_code)';
      const url = `https://127.0.0.1:${t.relay.httpsPort}/v2.1/track`;
      const ok = await runPython(script, [url, t.relay.caCertPath!]);
      assert.strictEqual(ok.status, 0, ok.stderr);
      assert.match(ok.stdout.trim(), /^\d{3}$/);
    } finally {
      await t.relay.close();
    }
    const material = await ensureTlsMaterial(dir);
    const minted = await generate([{ name: 'commonName', value: 'management.azure.com' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      ca: { key: material.key, cert: material.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ],
    });
    const server = tls.createServer({ cert: minted.cert, key: minted.private }, (socket) =>
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as import('net').AddressInfo).port;
      const refused = await runPython('import sys, requests\nrequests.get(sys.argv[1], verify=sys.argv[2], timeout=10)', [
        `https://127.0.0.1:${port}/`,
        material.caCertPath,
      ]);
      assert.notStrictEqual(refused.status, 0);
      assert.match(refused.stderr, /SSLError|CERTIFICATE_VERIFY_FAILED/);
    } finally {
      server.close();
    }
  });

  it('keeps serving http when the https port is taken, saying why; refuses to start on a taken http port', async () => {
    const first = await startRelay({ httpsPort: false });
    try {
      const degraded = await startRelay({ httpsPort: first.relay.port, tlsDir: tempDir('relay-tls-taken-') });
      try {
        assert.strictEqual(degraded.relay.httpsUrl, undefined);
        assert.strictEqual(degraded.relay.caCertPath, undefined);
        assert.ok(
          degraded.logs.some((line) => line.level === 'error' && /HTTPS listener could not start.*already in use/.test(line.message)),
          JSON.stringify(degraded.logs),
        );
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
