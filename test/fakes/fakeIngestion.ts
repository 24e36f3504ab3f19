/**
 * A fake Azure Monitor ingestion service ("Breeze", shared/protocol.md §1.5–1.6) on 127.0.0.1, for
 * tests and benchmarks. It takes what the real service takes (POST …/v2/track or …/v2.1/track, also
 * with `//`; a JSON array, NDJSON or one object; gzip, deflate or plain) and answers a TrackResponse.
 * It records every request and every accepted envelope, and fails on demand:
 *
 *   const fake = await FakeIngestion.start();
 *   fake.failFirst(2, 503);                                  // next two requests: 503
 *   fake.enqueue({ kind: 'status', status: 429, retryAfter: 1 });
 *   fake.enqueue({ kind: 'partial', codes: [200, 500, 400] }); // 206, per item
 *   fake.enqueue({ kind: 'redirect', location: regional.url }); // 307 to another fake
 *   fake.enqueue({ kind: 'reset' }, { kind: 'delay', ms: 500 }, { kind: 'down', ms: 1000 });
 *   fake.setPlan((request) => request.items.length > 100 ? { kind: 'status', status: 400 } : undefined);
 *   fake.setPlan((request) => request.items.some(isPoison) ? { kind: 'status', status: 400, wholeRequest: true } : undefined);
 *   await fake.waitForItems(10);
 *   fake.received();  // accepted envelopes, decoded, in arrival order
 *   await fake.close();
 *
 * Queued faults are used one per request, in order; when none is queued, the plan (if any) is asked;
 * otherwise the request is accepted. Test-only: never shipped.
 */
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import * as zlib from 'zlib';
import { FakeLiveMetrics } from './fakeLiveMetrics';
import { ConditionWaiters } from './conditionWaiters';

/** Loosely typed on purpose: the fake records whatever JSON arrived. */
export type FakeEnvelope = {
  iKey?: string;
  name?: string;
  time?: string;
  data?: { baseType?: string; baseData?: Record<string, unknown> };
  tags?: Record<string, string>;
  [key: string]: unknown;
};

export type Fault =
  /** Accept everything (200), as when no fault is queued. */
  | { readonly kind: 'accept' }
  /**
   * Answer this status for the whole batch (TrackResponse with one error per item); nothing is
   * accepted. `wholeRequest`: one error for the request instead (index 0), as the service answers
   * a body it refuses as a whole (say, for one item it cannot read): which item is bad is not said.
   */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfter?: number | string;
      readonly message?: string;
      readonly wholeRequest?: boolean;
    }
  /** 206: per-item status codes by index (200 = accepted; missing indexes are accepted). */
  | { readonly kind: 'partial'; readonly codes: readonly number[]; readonly messages?: readonly (string | undefined)[] }
  /** 307/308 with this Location; a bare origin gets the request's path appended. */
  | { readonly kind: 'redirect'; readonly location: string; readonly status?: 307 | 308 }
  /** Destroy the connection without an answer (after reading the body). */
  | { readonly kind: 'reset' }
  /** Answer after `ms` (with `then`, default accept). */
  | { readonly kind: 'delay'; readonly ms: number; readonly then?: Fault }
  /** Drop this connection, stop listening for `ms` (connections are refused), then listen again. */
  | { readonly kind: 'down'; readonly ms: number };

export type FaultPlan = (request: RecordedRequest, requestIndex: number) => Fault | undefined;

export interface RecordedRequest {
  /** 0-based, in arrival order. */
  readonly index: number;
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Bytes on the wire (before decompression). */
  readonly bytes: number;
  /** Decoded envelopes; empty when the body could not be read. */
  readonly items: FakeEnvelope[];
  /** The answer: an HTTP status, or 'reset' / 'down' when the connection was dropped. */
  status: number | 'reset' | 'down' | 'pending';
  /** Items the fake accepted from this request. */
  accepted: number;
}

export interface FakeIngestionOptions {
  /** Default 0: chosen by the OS. */
  readonly port?: number;
  /** When set, items with another iKey are refused per item (400 "Invalid instrumentation key"), like the service. */
  readonly expectKey?: string;
}

const TRACK_PATH = /\/v2(?:\.1)?\/track$/;

export class FakeIngestion {
  readonly port: number;
  /** `http://127.0.0.1:PORT/`: use as IngestionEndpoint. */
  readonly url: string;
  private readonly recorded: RecordedRequest[] = [];
  private readonly accepted: FakeEnvelope[] = [];
  private readonly faults: Fault[] = [];
  private plan: FaultPlan | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new ConditionWaiters('the fake ingestion server', () => this.closed);
  private downUntil = 0;
  private closed = false;
  /** Live Metrics (QuickPulse) on the same port: see fakeLiveMetrics.ts. */
  readonly live: FakeLiveMetrics;

  private constructor(
    private server: http.Server,
    private readonly options: FakeIngestionOptions,
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}/`;
    this.live = new FakeLiveMetrics(options.expectKey);
  }

  static async start(options: FakeIngestionOptions = {}): Promise<FakeIngestion> {
    const server = http.createServer();
    await listen(server, options.port ?? 0);
    const fake = new FakeIngestion(server, options);
    fake.attach(server);
    return fake;
  }

  /** `{url}v2.1/track`: where a client posts. */
  get trackUrl(): string {
    return `${this.url}v2.1/track`;
  }

  /** A connection string pointing at this fake (ingestion and Live Metrics). */
  connectionString(instrumentationKey: string): string {
    return `InstrumentationKey=${instrumentationKey};IngestionEndpoint=${this.url};LiveEndpoint=${this.url}`;
  }

  /** Accepted envelopes (200, and the accepted part of 206), in arrival order. */
  received(): FakeEnvelope[] {
    return [...this.accepted];
  }

  requests(): RecordedRequest[] {
    return [...this.recorded];
  }

  /** Faults for the next requests, one each, in order. */
  enqueue(...faults: Fault[]): this {
    this.faults.push(...faults);
    return this;
  }

  /** The next `count` requests get `status` (default 503), optionally with Retry-After. */
  failFirst(count: number, status = 503, retryAfter?: number | string): this {
    for (let index = 0; index < count; index++) this.faults.push({ kind: 'status', status, retryAfter });
    return this;
  }

  /** Asked for every request when no queued fault is left; undefined accepts. */
  setPlan(plan: FaultPlan | undefined): this {
    this.plan = plan;
    return this;
  }

  clearFaults(): this {
    this.faults.length = 0;
    this.plan = undefined;
    return this;
  }

  /** Forgets recorded requests and envelopes (faults stay). */
  reset(): void {
    this.recorded.length = 0;
    this.accepted.length = 0;
  }

  async waitForItems(count: number, timeoutMs = 10_000): Promise<FakeEnvelope[]> {
    await this.waitFor(
      () => this.accepted.length >= count,
      timeoutMs,
      () => `${this.accepted.length} of ${count} items arrived`,
    );
    return this.received();
  }

  async waitForRequests(count: number, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    await this.waitFor(
      () => this.recorded.filter((request) => request.status !== 'pending').length >= count,
      timeoutMs,
      () => `${this.recorded.length} of ${count} requests answered`,
    );
    return this.requests();
  }

  /** Refuses connections for `ms` (open connections are dropped), then listens again on the same port. */
  async goDown(ms: number): Promise<void> {
    this.downUntil = Date.now() + ms;
    const old = this.server;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => old.close(() => resolve()));
    setTimeout(() => {
      if (this.closed) return;
      const server = http.createServer();
      this.server = server;
      this.attach(server);
      listen(server, this.port).catch(() => undefined);
    }, ms).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
    this.waiters.notify();
    this.live.close();
  }

  private attach(server: http.Server): void {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request, response) => void this.handle(request, response));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const raw = await readAll(request).catch(() => undefined);
    if (raw === undefined) return;
    const path = request.url ?? '';
    if (FakeLiveMetrics.matches(path)) {
      // Live Metrics is answered by its own half and never recorded with the track requests.
      let text: string;
      try {
        text = decode(raw, String(request.headers['content-encoding'] ?? ''));
      } catch {
        text = '';
      }
      await this.live.handle(request, response, text);
      return;
    }
    const record: RecordedRequest = {
      index: this.recorded.length,
      at: Date.now(),
      method: request.method ?? '',
      path,
      headers: request.headers,
      bytes: raw.length,
      items: [],
      status: 'pending',
      accepted: 0,
    };
    this.recorded.push(record);
    if (request.method !== 'POST' || !TRACK_PATH.test(path.split('?')[0])) {
      this.answer(record, response, request.method !== 'POST' ? 405 : 404, trackResponse(0, 0, []));
      return;
    }
    let items: FakeEnvelope[];
    try {
      items = parseItems(decode(raw, String(request.headers['content-encoding'] ?? '')));
    } catch (error) {
      this.answer(
        record,
        response,
        400,
        trackResponse(0, 0, [{ index: 0, statusCode: 400, message: `Invalid body: ${(error as Error).message}` }]),
      );
      return;
    }
    record.items.push(...items);
    const fault = this.faults.shift() ?? this.plan?.(record, record.index) ?? { kind: 'accept' };
    await this.apply(fault, record, request, response);
  }

  private async apply(fault: Fault, record: RecordedRequest, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const items = record.items;
    switch (fault.kind) {
      case 'accept':
        return this.acceptItems(
          record,
          response,
          items.map(() => 200),
          [],
        );
      case 'partial':
        return this.acceptItems(
          record,
          response,
          items.map((_, index) => fault.codes[index] ?? 200),
          fault.messages ?? [],
          true,
        );
      case 'status': {
        const message = fault.message ?? http.STATUS_CODES[fault.status] ?? 'Error';
        const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) };
        const errors = fault.wholeRequest
          ? [{ index: 0, statusCode: fault.status, message }]
          : items.map((_, index) => ({ index, statusCode: fault.status, message }));
        return this.answer(record, response, fault.status, trackResponse(items.length, 0, errors), headers);
      }
      case 'redirect': {
        const location = /^https?:\/\/[^/]+\/?$/.test(fault.location)
          ? `${fault.location.replace(/\/$/, '')}${record.path}`
          : fault.location;
        return this.answer(record, response, fault.status ?? 307, '', { Location: location });
      }
      case 'reset':
        record.status = 'reset';
        request.socket.destroy();
        this.notify();
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return this.apply(fault.then ?? { kind: 'accept' }, record, request, response);
      case 'down':
        record.status = 'down';
        this.notify();
        await this.goDown(fault.ms);
        return;
    }
  }

  /** Per-item codes: 200 accepted, others refused; the key check of the real service applies too. */
  private acceptItems(
    record: RecordedRequest,
    response: http.ServerResponse,
    codes: number[],
    messages: readonly (string | undefined)[],
    forcePartial = false,
  ): void {
    const errors: { index: number; statusCode: number; message: string }[] = [];
    record.items.forEach((item, index) => {
      let code = codes[index];
      let message = messages[index];
      if (code === 200 && this.options.expectKey !== undefined && item.iKey !== this.options.expectKey) {
        code = 400;
        message = 'Invalid instrumentation key';
      }
      if (code === 200) {
        this.accepted.push(item);
        record.accepted++;
      } else {
        errors.push({ index, statusCode: code, message: message ?? http.STATUS_CODES[code] ?? 'Error' });
      }
    });
    const status = errors.length === 0 ? 200 : record.accepted === 0 && !forcePartial ? 400 : 206;
    this.answer(record, response, status, trackResponse(record.items.length, record.accepted, errors));
  }

  private answer(
    record: RecordedRequest,
    response: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    record.status = status;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
    this.notify();
  }

  private notify(): void {
    this.waiters.notify();
  }

  private waitFor(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    return this.waiters.waitFor(done, timeoutMs, describe);
  }

  /** True while a `down` fault or goDown() keeps the listener closed. */
  get isDown(): boolean {
    return Date.now() < this.downUntil;
  }
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function readAll(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    request.on('aborted', () => reject(new Error('aborted')));
  });
}

function decode(raw: Buffer, encoding: string): string {
  const coding = encoding.trim().toLowerCase();
  if (coding === 'gzip') return zlib.gunzipSync(raw).toString('utf8');
  if (coding === 'deflate') return zlib.inflateSync(raw).toString('utf8');
  if (coding === '' || coding === 'identity') return raw.toString('utf8');
  throw new Error(`unsupported Content-Encoding ${coding}`);
}

/** A JSON array, one object, or NDJSON. */
export function parseItems(text: string): FakeEnvelope[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as FakeEnvelope[];
  if (!trimmed.includes('\n')) return [JSON.parse(trimmed) as FakeEnvelope];
  return trimmed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FakeEnvelope);
}

function trackResponse(
  received: number,
  accepted: number,
  errors: { index: number; statusCode: number; message: string }[],
): { itemsReceived: number; itemsAccepted: number; errors: typeof errors } {
  return { itemsReceived: received, itemsAccepted: accepted, errors };
}
