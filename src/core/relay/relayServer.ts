/**
 * The relay's receiving side: an HTTP listener (and an HTTPS one for SDKs that force TLS) on
 * 127.0.0.1 only, taking Breeze track requests and Live Metrics pings/posts from local SDKs.
 * Every request passes the one admission step (admission.ts) before any body byte is read (or
 * `100 Continue` is sent): closing, origin, host; then route and method here; then content type,
 * encoding, declared size and key per route. Plain Node: never import `vscode` here.
 */
import { randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { ANY_CASE_GUID } from '../../shared/guid';
import { MetricStreams } from '../otlp/metricStreams';
import { LiveDocuments } from '../live/liveDocuments';
import type { LiveUpstream } from '../live/liveMetricsProxy';
import type { EnvelopeSink } from '../sink';
import type { TelemetryStore } from '../store/telemetryStore';
import { appAddresses, LOOPBACK } from './appAddresses';
import { admitBody, admitRequest, BodyRoute } from './admission';
import { BodyBudget, discardBody } from './bodyReader';
import { guardConnections } from './connectionGuard';
import { RelayLimits, resolveLimits } from './limits';
import { LiveSamples } from './liveSamples';
import { handleLive, liveKeyRule } from './quickPulseHandler';
import { rejection } from './rejection';
import { KeyUse, refuse, RelayContext, RelayLog } from './relayContext';
import { KEY_GRACE_MS, LocalKeyRing, RetiredKey } from './relayIdentity';
import { sendRejection } from './responses';
import { RelayCounters, RelayStats } from './relayStats';
import { handleOtlp } from './otlpHandler';
import { handleQuery } from './queryHandler';
import { isOtlpRoute, parseRequestTarget } from './routes';
import { ensureTlsMaterial } from './tlsCertificate';
import { serveTlsOnHttpPort } from './tlsOnHttpPort';
import { handleTrack } from './trackHandler';

export interface RelayServerOptions {
  /** HTTP port on 127.0.0.1; 0 (default) lets the OS choose. */
  readonly port?: number;
  /** HTTPS port; 0 (default) lets the OS choose; false: no TLS listener. */
  readonly httpsPort?: number | false;
  /** Where the TLS CA and server certificate live (created once, reused). Default: a new temp dir. */
  readonly tlsDir?: string;
  /** The session key apps must send; a random GUID when not given. */
  readonly localKey?: string;
  readonly sink: EnvelopeSink;
  readonly store: TelemetryStore;
  /** Defaults to a new buffer. */
  readonly liveSamples?: LiveSamples;
  /** Live Metrics proxy (src/core/live): answers live requests while forwarding; local answers otherwise. */
  readonly liveUpstream?: LiveUpstream;
  readonly limits?: Partial<RelayLimits>;
  readonly log?: RelayLog;
  /** Take OTLP requests without the local key (loopback only anyway). Default false. */
  readonly allowKeylessOtlp?: boolean;
  /** Earlier local keys apps may still hold (restored terminals): accepted until their grace period ends. */
  readonly retiredKeys?: readonly RetiredKey[];
  /** Default {@link KEY_GRACE_MS}. */
  readonly keyGraceMs?: number;
  /** The clock the grace period is measured with. Default `Date.now`. */
  readonly now?: () => number;
  /** Told about every request that used a retired key (accepted) or an unknown one (refused). */
  readonly onKeyUse?: (use: KeyUse) => void;
}

/** How often a running relay checks whether its TLS certificate is due for rotation. */
const TLS_RENEWAL_CHECK_MS = 6 * 60 * 60 * 1000;

export class RelayServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** `https://127.0.0.1:PORT/`, when TLS is on. */
  readonly httpsUrl?: string;
  readonly port: number;
  readonly httpsPort?: number;
  readonly localKey: string;
  /** For Python apps: `InstrumentationKey=<local key>;IngestionEndpoint=<url>;LiveEndpoint=<url>`. */
  readonly localConnectionString: string;
  /** The same over https, for SDKs that force TLS (Node); they also need NODE_EXTRA_CA_CERTS=caCertPath. */
  readonly localHttpsConnectionString?: string;
  /** The certificates apps must trust to use {@link httpsUrl} (NODE_EXTRA_CA_CERTS): self-signed, loopback only. */
  readonly caCertPath?: string;
  readonly liveSamples: LiveSamples;
  /** Sample documents of Live Metrics posts (requests, exceptions… the portal's streams asked for). */
  readonly liveDocuments: LiveDocuments;
  /** For OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:PORT` (the SDKs append `/v1/traces` etc.). */
  readonly otlpEndpoint: string;
  /** For OTEL_EXPORTER_OTLP_HEADERS: `x-azmon-key=<local key>`. */
  readonly otlpHeaders: string;

  private readonly inFlight = new Set<Promise<void>>();
  private tlsRenewal: NodeJS.Timeout | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly context: RelayContext,
    private readonly servers: { readonly http: http.Server; readonly https?: https.Server },
    caCertPath: string | undefined,
    private readonly allowKeylessOtlp: boolean,
  ) {
    this.localKey = context.localKey;
    this.liveSamples = context.liveSamples;
    this.liveDocuments = context.liveDocuments!;
    this.port = (servers.http.address() as AddressInfo).port;
    this.httpsPort = servers.https ? (servers.https.address() as AddressInfo).port : undefined;
    const addresses = appAddresses(this.port, this.localKey, this.httpsPort);
    this.url = addresses.url;
    this.localConnectionString = addresses.connectionString;
    this.otlpEndpoint = addresses.otlpEndpoint;
    this.otlpHeaders = addresses.otlpHeaders;
    this.httpsUrl = addresses.httpsUrl;
    this.localHttpsConnectionString = addresses.httpsConnectionString;
    this.caCertPath = servers.https ? caCertPath : undefined;
  }

  static async start(options: RelayServerOptions): Promise<RelayServer> {
    const localKey = options.localKey ?? randomUUID();
    if (!ANY_CASE_GUID.test(localKey)) {
      throw new Error('The local session key must be a GUID (8-4-4-4-12 hexadecimal digits).');
    }
    const limits = resolveLimits(options.limits);
    const context: RelayContext = {
      localKey: localKey.toLowerCase(),
      keys: new LocalKeyRing(localKey, options.retiredKeys, { graceMs: options.keyGraceMs ?? KEY_GRACE_MS, now: options.now }),
      onKeyUse: options.onKeyUse,
      limits,
      sink: options.sink,
      store: options.store,
      liveSamples: options.liveSamples ?? new LiveSamples(),
      liveUpstream: options.liveUpstream,
      liveDocuments: new LiveDocuments(),
      counters: new RelayCounters(),
      log: options.log ?? (() => undefined),
      metricStreams: new MetricStreams(),
      bodyBudget: new BodyBudget(limits.maxBodyBytesInFlight),
    };
    // The handlers need the instance; the instance needs listening servers. Until it exists
    // (while the TLS certificate is made), early requests are told to retry.
    let relay: RelayServer | undefined;
    const serverOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(20, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
      keepAliveTimeout: 5000,
    };
    let httpsServer: https.Server | undefined;
    const httpServer = http.createServer(serverOptions);
    serveTlsOnHttpPort(httpServer, { httpsServer: () => (relay ? httpsServer : undefined), firstByteTimeoutMs: limits.headersTimeoutMs });
    await listen(httpServer, options.port ?? 0, limits, (request, response, expectsContinue) =>
      relay ? relay.dispatch(request, response, [relay.port], expectsContinue) : notReady(request, response, limits),
    );
    let caCertPath: string | undefined;
    let tlsRenewal: NodeJS.Timeout | undefined;
    if (options.httpsPort !== false) {
      try {
        const tlsDir = options.tlsDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'azmon-relay-tls-')));
        const tls = await ensureTlsMaterial(tlsDir);
        if (tls.generated) {
          context.log('info', `Created the relay's TLS certificate in ${tlsDir}.`);
        }
        httpsServer = https.createServer({ ...serverOptions, key: tls.key, cert: tls.cert, handshakeTimeout: limits.headersTimeoutMs });
        await listen(httpsServer, options.httpsPort ?? 0, limits, (request, response, expectsContinue) =>
          relay?.httpsPort !== undefined
            ? relay.dispatch(request, response, [relay.httpsPort, relay.port], expectsContinue)
            : notReady(request, response, limits),
        );
        caCertPath = tls.caCertPath;
        // Certificates are short-lived: a relay that runs for weeks swaps in the rotated one (apps
        // already trust it, see tlsCertificate.ts). Another relay on the same folder may rotate too.
        let serving = tls.cert;
        const server = httpsServer;
        tlsRenewal = setInterval(() => {
          ensureTlsMaterial(tlsDir)
            .then((fresh) => {
              if (fresh.cert === serving) return;
              serving = fresh.cert;
              server.setSecureContext({ key: fresh.key, cert: fresh.cert });
              context.log('info', `Rotated the relay's TLS certificate in ${tlsDir}.`);
            })
            .catch((error: unknown) =>
              context.log('warn', `Could not renew the relay's TLS certificate: ${error instanceof Error ? error.message : String(error)}`),
            );
        }, TLS_RENEWAL_CHECK_MS);
        tlsRenewal.unref();
      } catch (error) {
        // Python SDKs need only http: keep serving them, and say why https is missing.
        httpsServer?.close();
        httpsServer = undefined;
        context.log(
          'error',
          `The relay's HTTPS listener could not start, so SDKs that force TLS (Node) cannot reach it: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    relay = new RelayServer(context, { http: httpServer, https: httpsServer }, caCertPath, options.allowKeylessOtlp === true);
    relay.tlsRenewal = tlsRenewal;
    return relay;
  }

  stats(): RelayStats {
    return this.context.counters.snapshot();
  }

  /** Stops accepting, lets in-flight requests finish (their batches reach the sink), closes sockets. */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    clearInterval(this.tlsRenewal);
    const servers = [this.servers.http, this.servers.https].filter((server): server is http.Server => server !== undefined);
    const allClosed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await raceTimeout(Promise.allSettled([...this.inFlight]), this.context.limits.closeGraceMs);
    for (const server of servers) {
      server.closeIdleConnections();
    }
    await raceTimeout(allClosed, 200);
    for (const server of servers) {
      server.closeAllConnections();
    }
    await allClosed;
  }

  /** `ports`: the Host ports this request may name (TLS also arrives on the HTTP port, see tlsOnHttpPort). */
  private dispatch(request: http.IncomingMessage, response: http.ServerResponse, ports: readonly number[], expectsContinue: boolean): void {
    const finished = new Promise<void>((resolve) => response.once('close', () => resolve()));
    const work = this.handle(request, response, ports, expectsContinue)
      .catch((error: unknown) => {
        refuse(
          this.context,
          response,
          rejection(500, 'internal', `Internal relay error: ${error instanceof Error ? error.message : String(error)}`),
        );
      })
      .then(() => (response.writableEnded ? finished : undefined));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    ports: readonly number[],
    expectsContinue: boolean,
  ): Promise<void> {
    const context = this.context;
    context.counters.requests++;
    const target = parseRequestTarget(request.url ?? '/');
    const where = `${request.method ?? '?'} ${target.path}`;
    if (!admitRequest(context, request, response, ports, this.closing, where)) {
      return;
    }
    if (!target.route) {
      refuse(context, response, rejection(404, 'not-found', `No endpoint at ${target.path}; telemetry goes to POST …/v2.1/track.`), {
        path: where,
      });
      return;
    }
    if (request.method !== 'POST') {
      refuse(context, response, rejection(405, 'method', `${request.method} is not allowed here; use POST.`), {
        path: where,
        headers: { Allow: 'POST' },
      });
      return;
    }
    const route = target.route;
    if (route === 'query') {
      await handleQuery(context, request, response, where, expectsContinue);
      return;
    }
    if (isOtlpRoute(route)) {
      const signal = route === 'otlp-traces' ? 'traces' : route === 'otlp-metrics' ? 'metrics' : 'logs';
      await handleOtlp(context, request, response, { signal, where, expectsContinue, requireKey: !this.allowKeylessOtlp });
      return;
    }
    const breeze: BodyRoute = {
      where,
      expectsContinue,
      // Breeze carries the key in every envelope (checked by index later); Live Metrics in `ikey`.
      key: route === 'track' ? undefined : liveKeyRule(context, target.query),
      refuse: (refused, headers) => refuse(context, response, refused, { path: where, headers }),
    };
    await admitBody(context, request, response, breeze, ({ body, gzipped }) =>
      route === 'track'
        ? handleTrack(context, body, response, where, gzipped)
        : handleLive(context, route, body, response, where, { path: target.path, query: target.query, headers: request.headers }),
    );
  }
}

type Dispatch = (request: http.IncomingMessage, response: http.ServerResponse, expectsContinue: boolean) => void;

function listen(server: http.Server, port: number, limits: RelayLimits, dispatch: Dispatch): Promise<void> {
  if (server instanceof https.Server) {
    server.maxConnections = limits.maxConnections;
  } else {
    guardConnections(server, limits.maxConnections);
  }
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => dispatch(request, response, false));
  // Listening for checkContinue stops Node from sending `100 Continue` before our checks ran.
  server.on('checkContinue', (request: http.IncomingMessage, response: http.ServerResponse) => dispatch(request, response, true));
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      // Keeps the code: callers fall back to another port on EADDRINUSE.
      reject(
        error.code === 'EADDRINUSE'
          ? Object.assign(new Error(`Port ${port} on ${LOOPBACK} is already in use.`), { code: 'EADDRINUSE' })
          : error,
      );
    };
    server.once('error', onError);
    // A deep accept queue (the kernel caps it at net.core.somaxconn): under a connection flood the
    // kernel otherwise drops SYNs past Node's default 511, and a well-behaved app's connect waits
    // out a SYN retransmit (1 s, then 3 s, 7 s…) behind the flood. Accepted idlers are then evicted
    // or timed out by the connection guard instead.
    server.listen({ port, host: LOOPBACK, exclusive: true, backlog: 4096 }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function notReady(request: http.IncomingMessage, response: http.ServerResponse, limits: RelayLimits): void {
  discardBody(request, limits);
  sendRejection(response, rejection(503, 'closing', 'The relay is starting; retry shortly.'), 0, { 'Retry-After': '1' });
}

function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
