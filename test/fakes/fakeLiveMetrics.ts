/**
 * The Live Metrics (QuickPulse) half of the fake Azure Monitor service, mounted by FakeIngestion
 * on its own port (`fake.live`): `POST …/QuickPulseService.svc/ping|post` (any case, any
 * api-version), answered as the service does — `x-ms-qps-subscribed`, the configuration ETag and
 * body (a CollectionConfigurationInfo), a polling hint, and on demand
 * `x-ms-qps-service-endpoint-redirect-v2`:
 *
 *   const fake = await FakeIngestion.start({ expectKey: REAL_KEY }); // LiveEndpoint = fake.url
 *   fake.live.setSubscribed(true);                // "the portal is watching"
 *   fake.live.setConfiguration({ ETag: 'e1', Metrics: [...], DocumentStreams: [...] });
 *   fake.live.redirectNextPing(regional.url);     // the next ping answer moves the client there
 *   fake.live.enqueue({ kind: 'status', status: 503 }, { kind: 'hold' }); // hold: until releaseHeld()
 *   await fake.live.waitFor((r) => r.operation === 'post', 1);
 *
 * With `expectKey`, a request whose `ikey` query or any `InstrumentationKey` field differs gets 403.
 * Test-only: never shipped.
 */
import type * as http from 'http';
import { ConditionWaiters } from './conditionWaiters';

export type LiveOperation = 'ping' | 'post';

export interface LiveRecordedRequest {
  readonly index: number;
  readonly at: number;
  readonly operation: LiveOperation;
  /** The request target as received (path and query). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (a data point for ping, an array of them for post). */
  readonly body: unknown;
  status: number | 'reset' | 'pending';
}

export interface LiveConfiguration {
  readonly ETag: string;
  readonly Metrics: readonly unknown[];
  readonly DocumentStreams: readonly unknown[];
  readonly QuotaInfo?: unknown;
}

export type LiveFault =
  | { readonly kind: 'status'; readonly status: number; readonly message?: string }
  | { readonly kind: 'delay'; readonly ms: number }
  /** No answer until releaseHeld() or close(). */
  | { readonly kind: 'hold' }
  | { readonly kind: 'reset' };

const LIVE_PATH = /\/quickpulseservice\.svc\/(ping|post)$/i;
export const EMPTY_LIVE_CONFIGURATION: LiveConfiguration = { ETag: 'fake-empty', Metrics: [], DocumentStreams: [], QuotaInfo: null };

export class FakeLiveMetrics {
  private subscribed = false;
  private configuration: LiveConfiguration = EMPTY_LIVE_CONFIGURATION;
  private redirect: string | undefined;
  private pollingHintMs: number | undefined = 5000;
  private readonly faults: LiveFault[] = [];
  private readonly recorded: LiveRecordedRequest[] = [];
  private readonly waiters = new ConditionWaiters('the fake live endpoint', () => this.closed);
  private readonly held = new Set<() => void>();
  private closed = false;

  constructor(private readonly expectKey?: string) {}

  /** True when `path` (without query) is a Live Metrics route this fake answers. */
  static matches(path: string): boolean {
    return LIVE_PATH.test(path.split('?')[0]);
  }

  /** "The portal is watching" (true) or not (false, the default). */
  setSubscribed(subscribed: boolean): this {
    this.subscribed = subscribed;
    return this;
  }

  /** The portal's filters, derived metrics and document streams, as the service sends them. */
  setConfiguration(configuration: LiveConfiguration): this {
    this.configuration = configuration;
    return this;
  }

  /** undefined: no hint header. */
  setPollingHint(ms: number | undefined): this {
    this.pollingHintMs = ms;
    return this;
  }

  /** The next ping's answer carries `x-ms-qps-service-endpoint-redirect-v2: <target>`. */
  redirectNextPing(target: string): this {
    this.redirect = target;
    return this;
  }

  /** Faults for the next live requests, one each, in order. */
  enqueue(...faults: LiveFault[]): this {
    this.faults.push(...faults);
    return this;
  }

  requests(): LiveRecordedRequest[] {
    return [...this.recorded];
  }

  pings(): LiveRecordedRequest[] {
    return this.recorded.filter((request) => request.operation === 'ping');
  }

  posts(): LiveRecordedRequest[] {
    return this.recorded.filter((request) => request.operation === 'post');
  }

  reset(): void {
    this.recorded.length = 0;
  }

  /** Resolves once `count` answered requests match. */
  async waitFor(match: (request: LiveRecordedRequest) => boolean, count = 1, timeoutMs = 20_000): Promise<LiveRecordedRequest[]> {
    const found = (): LiveRecordedRequest[] => this.recorded.filter((request) => request.status !== 'pending' && match(request));
    await this.waitUntil(
      () => found().length >= count,
      timeoutMs,
      () => `${found().length} of ${count} matching live requests (${this.recorded.length} in all)`,
    );
    return found();
  }

  /** Resolves once `count` requests wait on a `hold` fault. */
  waitForHeld(count: number, timeoutMs = 20_000): Promise<void> {
    return this.waitUntil(
      () => this.held.size >= count,
      timeoutMs,
      () => `${this.held.size} of ${count} live requests held`,
    );
  }

  private waitUntil(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    return this.waiters.waitFor(done, timeoutMs, describe);
  }

  /** Requests waiting on a `hold` fault. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Lets every held request be answered. */
  releaseHeld(): void {
    for (const release of [...this.held]) release();
    this.held.clear();
  }

  close(): void {
    this.closed = true;
    this.releaseHeld();
    this.waiters.notify();
  }

  /** Called by FakeIngestion for a Live Metrics path with the whole (decoded) body. */
  async handle(request: http.IncomingMessage, response: http.ServerResponse, text: string): Promise<void> {
    const target = request.url ?? '';
    const [path, rawQuery = ''] = target.split('?');
    const operation = (LIVE_PATH.exec(path)?.[1].toLowerCase() ?? 'ping') as LiveOperation;
    const query = new URLSearchParams(rawQuery);
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const record: LiveRecordedRequest = {
      index: this.recorded.length,
      at: Date.now(),
      operation,
      path: target,
      query,
      headers: request.headers,
      body,
      status: 'pending',
    };
    this.recorded.push(record);
    if (request.method !== 'POST') return this.answer(record, response, 405, { Message: 'POST only' });
    const keyProblem = this.keyProblem(query, body);
    if (keyProblem) return this.answer(record, response, 403, { Code: 'InvalidInstrumentationKey', Message: keyProblem });
    const fault = this.faults.shift();
    if (fault?.kind === 'status') return this.answer(record, response, fault.status, { Message: fault.message ?? 'fault' });
    if (fault?.kind === 'reset') {
      record.status = 'reset';
      request.socket.destroy();
      this.notify();
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'hold') {
      await new Promise<void>((resolve) => {
        this.held.add(resolve);
        this.notify();
      });
    }
    const headers: Record<string, string> = {
      'x-ms-qps-subscribed': String(this.subscribed),
      'x-ms-qps-configuration-etag': this.configuration.ETag,
    };
    if (operation === 'ping' && this.pollingHintMs !== undefined)
      headers['x-ms-qps-service-polling-interval-hint'] = String(this.pollingHintMs);
    if (operation === 'ping' && this.redirect) {
      headers['x-ms-qps-service-endpoint-redirect-v2'] = this.redirect;
      this.redirect = undefined;
    }
    this.answer(record, response, 200, this.configuration, headers);
  }

  private keyProblem(query: URLSearchParams, body: unknown): string | undefined {
    if (this.expectKey === undefined) return undefined;
    const ikey = [...query].find(([name]) => name.toLowerCase() === 'ikey')?.[1];
    if (ikey !== this.expectKey) return `ikey ${ikey ?? '(none)'} is not this resource's key`;
    for (const point of Array.isArray(body) ? body : [body]) {
      if (typeof point !== 'object' || point === null) continue;
      for (const [name, value] of Object.entries(point as Record<string, unknown>)) {
        if (name.toLowerCase() === 'instrumentationkey' && value !== this.expectKey)
          return `InstrumentationKey ${String(value)} is not this resource's key`;
      }
    }
    return undefined;
  }

  private answer(
    record: LiveRecordedRequest,
    response: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    record.status = status;
    const text = JSON.stringify(body);
    if (!response.destroyed) {
      response.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        ...headers,
      });
      response.end(text);
    }
    this.notify();
  }

  private notify(): void {
    this.waiters.notify();
  }
}
