/**
 * The relay's TLS identity, for SDKs that insist on https (the Node SDKs turn http:// into
 * https://). A small local CA signs a server certificate for 127.0.0.1, ::1 and localhost; the app
 * trusts the CA through NODE_EXTRA_CA_CERTS. Both are generated once (with `selfsigned`, never by
 * hand) and reused while valid, so the path handed to apps stays trustworthy across restarts; when
 * only the server certificate expires it is re-issued by the same CA. Keys are written 0600.
 * Plain Node: never import `vscode` here.
 */
import { randomBytes, X509Certificate, createPrivateKey } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  /** PEM of the server certificate and its key, for `https.createServer`. */
  readonly cert: string;
  readonly key: string;
  /** The CA certificate file to trust (NODE_EXTRA_CA_CERTS). */
  readonly caCertPath: string;
  readonly certPath: string;
  /** True when the files were created (or the server certificate re-issued) by this call. */
  readonly generated: boolean;
}

export const TLS_FILES = {
  caCert: 'relay-ca.pem',
  caKey: 'relay-ca-key.pem',
  cert: 'relay-server.pem',
  key: 'relay-server-key.pem',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_LIFETIME_DAYS = 5 * 365;
const SERVER_LIFETIME_DAYS = 397;
/** Renew ahead of expiry so a long-running window never serves an expired certificate. */
const CA_MIN_REMAINING_DAYS = 60;
const SERVER_MIN_REMAINING_DAYS = 14;

interface LoadedPair {
  readonly cert: string;
  readonly key: string;
  readonly x509: X509Certificate;
}

/** Loads the TLS files from `dir`, creating or renewing them when missing, invalid or near expiry. */
export async function ensureTlsMaterial(dir: string, now = Date.now()): Promise<TlsMaterial> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // Two relays may start at once on the same directory: write, re-read, and use what is on disk.
  let generated = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const ca = await loadPair(dir, TLS_FILES.caCert, TLS_FILES.caKey);
    const caUsable = ca !== undefined && isUsableCa(ca, now);
    const server = caUsable ? await loadPair(dir, TLS_FILES.cert, TLS_FILES.key) : undefined;
    if (caUsable && server && isUsableServer(server, ca!.x509, now)) {
      await tightenKeyModes(dir);
      return { cert: server.cert, key: server.key, caCertPath: path.join(dir, TLS_FILES.caCert), certPath: path.join(dir, TLS_FILES.cert), generated };
    }
    const authority = caUsable ? ca! : await createAuthority(dir, now);
    await createServerCertificate(dir, authority, now);
    generated = true;
  }
  throw new Error(`Could not create a consistent TLS certificate in ${dir} (another process keeps replacing it).`);
}

function isUsableCa(ca: LoadedPair, now: number): boolean {
  return ca.x509.ca && validFor(ca.x509, now, CA_MIN_REMAINING_DAYS) && keyMatches(ca);
}

function isUsableServer(server: LoadedPair, ca: X509Certificate, now: number): boolean {
  const x509 = server.x509;
  return (
    validFor(x509, now, SERVER_MIN_REMAINING_DAYS) &&
    x509.checkIssued(ca) &&
    x509.verify(ca.publicKey) &&
    x509.checkIP('127.0.0.1') !== undefined &&
    x509.checkIP('::1') !== undefined &&
    x509.checkHost('localhost') !== undefined &&
    keyMatches(server)
  );
}

function validFor(x509: X509Certificate, now: number, minRemainingDays: number): boolean {
  return Date.parse(x509.validFrom) <= now && Date.parse(x509.validTo) - now >= minRemainingDays * DAY_MS;
}

function keyMatches(pair: LoadedPair): boolean {
  try {
    return pair.x509.checkPrivateKey(createPrivateKey(pair.key));
  } catch {
    return false;
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

async function createAuthority(dir: string, now: number): Promise<LoadedPair> {
  const pems = await generate([{ name: 'commonName', value: 'Azure Monitor for Python local relay CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS), // tolerate a clock slightly behind
    notAfterDate: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  await writeAtomically(path.join(dir, TLS_FILES.caKey), pems.private, 0o600);
  await writeAtomically(path.join(dir, TLS_FILES.caCert), pems.cert, 0o644);
  return { cert: pems.cert, key: pems.private, x509: new X509Certificate(pems.cert) };
}

async function createServerCertificate(dir: string, authority: LoadedPair, now: number): Promise<void> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + SERVER_LIFETIME_DAYS * DAY_MS),
    ca: { key: authority.key, cert: authority.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  await writeAtomically(path.join(dir, TLS_FILES.key), pems.private, 0o600);
  await writeAtomically(path.join(dir, TLS_FILES.cert), pems.cert, 0o644);
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
  for (const file of [TLS_FILES.caKey, TLS_FILES.key]) {
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
