/**
 * Shared by the relay tests: a relay on loopback with a sink the test controls, a raw HTTP client
 * (no URL parsing, so `//v2.1/track` goes out as is), and the captured SDK requests.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Envelope } from '../../../src/core/envelope';
import { RelayServer, RelayServerOptions } from '../../../src/core/relay';
import type { EnvelopeSink } from '../../../src/core/sink';
import { TelemetryStore } from '../../../src/core/store';

export const CAPTURE_KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const CAPTURES_DIR = path.join(REPO_ROOT, 'test/fixtures/captures');

/** A sink that records batches; `gate` (when set) decides when and how each accept settles. */
export class RecordingSink implements EnvelopeSink {
  readonly batches: Envelope[][] = [];
  gate: ((envelopes: readonly Envelope[]) => Promise<void>) | undefined;

  get items(): Envelope[] {
    return this.batches.flat();
  }

  async accept(envelopes: readonly Envelope[]): Promise<void> {
    if (this.gate) {
      await this.gate(envelopes);
    }
    this.batches.push([...envelopes]);
  }
}

export interface LogLine {
  level: string;
  message: string;
}

export interface TestRelay {
  relay: RelayServer;
  sink: RecordingSink;
  store: TelemetryStore;
  logs: LogLine[];
}

export async function startRelay(options: Partial<RelayServerOptions> = {}): Promise<TestRelay> {
  const sink = (options.sink as RecordingSink | undefined) ?? new RecordingSink();
  const store = options.store ?? new TelemetryStore();
  const logs: LogLine[] = [];
  const relay = await RelayServer.start({
    httpsPort: false,
    localKey: CAPTURE_KEY,
    ...options,
    sink,
    store,
    log: (level, message) => logs.push({ level, message }),
  });
  return { relay, sink, store, logs };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  /** A Buffer/string is sent with Content-Length; an array of chunks is sent chunked. */
  body?: string | Buffer | (string | Buffer)[];
  /** Defaults to http on relay.port. */
  tls?: { port: number; ca: string | Buffer; servername?: string; host?: string };
  /** Overrides the Host header (default 127.0.0.1:<port>). */
  host?: string | null;
}

export function send(port: number, options: SendOptions = {}): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const targetPort = options.tls?.port ?? port;
    const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
    if (options.host !== null) {
      headers.Host = options.host ?? `127.0.0.1:${targetPort}`;
    }
    const body = options.body;
    if (Array.isArray(body)) {
      headers['Transfer-Encoding'] = 'chunked';
    } else if (body !== undefined && headers['Content-Length'] === undefined && headers['content-length'] === undefined) {
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const common = {
      host: options.tls?.host ?? '127.0.0.1',
      port: targetPort,
      method: options.method ?? 'POST',
      path: options.path ?? '/v2.1/track',
      headers,
      agent: false as const,
      setHost: false,
    };
    const onResponse = (response: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
      response.on('error', reject);
    };
    const request = options.tls
      ? https.request({ ...common, ca: options.tls.ca, servername: options.tls.servername }, onResponse)
      : http.request(common, onResponse);
    request.on('error', reject);
    if (Array.isArray(body)) {
      for (const chunk of body) request.write(chunk);
      request.end();
    } else {
      request.end(body);
    }
  });
}

export function envelope(overrides: Partial<Envelope> & { baseType?: string; baseData?: Record<string, unknown> } = {}): Envelope {
  const { baseType = 'MessageData', baseData = { ver: 2, message: 'hello', severityLevel: 1 }, ...rest } = overrides;
  return {
    name: 'Microsoft.ApplicationInsights.Message',
    time: '2026-11-24T17:38:38.982998Z',
    iKey: CAPTURE_KEY,
    tags: { 'ai.cloud.role': 'tests' },
    data: { baseType, baseData },
    ...rest,
  };
}

export interface Capture {
  name: string;
  body: Buffer;
  meta: { tls: boolean; method: string; path: string; headers: Record<string, string>; items: number; names: string[] };
}

export function loadCaptures(filter: (name: string) => boolean = () => true): Capture[] {
  return fs
    .readdirSync(CAPTURES_DIR)
    .filter((file) => file.endsWith('.body.json'))
    .map((file) => file.replace(/\.body\.json$/, ''))
    .filter(filter)
    .sort()
    .map((name) => ({
      name,
      body: fs.readFileSync(path.join(CAPTURES_DIR, `${name}.body.json`)),
      meta: JSON.parse(fs.readFileSync(path.join(CAPTURES_DIR, `${name}.meta.json`), 'utf8')),
    }));
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** gzip of `size` zero bytes, built in 1 MiB slices so the test itself never holds the expanded data. */
export async function gzipBomb(size: number): Promise<Buffer> {
  const MiB = 1024 * 1024;
  const gzip = zlib.createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let written = 0; written < size; written += MiB) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await ended;
  return Buffer.concat(out);
}
