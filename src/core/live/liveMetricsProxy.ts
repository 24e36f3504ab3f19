/**
 * The relay's Live Metrics (QuickPulse) proxy. While forwarding, each `ping`/`post` an app sends to
 * the relay goes on to the LiveEndpoint of the stored connection string, with the real key in the
 * `ikey` query and every `InstrumentationKey` field, the app's `x-ms-qps-*` headers, and a bearer
 * token when Entra ID is on; the service's answer (subscribed, configuration ETag and body, polling
 * hint) goes back to the app with the real key taken out. The relay follows
 * `x-ms-qps-service-endpoint-redirect-v2` itself (Azure hosts only), so the app keeps talking to it.
 *
 * The app is told "subscribed" when the portal watches OR the panel's Live view is open. While only
 * the panel watches, the app posts every second but the service hears what it would hear from an
 * unwatched app: a ping per polling interval (sent in the background, built from the post).
 *
 * Best effort, as in the SDKs: nothing is queued or retried; its own undici pool with short
 * timeouts and a cap on requests in flight, so a slow or failing live endpoint costs the app one
 * short wait on its live requests and never touches the track path; failures are counted for the
 * forwarding strip and the app gets a local answer instead. Plain Node: never import `vscode` here.
 */
import type { Disposable } from '../../shared/lifecycle';
import type { IncomingHttpHeaders } from 'http';
import type { Dispatcher } from 'undici';
import { loadUndiciRuntime } from '../lazy';
import type { ConnectionString } from '../connectionString';
import { ForwardLogRedactor } from '../forward/logRedaction';
import { isLoopbackHost } from '../forward/redirectPolicy';
import { compactKey } from '../forward/keyRewrite';
import { StatsFeed } from '../forward/statsFeed';
import { describeNetworkError } from '../forward/transport';
import { QUICKPULSE_CONFIGURATION, QUICKPULSE_ETAG, QUICKPULSE_POLLING_INTERVAL_HINT_MS } from '../relay/quickPulseHandler';
import type { RelayLog } from '../../shared/lifecycle';
import { decideLiveRedirect } from './liveRedirect';

export type LiveOperation = 'ping' | 'post';

/** One app request, already checked and parsed by the relay. */
export interface LiveExchange {
  readonly operation: LiveOperation;
  /** The path's tail as the app spelled it, e.g. `QuickPulseService.svc/ping`. */
  readonly pathTail: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body: one MonitoringDataPoint (ping) or an array of them (post). */
  readonly body: unknown;
}

/** What the relay sends back to the app. */
export interface LiveAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, or '' for no body. */
  readonly body: string;
}

/** The part of the proxy the relay uses: undefined means "not forwarding, answer locally". */
export interface LiveUpstream {
  exchange(exchange: LiveExchange): Promise<LiveAnswer | undefined>;
}

export interface LiveProxyStats {
  /** off: not forwarding (local-only); ok: the last exchange worked; failing: the last one failed. */
  readonly state: 'off' | 'idle' | 'ok' | 'failing';
  /** Requests the live endpoint answered with 200. */
  readonly sent: number;
  /** Requests that failed (status, network, timeout, token); never retried. */
  readonly failed: number;
  /** App requests answered locally because too many were already waiting on the live endpoint. */
  readonly skipped: number;
  /** The portal's Live Metrics is watching at least one app (the service said "subscribed" lately). */
  readonly portalWatching: boolean;
  /** Redacted; never contains a key. */
  readonly lastError?: string;
  readonly lastErrorAt?: number;
  /** Where live requests go now (after a redirect: the regional host). */
  readonly endpoint?: string;
}

export interface LiveMetricsProxyOptions {
  /** The relay's session key: what the app sends, and what it gets back instead of the real key. */
  readonly localKey: string;
  readonly connectionString?: ConnectionString;
  /** Entra ID token (read at each request); sent as `Authorization: Bearer`. */
  readonly getToken?: () => Promise<string | undefined>;
  readonly proxyUrl?: string;
  readonly log?: RelayLog;
  /** Connect timeout (default 3 s). */
  readonly connectTimeoutMs?: number;
  /** Whole request (default 5 s): the app waits at most this long for an answer. */
  readonly requestTimeoutMs?: number;
  /** Requests waiting on the live endpoint at once (default 8); beyond, apps get a local answer. */
  readonly maxInFlight?: number;
  readonly now?: () => number;
}

/** The SDKs' ping interval when the service gives no hint. */
export const DEFAULT_PING_INTERVAL_MS = QUICKPULSE_POLLING_INTERVAL_HINT_MS;
/** "The portal is watching" holds this long after the service last said so (its post cadence is 1 s). */
const PORTAL_WATCH_TTL_MS = 15_000;
/** A configuration is a few KiB; a bigger answer is not a Live Metrics answer. */
const MAX_ANSWER_BYTES = 256 * 1024;
const MAX_STREAMS = 256;
const USER_AGENT = 'azure-monitor-python-relay/0.1';
const DATA_ONLY_FIELDS = new Set(['metrics', 'documents', 'topcpuprocesses', 'collectionconfigurationerrors']);

/** What the service last said to one app instance (one QuickPulse stream). */
interface StreamState {
  subscribed: boolean;
  /** The last configuration the service sent: its ETag and the body as the app should get it. */
  config?: { readonly etag: string; readonly body: string };
  hintMs?: number;
  lastContactAt: number;
  lastSubscribedAt: number;
  lastSeenAt: number;
}

type Outcome = { readonly ok: true; readonly answer: LiveAnswer } | { readonly ok: false };

export class LiveMetricsProxy implements LiveUpstream {
  private connectionString: ConnectionString | undefined;
  private endpoint: string | undefined;
  private panelWatching = false;
  private paused = false;
  private readonly streams = new Map<string, StreamState>();
  /** Made on the first request to the service: a local-only relay never loads undici. */
  private dispatcher: Dispatcher | undefined;
  private readonly connectTimeoutMs: number;
  private readonly controllers = new Set<AbortController>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly counters = { sent: 0, failed: 0, skipped: 0 };
  private lastOk: boolean | undefined;
  private lastError: string | undefined;
  private lastErrorAt: number | undefined;
  private readonly redactor = new ForwardLogRedactor();
  private readonly feed = new StatsFeed<LiveProxyStats>(() => this.stats());
  private closed = false;
  private readonly localKey: string;
  private readonly now: () => number;
  private readonly requestTimeoutMs: number;
  private readonly maxInFlight: number;

  constructor(private readonly options: LiveMetricsProxyOptions) {
    this.localKey = options.localKey.toLowerCase();
    this.now = options.now ?? Date.now;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.maxInFlight = options.maxInFlight ?? 8;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.setConnectionString(options.connectionString);
  }

  /** Its own pool: live traffic never waits behind (or holds up) the forwarder's connections. */
  private pool(): Dispatcher {
    // After close() a new pool would never be destroyed: the request fails instead.
    if (this.closed) throw new Error('the relay is closing');
    const { Agent, ProxyAgent } = loadUndiciRuntime();
    const connect = { timeout: this.connectTimeoutMs };
    return (this.dispatcher ??= this.options.proxyUrl
      ? new ProxyAgent({ uri: this.options.proxyUrl, keepAliveTimeout: 10_000, connect })
      : new Agent({ connections: 4, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connect }));
  }

  /** Forwarding target; undefined: local-only (the relay answers live requests itself). */
  setConnectionString(connectionString: ConnectionString | undefined): void {
    const previous = this.connectionString;
    this.connectionString = connectionString;
    if (connectionString) this.redactor.addKey(connectionString.instrumentationKey);
    if (
      previous?.liveEndpoint !== connectionString?.liveEndpoint ||
      previous?.instrumentationKey !== connectionString?.instrumentationKey
    ) {
      // A new resource: forget its predecessor's redirect, subscriptions and configurations.
      this.endpoint = connectionString?.liveEndpoint;
      this.streams.clear();
      this.lastOk = undefined;
      this.lastError = undefined;
      this.lastErrorAt = undefined;
    }
    this.changed();
  }

  /** The panel's Live view is open: apps are told "subscribed" whatever the portal does. */
  setPanelWatching(watching: boolean): void {
    if (this.panelWatching === watching) return;
    this.panelWatching = watching;
    this.changed();
  }

  /** The user paused forwarding: live requests are answered locally (nothing leaves) until resumed. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.changed();
  }

  get isPanelWatching(): boolean {
    return this.panelWatching;
  }

  stats(): LiveProxyStats {
    const now = this.now();
    let portalWatching = false;
    for (const stream of this.streams.values()) {
      if (stream.subscribed && now - stream.lastSubscribedAt < PORTAL_WATCH_TTL_MS) portalWatching = true;
    }
    const state = !this.connectionString ? 'off' : this.lastOk === undefined ? 'idle' : this.lastOk ? 'ok' : 'failing';
    return {
      state,
      ...this.counters,
      portalWatching: this.connectionString !== undefined && portalWatching,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      endpoint: this.connectionString ? this.endpoint : undefined,
    };
  }

  onStats(listener: (stats: LiveProxyStats) => void): Disposable {
    return this.feed.onStats(listener);
  }

  async exchange(exchange: LiveExchange): Promise<LiveAnswer | undefined> {
    if (!this.connectionString || this.closed || this.paused) return undefined;
    const stream = this.streamFor(exchange);
    if (exchange.operation === 'post' && !stream.subscribed) {
      // Only the panel watches (or the portal just left): the service hears a ping per interval.
      if (this.now() - stream.lastContactAt >= (stream.hintMs ?? DEFAULT_PING_INTERVAL_MS)) {
        const ping = pingFromPost(exchange);
        if (ping) this.track(this.send(stream, ping));
      }
      return this.localAnswer(stream);
    }
    const outcome = await this.send(stream, exchange);
    if (outcome.ok) return outcome.answer;
    // Unanswered: the app falls back to pinging (unless the panel watches); its pings go on.
    stream.subscribed = false;
    return this.localAnswer(stream);
  }

  /** Aborts requests in flight and closes the pool. */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.controllers) controller.abort(new Error('the relay is closing'));
    await Promise.allSettled([...this.pending]);
    await this.dispatcher?.destroy().catch(() => undefined);
    this.feed.close();
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private streamFor(exchange: LiveExchange): StreamState {
    const point = firstDataPoint(exchange.body);
    const header = headerValue(exchange.headers, 'x-ms-qps-stream-id');
    const id =
      header ?? stringField(point, 'StreamId') ?? `${stringField(point, 'RoleName') ?? ''}|${stringField(point, 'Instance') ?? ''}`;
    let stream = this.streams.get(id);
    if (stream) {
      this.streams.delete(id); // re-inserted below: the map's order is least recently seen first
    } else {
      stream = { subscribed: false, lastContactAt: Number.NEGATIVE_INFINITY, lastSubscribedAt: Number.NEGATIVE_INFINITY, lastSeenAt: 0 };
      if (this.streams.size >= MAX_STREAMS) this.streams.delete(this.streams.keys().next().value as string);
    }
    stream.lastSeenAt = this.now();
    this.streams.set(id, stream);
    return stream;
  }

  /** What the app hears when the service is not asked (or did not answer). */
  private localAnswer(stream: StreamState): LiveAnswer {
    const headers: Record<string, string> = {
      'x-ms-qps-subscribed': String(this.panelWatching),
      'x-ms-qps-configuration-etag': stream.config?.etag ?? QUICKPULSE_ETAG,
      'x-ms-qps-service-polling-interval-hint': String(stream.hintMs ?? DEFAULT_PING_INTERVAL_MS),
    };
    return { status: 200, headers, body: stream.config?.body ?? JSON.stringify(QUICKPULSE_CONFIGURATION) };
  }

  private async send(stream: StreamState, exchange: LiveExchange): Promise<Outcome> {
    const connectionString = this.connectionString!;
    const endpoint = this.endpoint ?? connectionString.liveEndpoint;
    stream.lastContactAt = this.now();
    if (this.controllers.size >= this.maxInFlight) {
      this.counters.skipped++;
      this.changed();
      return { ok: false };
    }
    const url = upstreamUrl(endpoint, exchange, connectionString.instrumentationKey);
    const headers = upstreamHeaders(exchange.headers);
    if (this.options.getToken) {
      let token: string | undefined;
      try {
        token = await this.options.getToken();
      } catch (error) {
        return this.failed(`no Entra ID token: ${messageOf(error)}`);
      }
      if (token) {
        const target = new URL(url);
        if (target.protocol !== 'https:' && !isLoopbackHost(target.hostname)) {
          return this.failed(`a bearer token is never sent over plain http (${target.host})`);
        }
        headers.authorization = `Bearer ${token}`;
      }
    }
    const body = JSON.stringify(withRealKey(exchange.body, connectionString.instrumentationKey));
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
    let status: number;
    let answerHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const answer = await loadUndiciRuntime().request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.pool(),
        signal: controller.signal,
      });
      status = answer.statusCode;
      answerHeaders = answer.headers;
      text = await readCapped(answer.body);
    } catch (error) {
      return this.failed(describeNetworkError(controller.signal.aborted ? controller.signal.reason : error));
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
    if (this.closed || this.connectionString !== connectionString) return { ok: false };
    if (status !== 200) {
      return this.failed(`the live endpoint answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    }
    if (text.trim() !== '') {
      try {
        JSON.parse(text);
      } catch {
        return this.failed('the live endpoint answered 200 with a body that is not JSON');
      }
    }
    return { ok: true, answer: this.accepted(stream, answerHeaders, text, connectionString) };
  }

  /** A 200 from the service: remember what it said, and build the app's answer from it. */
  private accepted(
    stream: StreamState,
    headers: Record<string, string | string[] | undefined>,
    text: string,
    connectionString: ConnectionString,
  ): LiveAnswer {
    this.counters.sent++;
    this.lastOk = true;
    const subscribed = headerValue(headers, 'x-ms-qps-subscribed')?.toLowerCase() === 'true';
    stream.subscribed = subscribed;
    if (subscribed) stream.lastSubscribedAt = this.now();
    const appBody = this.forApp(text, connectionString.instrumentationKey);
    const etag = headerValue(headers, 'x-ms-qps-configuration-etag');
    if (etag !== undefined && appBody.trim() !== '') {
      stream.config = { etag: this.forApp(etag, connectionString.instrumentationKey), body: appBody };
    }
    const hint = Number(headerValue(headers, 'x-ms-qps-service-polling-interval-hint'));
    stream.hintMs = Number.isFinite(hint) && hint > 0 ? hint : undefined;
    const redirect = headerValue(headers, 'x-ms-qps-service-endpoint-redirect-v2');
    if (redirect) this.followRedirect(redirect, connectionString);
    const toApp: Record<string, string> = { 'x-ms-qps-subscribed': String(subscribed || this.panelWatching) };
    if (etag !== undefined) toApp['x-ms-qps-configuration-etag'] = this.forApp(etag, connectionString.instrumentationKey);
    if (stream.hintMs !== undefined) toApp['x-ms-qps-service-polling-interval-hint'] = String(stream.hintMs);
    this.changed();
    // The redirect header stays with the relay: the app must keep talking to it.
    return { status: 200, headers: toApp, body: appBody };
  }

  private followRedirect(value: string, connectionString: ConnectionString): void {
    const decision = decideLiveRedirect(value, connectionString.endpointSuffix);
    if (!decision.ok) {
      this.noteError(`Live Metrics redirect refused: ${decision.reason}`);
      return;
    }
    if (decision.endpoint !== this.endpoint) {
      this.log('info', `The Live Metrics service moved the relay to ${decision.endpoint}; live requests go there from now on.`);
      this.endpoint = decision.endpoint;
    }
  }

  private failed(reason: string): Outcome {
    this.counters.failed++;
    this.noteError(`Live Metrics: ${reason}`);
    return { ok: false };
  }

  private noteError(message: string): void {
    const wasOk = this.lastOk !== false;
    this.lastOk = false;
    this.lastError = this.redactor.redact(message);
    this.lastErrorAt = this.now();
    // Best effort: one line when it starts failing, not one per second.
    this.log(wasOk ? 'warn' : 'debug', message);
    this.changed();
  }

  /** The service's text with the real key swapped for the local one: the app never sees the real key. */
  private forApp(text: string, realKey: string): string {
    let result = text;
    for (const [from, to] of [
      [realKey, this.localKey],
      [compactKey(realKey), compactKey(this.localKey)],
    ]) {
      result = result.replace(new RegExp(from, 'gi'), to);
    }
    return result;
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, this.redactor.redact(message));
  }

  private changed(): void {
    this.feed.changed();
  }
}

/** `{endpoint}QuickPulseService.svc/ping?…` with the app's query, its `ikey` (any case) set to the real key. */
function upstreamUrl(endpoint: string, exchange: LiveExchange, realKey: string): string {
  const query = new URLSearchParams();
  for (const [name, value] of exchange.query) {
    query.append(name, name.toLowerCase() === 'ikey' ? realKey : value);
  }
  const text = query.toString();
  return `${endpoint.replace(/\/+$/, '')}/${exchange.pathTail}${text ? `?${text}` : ''}`;
}

function upstreamHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase().startsWith('x-ms-qps-') && typeof value === 'string') result[name.toLowerCase()] = value;
  }
  result['user-agent'] = typeof headers['user-agent'] === 'string' && headers['user-agent'] !== '' ? headers['user-agent'] : USER_AGENT;
  return result;
}

/** The body with every `InstrumentationKey` field (any case) of every data point set to the real key. */
export function withRealKey(body: unknown, realKey: string): unknown {
  const rewrite = (point: unknown): unknown => {
    if (!isObject(point)) return point;
    let copy: Record<string, unknown> | undefined;
    for (const name of Object.keys(point)) {
      if (name.toLowerCase() === 'instrumentationkey') {
        copy ??= { ...point };
        copy[name] = realKey;
      }
    }
    return copy ?? point;
  };
  return Array.isArray(body) ? body.map(rewrite) : rewrite(body);
}

/** The ping an app watched only by the panel would send: its last data point without data. */
function pingFromPost(exchange: LiveExchange): LiveExchange | undefined {
  const points = Array.isArray(exchange.body) ? exchange.body : [exchange.body];
  const last = points[points.length - 1];
  if (!isObject(last)) return undefined;
  const point: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(last)) {
    if (!DATA_ONLY_FIELDS.has(name.toLowerCase())) point[name] = value;
  }
  const headers: IncomingHttpHeaders = { ...exchange.headers };
  const fromPoint: [string, string][] = [
    ['x-ms-qps-stream-id', 'StreamId'],
    ['x-ms-qps-machine-name', 'MachineName'],
    ['x-ms-qps-instance-name', 'Instance'],
    ['x-ms-qps-role-name', 'RoleName'],
    ['x-ms-qps-invariant-version', 'InvariantVersion'],
  ];
  for (const [header, field] of fromPoint) {
    const value = point[field];
    if (headers[header] === undefined && (typeof value === 'string' || typeof value === 'number')) headers[header] = String(value);
  }
  return {
    operation: 'ping',
    pathTail: exchange.pathTail.replace(/post$/i, (post) => (post === 'POST' ? 'PING' : 'ping')),
    query: exchange.query,
    headers,
    body: point,
  };
}

function firstDataPoint(body: unknown): Record<string, unknown> | undefined {
  const point = Array.isArray(body) ? body[0] : body;
  return isObject(point) ? point : undefined;
}

function stringField(point: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = point?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readCapped(body: AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy?.();
      throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
