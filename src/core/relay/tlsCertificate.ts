/**
 * The relay's TLS identity, for SDKs that insist on https (the Node SDKs turn http:// into
 * https://). There is no CA: the relay serves a self-signed leaf certificate (CA:false, names only
 * 127.0.0.1, ::1 and localhost), and apps trust that very certificate through NODE_EXTRA_CA_CERTS.
 * Its key therefore cannot vouch for any other name: a certificate for another host signed with it
 * is refused, because a CA:false certificate cannot issue certificates (tested in tls.test.ts).
 *
 * Certificates are short-lived (at most {@link LIFETIME_DAYS} days) and rotated before expiry
 * without breaking running apps: the trust file holds the serving certificate and the next one,
 * made in advance, so an app started before a rotation already trusts its successor. Generated
 * with `selfsigned` (never by hand); keys are 0600 in a 0700 folder. Plain Node: never import
 * `vscode` here.
 */
import { randomBytes, X509Certificate, createPrivateKey } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { loadCertificateRuntime } from '../lazy';
import { TLS_FILES } from './tlsFiles';

export interface TlsMaterial {
  /** PEM of the serving certificate and its key, for `https.createServer`. */
  readonly cert: string;
  readonly key: string;
  /** The file apps trust (NODE_EXTRA_CA_CERTS): the serving certificate and the next one. */
  readonly caCertPath: string;
  readonly certPath: string;
  /** True when a certificate was created (or rotated in) by this call. */
  readonly generated: boolean;
}

// In its own module so the extension's activation bundle can name the files without loading selfsigned.
export { TLS_FILES } from './tlsFiles';

/** The key of the CA earlier versions made: it could sign for any host, so it is deleted. */
const LEGACY_CA_KEY = 'relay-ca-key.pem';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest a certificate lives. */
export const LIFETIME_DAYS = 60;
/** The serving certificate is replaced by the next one once it has fewer days left than this. */
export const RENEW_DAYS = 20;
/** A first serving certificate lives half as long, so that it and the next one never expire together. */
const FIRST_LIFETIME_DAYS = LIFETIME_DAYS / 2;

interface LoadedPair {
  readonly cert: string;
  readonly key: string;
  readonly x509: X509Certificate;
}

/**
 * Loads the TLS files from `dir`, creating or rotating them when missing, invalid or near expiry.
 * Cheap when nothing changes, so a long-running relay may call it periodically.
 */
export async function ensureTlsMaterial(dir: string, now = Date.now()): Promise<TlsMaterial> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await fs.chmod(dir, 0o700);
  await fs.rm(path.join(dir, LEGACY_CA_KEY), { force: true });
  // Two relays may start at once on the same directory: write, re-read, and use what is on disk.
  let generated = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const serving = await loadPair(dir, TLS_FILES.cert, TLS_FILES.key);
    const next = await loadPair(dir, TLS_FILES.nextCert, TLS_FILES.nextKey);
    const servingOk = serving !== undefined && isUsable(serving, now, RENEW_DAYS);
    const nextOk =
      next !== undefined &&
      isUsable(next, now, RENEW_DAYS) &&
      (!serving || Date.parse(next.x509.validTo) > Date.parse(serving.x509.validTo));
    if (servingOk && nextOk) {
      const trust = `${serving!.cert.trim()}\n${next!.cert.trim()}\n`;
      if ((await readText(path.join(dir, TLS_FILES.caCert))) !== trust) {
        await writeAtomically(path.join(dir, TLS_FILES.caCert), trust, 0o644);
      }
      await tightenKeyModes(dir);
      return {
        cert: serving!.cert,
        key: serving!.key,
        caCertPath: path.join(dir, TLS_FILES.caCert),
        certPath: path.join(dir, TLS_FILES.cert),
        generated,
      };
    }
    if (servingOk) {
      // The next certificate is missing or spoilt: make one; the serving one stays.
      await writePair(dir, TLS_FILES.nextCert, TLS_FILES.nextKey, await createCertificate(now, LIFETIME_DAYS));
    } else if (nextOk) {
      // Rotation: the next certificate (trusted by every app started since it was made) serves now.
      await writePair(dir, TLS_FILES.cert, TLS_FILES.key, next!);
      await writePair(dir, TLS_FILES.nextCert, TLS_FILES.nextKey, await createCertificate(now, LIFETIME_DAYS));
    } else {
      await writePair(dir, TLS_FILES.cert, TLS_FILES.key, await createCertificate(now, FIRST_LIFETIME_DAYS));
      await writePair(dir, TLS_FILES.nextCert, TLS_FILES.nextKey, await createCertificate(now, LIFETIME_DAYS));
    }
    generated = true;
  }
  throw new Error(`Could not create a consistent TLS certificate in ${dir} (another process keeps replacing it).`);
}

/** A self-signed loopback leaf, valid now for at least `minRemainingDays`, with its own key. */
function isUsable(pair: LoadedPair, now: number, minRemainingDays: number): boolean {
  const x509 = pair.x509;
  return (
    !x509.ca &&
    Date.parse(x509.validFrom) <= now &&
    Date.parse(x509.validTo) - now >= minRemainingDays * DAY_MS &&
    Date.parse(x509.validTo) - Date.parse(x509.validFrom) <= (LIFETIME_DAYS + 2) * DAY_MS &&
    x509.subject === x509.issuer &&
    x509.verify(x509.publicKey) &&
    x509.checkIP('127.0.0.1') !== undefined &&
    x509.checkIP('::1') !== undefined &&
    x509.checkHost('localhost') !== undefined &&
    keyMatches(pair)
  );
}

function keyMatches(pair: LoadedPair): boolean {
  try {
    return pair.x509.checkPrivateKey(createPrivateKey(pair.key));
  } catch {
    return false;
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function loadPair(dir: string, certFile: string, keyFile: string): Promise<LoadedPair | undefined> {
  try {
    const [cert, key] = await Promise.all([fs.readFile(path.join(dir, certFile), 'utf8'), fs.readFile(path.join(dir, keyFile), 'utf8')]);
    return { cert, key, x509: new X509Certificate(cert) };
  } catch {
    return undefined;
  }
}

async function createCertificate(now: number, lifetimeDays: number): Promise<LoadedPair> {
  // selfsigned's X.509 stack is large: loaded only here, when the disk has no usable certificate.
  const pems = await loadCertificateRuntime().generate(
    [{ name: 'commonName', value: 'Azure Monitor for Python local relay (127.0.0.1)' }],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now - DAY_MS), // tolerate a clock slightly behind
      notAfterDate: new Date(now + lifetimeDays * DAY_MS),
      extensions: [
        // Not a CA: what this key signs is never a certificate anyone trusts.
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    },
  );
  return { cert: pems.cert, key: pems.private, x509: new X509Certificate(pems.cert) };
}

/** Key first, then certificate: a reader that sees the new certificate finds its key already there. */
async function writePair(dir: string, certFile: string, keyFile: string, pair: LoadedPair): Promise<void> {
  await writeAtomically(path.join(dir, keyFile), pair.key, 0o600);
  await writeAtomically(path.join(dir, certFile), pair.cert, 0o644);
}

/** Temp file with its final mode from the start, then rename: readers never see half a key. */
async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temporary, content, { mode, flag: 'wx' });
    await fs.chmod(temporary, mode); // the umask may have removed bits; never added any
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Key files copied or restored by hand may be readable by others: make them 0600 again. */
async function tightenKeyModes(dir: string): Promise<void> {
  if (process.platform === 'win32') {
    return;
  }
  for (const file of [TLS_FILES.key, TLS_FILES.nextKey]) {
    const full = path.join(dir, file);
    try {
      const stat = await fs.stat(full);
      if ((stat.mode & 0o077) !== 0) {
        await fs.chmod(full, 0o600);
      }
    } catch {
      // Missing now means another process is replacing it; the next start will check again.
    }
  }
}
