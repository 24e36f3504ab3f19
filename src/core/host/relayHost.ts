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
import { HistoryRecorder, HistoryStore, RecorderNames } from '../history';
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

/** A telemetry history the host records into (`azmon-relay --history DIR`); the extension keeps its own. */
export interface RelayHistoryOptions {
  /** Folder of the history (created 0700; files 0600). */
  readonly dir: string;
  /** One run for the relay session (default), or one per app (see HistoryRecorder). */
  readonly runs?: 'session' | 'app';
  /** Run names; default English ones ("Relay session", the app's role…). */
  readonly names?: Partial<RecorderNames>;
  readonly maxBytes?: number;
  readonly maxAgeMs?: number;
}

const DEFAULT_RUN_NAMES: RecorderNames = {
  session: () => 'Relay session',
  app: (role, instance) => (instance ? `${role} on ${instance}` : role),
  unnamedApp: () => 'App without a cloud role',
  otherApps: () => 'Other apps',
  imported: () => 'Imported telemetry',
};

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
  /** Record what the relay accepts into a history on disk, closed with the host. */
  readonly history?: RelayHistoryOptions;
  readonly log: RelayLog;
}

/** The history a host records into, and how it is told each batch. */
interface HostHistory {
  readonly store: HistoryStore;
  readonly recorder: HistoryRecorder;
  readonly subscription: { dispose(): void };
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
    private readonly recording: HostHistory | undefined,
  ) {}

  /** The history on disk this host records into (`history` option), if any. */
  get history(): HistoryStore | undefined {
    return this.recording?.store;
  }

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
    let recording: HostHistory | undefined;
    try {
      if (options.history) recording = await openHistory(options.history, store, log);
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
        recording,
      );
    } catch (error) {
      await live.close();
      await sink.close(0);
      if (recording) await closeHistory(recording, shutdownTimeoutMs, log);
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
      // Every accepted batch is in the store (and the history's queue) now: both write in parallel.
      const left = Math.max(0, deadline - Date.now());
      await Promise.all([this.sink.close(left), this.recording ? closeHistory(this.recording, left, this.options.log) : undefined]);
    })();
    return this.stopped;
  }
}

async function openHistory(options: RelayHistoryOptions, store: TelemetryStore, log: RelayLog): Promise<HostHistory> {
  const history = await HistoryStore.open(options.dir, {
    maxBytes: options.maxBytes,
    maxAgeMs: options.maxAgeMs,
    log: (message) => log('info', message),
  });
  const reportOff = (status: ReturnType<HistoryStore['status']>): void => {
    if (status.state === 'off') {
      log('warn', `Telemetry history is off (${status.reason}${status.detail ? `: ${status.detail}` : ''}); relaying carries on.`);
    }
  };
  reportOff(history.status());
  history.onStatus(reportOff);
  const recorder = new HistoryRecorder(history, { runs: options.runs ?? 'session', names: { ...DEFAULT_RUN_NAMES, ...options.names } });
  const subscription = store.onEnvelopes((envelopes, origin) => recorder.record(envelopes, origin));
  return { store: history, recorder, subscription };
}

/** Ends the runs and writes what is pending, within `timeoutMs` (what is not written by then is lost, the rest is kept). */
async function closeHistory(recording: HostHistory, timeoutMs: number, log: RelayLog): Promise<void> {
  recording.subscription.dispose();
  let timer: NodeJS.Timeout | undefined;
  const closed = (async () => {
    await recording.recorder.close();
    await recording.store.close();
    return true;
  })();
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref?.();
  });
  try {
    if (!(await Promise.race([closed, timedOut])))
      log('warn', 'The telemetry history could not be written in time; what was written is kept.');
  } catch (error) {
    log('warn', `Closing the telemetry history failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (timer) clearTimeout(timer);
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
