/**
 * The whole relay pipeline behind one object, for the CLI and the extension alike:
 *
 *   app → RelayServer (admission → intake) → TelemetryStore (what the panel shows)
 *                                          → HostSink → ForwardQueue → Azure Monitor
 *                                          → LiveMetricsProxy → the LiveEndpoint
 *
 * It starts the parts in order, follows reconfiguration without a restart (connection string set
 * or cleared, forwarding paused), stops them in the one safe order (Live Metrics, then the
 * listener so in-flight batches reach the sink, then a flush, then the queue) within ONE shutdown
 * timeout, and formats every address apps are given (appAddresses.ts), before and after it listens.
 * Plain Node: never import `vscode` here.
 */
import * as path from 'path';
import type { ConnectionString } from '../connectionString';
import type { Envelope } from '../envelope';
import { ForwardQueue } from '../forward';
import { LiveMetricsProxy } from '../live';
import { appAddresses } from '../relay/appAddresses';
import { DEFAULT_LIVE_SAMPLE_CAPACITY, LiveSamples } from '../relay/liveSamples';
import { RelayServer, RelayServerOptions } from '../relay';
import { TelemetryStore, TelemetryStoreOptions } from '../store/telemetryStore';
import type { RelayLog } from '../../shared/lifecycle';
import { caCertPathIn, environmentOf, HostEnvironment, plannedEnvironment } from './environment';
import { HostForwarder, HostSink } from './hostSink';

/** The whole stop (listener grace, then the flush) fits in this: 5 s is what VS Code gives `deactivate`. */
export const SHUTDOWN_TIMEOUT_MS = 4000;
/** How often a busy kept port is tried again while {@link RelayHostOptions.keptPortWaitMs} runs. */
const KEPT_PORT_RETRY_MS = 200;

/** Tuning that applies when the host starts (buffer budgets, forwarder timing). */
export interface RelayHostSettings {
  /** Counts and byte budget of the items kept for viewing. */
  readonly store?: TelemetryStoreOptions;
  /** Byte budget of the Live Metrics samples; default theirs. */
  readonly liveMetricsMaxBytes?: number;
  /** Forwarder tuning; undefined: the ForwardQueue defaults. */
  readonly requestTimeoutMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly maxDiskBytes?: number;
  /** An HTTP(S) proxy for forwarding and Live Metrics. */
  readonly proxyUrl?: string;
}

/** What the host passes on to the listener as is (see RelayServerOptions). */
type ListenerOptions = Pick<
  RelayServerOptions,
  'httpsPort' | 'retiredKeys' | 'keyGraceMs' | 'now' | 'onKeyUse' | 'limits' | 'allowKeylessOtlp'
>;

export interface RelayHostOptions extends ListenerOptions {
  /** `<storageDir>/forward-queue` (the queue, opened once forwarding is wanted) and `<storageDir>/tls`. */
  readonly storageDir: string;
  /** HTTP port on 127.0.0.1; 0 (default): the OS picks one. */
  readonly port?: number;
  /**
   * When `port` is busy: keep trying it this long (a window's previous extension host may still
   * be closing it), then listen on any free port ({@link RelayHost.movedFromPort} says so).
   * Undefined: a busy port fails the start.
   */
  readonly keptPortWaitMs?: number;
  /** The session key apps must send (a GUID; the forward queue writes it to disk). */
  readonly localKey: string;
  /** Where to forward from the start; undefined: local-only. */
  readonly connectionString?: ConnectionString;
  /** Entra ID token for forwarding and Live Metrics, read at each request. */
  readonly getToken?: () => Promise<string | undefined>;
  readonly settings?: RelayHostSettings;
  /** Default {@link SHUTDOWN_TIMEOUT_MS}. */
  readonly shutdownTimeoutMs?: number;
  /** Told about every batch the relay accepted (after the sink has it), e.g. for a history on disk. */
  readonly onAccepted?: (envelopes: readonly Envelope[]) => void;
  readonly log: RelayLog;
}

export class RelayHost {
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly options: RelayHostOptions,
    readonly server: RelayServer,
    readonly store: TelemetryStore,
    private readonly sink: HostSink,
    readonly live: LiveMetricsProxy,
    /** The port asked for, when it was busy and the relay listens on another one. */
    readonly movedFromPort: number | undefined,
    private connectionString: ConnectionString | undefined,
  ) {}

  /** The addresses a relay on `port` with `localKey` will have: for terminals opened before it listens. */
  static plannedEnvironment(storageDir: string, port: number, localKey: string): HostEnvironment {
    return plannedEnvironment(storageDir, port, localKey);
  }

  /** Starts store, sink, Live Metrics proxy and listener; on failure closes what was opened. */
  static async start(options: RelayHostOptions): Promise<RelayHost> {
    const settings = options.settings ?? {};
    const log = options.log;
    const sink = new HostSink(
      (connectionString) =>
        ForwardQueue.open({
          storageDir: path.join(options.storageDir, 'forward-queue'),
          connectionString,
          localInstrumentationKey: options.localKey,
          requestTimeoutMs: settings.requestTimeoutMs,
          backoffBaseMs: settings.backoffBaseMs,
          backoffMaxMs: settings.backoffMaxMs,
          maxDiskBytes: settings.maxDiskBytes,
          proxyUrl: settings.proxyUrl,
          getToken: options.getToken,
          log,
        }),
      log,
      options.onAccepted,
    );
    const shutdownTimeoutMs = options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;
    await sink.setConnectionString(options.connectionString);
    // Its own connection pool and short timeouts: live traffic never holds up the queue's.
    const live = new LiveMetricsProxy({
      localKey: options.localKey,
      connectionString: options.connectionString,
      proxyUrl: settings.proxyUrl,
      getToken: options.getToken,
      log,
    });
    const store = new TelemetryStore(settings.store);
    try {
      const common = {
        httpsPort: options.httpsPort,
        tlsDir: path.join(options.storageDir, 'tls'),
        localKey: options.localKey,
        retiredKeys: options.retiredKeys,
        keyGraceMs: options.keyGraceMs,
        now: options.now,
        onKeyUse: options.onKeyUse,
        sink,
        store,
        liveUpstream: live,
        liveSamples: new LiveSamples(DEFAULT_LIVE_SAMPLE_CAPACITY, settings.liveMetricsMaxBytes),
        allowKeylessOtlp: options.allowKeylessOtlp,
        // In-flight requests get at most the whole shutdown time; the flush gets what they leave.
        limits: { ...options.limits, closeGraceMs: Math.min(options.limits?.closeGraceMs ?? shutdownTimeoutMs, shutdownTimeoutMs) },
        log,
      };
      const port = options.port ?? 0;
      const server = await listenOnKeptPort(port, options.keptPortWaitMs, (at) => RelayServer.start({ ...common, port: at }));
      return new RelayHost(
        options,
        server,
        store,
        sink,
        live,
        server.port !== port && port !== 0 ? port : undefined,
        options.connectionString,
      );
    } catch (error) {
      await live.close();
      await sink.close(0);
      throw error;
    }
  }

  /** What apps must be given now. */
  get environment(): HostEnvironment {
    return environmentOf(
      appAddresses(this.server.port, this.server.localKey),
      this.server.caCertPath ?? caCertPathIn(this.options.storageDir),
    );
  }

  get forwarding(): boolean {
    return this.connectionString !== undefined;
  }

  /** Where forwarding goes now (undefined: local-only). */
  get forwardingTo(): ConnectionString | undefined {
    return this.connectionString;
  }

  /** The forwarder as the panel and status bar see it: stats of the queue (or local-only), pause and resume. */
  get forwarder(): HostForwarder {
    return this.sink;
  }

  /** Forward to this connection string from now on (undefined: local-only); no restart, nothing accepted is lost. */
  async setConnectionString(connectionString: ConnectionString | undefined): Promise<void> {
    this.connectionString = connectionString;
    this.live.setConnectionString(connectionString);
    await this.sink.setConnectionString(connectionString);
  }

  /** Pauses (or resumes) forwarding and Live Metrics; items keep queuing on disk. */
  setPaused(paused: boolean): void {
    if (paused) this.sink.pause();
    else this.sink.resume();
    this.live.setPaused(paused);
  }

  /**
   * Closes Live Metrics, then the listener (in-flight batches reach the sink), flushes the queue
   * with what is left of the shutdown timeout, and closes it. Once only; later calls wait for it.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const deadline = Date.now() + (this.options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS);
      await this.live.close();
      await this.server.close();
      await this.sink.close(Math.max(0, deadline - Date.now()));
    })();
    return this.stopped;
  }
}

/** Listens on `port`; when busy and `waitMs` is given, retries it that long, then takes any free port. */
async function listenOnKeptPort(
  port: number,
  waitMs: number | undefined,
  listen: (port: number) => Promise<RelayServer>,
): Promise<RelayServer> {
  const waitUntil = Date.now() + (waitMs ?? 0);
  for (;;) {
    try {
      return await listen(port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || waitMs === undefined || port === 0) throw error;
      if (Date.now() >= waitUntil) return listen(0);
      // A port just given up by another process is free again within moments: poll, bounded by waitMs.
      await new Promise((resolve) => setTimeout(resolve, KEPT_PORT_RETRY_MS));
    }
  }
}
