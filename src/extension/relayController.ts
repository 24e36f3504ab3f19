/**
 * Owns the local relay for this window: started lazily (first command, panel, Python file, debug
 * session or terminal), fed by the stored connection string (local-only when there is none, switched
 * live when it changes), stopped on deactivate.
 *
 * The relay's address is chosen right after creation, before it listens (`ready`: the workspace
 * state's identity and, on a first run, a free port; activation does not wait for it): terminals
 * opened before the first start (the very terminal that triggers it) already get the right
 * environment. Port and local key are kept per workspace (workspace state, see relayIdentity.ts),
 * so terminals VS Code restores after Reload Window or a restart still reach the relay. Should the
 * port be taken, the relay falls back to a fresh one, keeps it, and announces the new environment;
 * a renewed key leaves the old one accepted for a grace period.
 */
import { randomUUID } from 'crypto';
import * as net from 'net';
import * as vscode from 'vscode';
// Types only from the pipeline: its code is in dist/relay.js, loaded on the first start (lazy.ts).
import type { HostForwarder, KeyUse, LiveMetricsProxy, RelayHost, RelayServer, TelemetryStore } from '../core/host';
import { plannedEnvironment } from '../core/host/environment';
import { IdentityState, KEY_GRACE_MS, RelayIdentity, RelayIdentityStore, renewKey } from '../core/relay/relayIdentity';
import { proxyUrl, readSettings, SECTION } from './config';
import type { ConnectionStringStore, StoredConnectionString } from './connectionStringStore';
import type { RelayEnvironment } from './environment';
import { loadRelayRuntime } from './lazy';
import type { Logger } from './log';

export type RelayState = 'stopped' | 'starting' | import('../shared/forwarding').ForwardState;

export interface RelayStatus {
  readonly state: RelayState;
  readonly url?: string;
  readonly itemsReceived: number;
  readonly queuedItems: number;
  readonly lastError?: string;
}

export interface RunningRelay {
  /** The whole pipeline; the fields below are its parts, for the panel and the status bar. */
  readonly host: RelayHost;
  readonly server: RelayServer;
  readonly store: TelemetryStore;
  /** The forwarder (the queue once forwarding was wanted, local-only before): stats, pause, resume. */
  readonly queue: HostForwarder;
  /** Live Metrics to the stored connection string's LiveEndpoint while forwarding. */
  readonly live: LiveMetricsProxy;
  readonly environment: RelayEnvironment;
}

export interface RelayControllerOptions {
  readonly storageDir: string;
  readonly connectionStrings: Pick<ConnectionStringStore, 'get' | 'onDidChange'>;
  readonly log: Logger;
  /**
   * Where the port and local key are kept: the workspace state. Not SecretStorage: the local key
   * only opens the loopback relay, is in every terminal's environment anyway (which VS Code keeps
   * in the same workspace storage), and must be per workspace, which SecretStorage is not.
   */
  readonly state: IdentityState;
  /** Entra ID token for forwarding, when the user enabled it. */
  readonly getToken?: (scope: string) => Promise<string | undefined>;
  /** The clock for the key grace period. Default `Date.now`. */
  readonly now?: () => number;
}

/** An app used an old key: accepted (a retired key in its grace period) or refused (expired or unknown). */
export interface OldKeyUse extends KeyUse {
  /** For `previous`: when the grace period of the newest retired key ends (epoch ms). */
  readonly acceptedUntil?: number;
}

const STOPPED: RelayStatus = { state: 'stopped', itemsReceived: 0, queuedItems: 0 };
const STATUS_POLL_MS = 1000;
/** At most one notice per kind in this time: an app retries every few seconds. */
export const OLD_KEY_NOTICE_INTERVAL_MS = 10 * 60 * 1000;
/** How long a start waits for the kept port, which the previous window's extension host may still be closing. */
const KEPT_PORT_WAIT_MS = 3000;

/** A start that stop() overtook before the relay listened: not an error, nothing to log. */
class StartCancelled extends Error {
  constructor() {
    super('The relay was stopped before it started.');
  }
}

export class RelayController implements vscode.Disposable {
  /** Set by {@link ready}: the address and key the relay will listen with. */
  private planned: { readonly port: number; readonly localKey: string } | undefined;
  private identity!: RelayIdentity;
  private readonly identities: RelayIdentityStore;
  /**
   * Resolves once the port and key are planned (the environment is known); rejects when the
   * workspace state cannot be read or no port is free. Starts and key or port changes await it.
   */
  readonly ready: Promise<void>;
  /** What a start waits for besides {@link ready} (the telemetry history: the first store is restored from it). */
  private readonly startGates: Promise<unknown>[] = [];
  /** Bumped by stop(): a start still waiting for {@link ready} or a gate sees it and gives up. */
  private generation = 0;
  /** After shutDown() (deactivation) nothing may start a relay again. */
  private shutting = false;
  private readonly lastOldKeyNotice = new Map<KeyUse['outcome'], number>();
  private readonly oldKeyUsed = new vscode.EventEmitter<OldKeyUse>();
  /** An app used a retired or unknown local key (at most once per {@link OLD_KEY_NOTICE_INTERVAL_MS} per kind). */
  readonly onDidUseOldKey = this.oldKeyUsed.event;
  private starting: Promise<RunningRelay> | undefined;
  private current: RunningRelay | undefined;
  /** The connection string forwarding uses now (undefined: local-only). */
  private forwardingTo: StoredConnectionString | undefined;
  private lastStatus: RelayStatus = STOPPED;
  private statusTimer: NodeJS.Timeout | undefined;
  private readonly statusChanged = new vscode.EventEmitter<RelayStatus>();
  private readonly environmentChanged = new vscode.EventEmitter<RelayEnvironment>();
  readonly onDidChangeStatus = this.statusChanged.event;
  /** Fires when the address apps must use changed (port fallback, port setting). */
  readonly onDidChangeEnvironment = this.environmentChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  /** A controller whose port and key are planned ({@link ready} settled). */
  static async create(options: RelayControllerOptions): Promise<RelayController> {
    const controller = new RelayController(options);
    await controller.ready;
    return controller;
  }

  /**
   * Returns at once (activation registers everything synchronously); the port and key are planned
   * in the background ({@link ready}), and {@link onDidChangeEnvironment} fires when they are known.
   */
  constructor(private readonly options: RelayControllerOptions) {
    this.identities = new RelayIdentityStore(options.state, randomUUID, options.now);
    this.ready = this.plan();
    // Awaited by every start; a failure here is logged once and reported by the start that needs it.
    this.ready.catch((error: unknown) =>
      options.log.error(`Could not plan the relay's port and key: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.disposables.push(
      options.connectionStrings.onDidChange(() => void this.applyConnectionString()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SECTION}.forwarding`)) void this.applyConnectionString();
        if (event.affectsConfiguration(`${SECTION}.relay.port`)) void this.moveToConfiguredPort();
      }),
    );
  }

  private async plan(): Promise<void> {
    let identity = await this.identities.load();
    const port = await planPort(identity.port);
    if (readSettings().relayPort === 0 && identity.port !== port) {
      identity = { ...identity, port };
      await this.identities.save(identity);
    }
    this.identity = identity;
    this.planned = { port, localKey: identity.key };
    this.environmentChanged.fire(this.plannedEnvironment()!);
  }

  /**
   * The start waits for `work` too (before it loads anything): the telemetry history is opened in
   * the background on activation and must be there before the relay's first store exists.
   */
  startAfter(work: Promise<unknown>): void {
    this.startGates.push(work.catch(() => undefined));
  }

  get status(): RelayStatus {
    return this.lastStatus;
  }

  get running(): RunningRelay | undefined {
    return this.current;
  }

  /** What apps must be given: the running relay's address, or the one it will listen on (undefined until {@link ready}). */
  get environment(): RelayEnvironment | undefined {
    return this.current?.environment ?? this.plannedEnvironment();
  }

  /** Starts the relay once; later calls return the same one. */
  ensureStarted(): Promise<RunningRelay> {
    if (this.shutting) return Promise.reject(new StartCancelled());
    const starting = (this.starting ??= this.start().catch((error: unknown) => {
      if (this.starting === starting) this.starting = undefined;
      if (error instanceof StartCancelled) {
        this.publish(STOPPED);
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.options.log.error(`The relay could not start: ${message}`);
      this.publish({ ...STOPPED, state: 'error', lastError: message });
      throw error;
    }));
    return starting;
  }

  private async start(): Promise<RunningRelay> {
    const generation = this.generation;
    this.publish({ ...this.lastStatus, state: 'starting' });
    await this.ready;
    await Promise.all(this.startGates);
    const settings = readSettings();
    const stored = await this.wantedConnectionString();
    // stop() came while this start waited: nothing was loaded or bound yet, so nothing to undo.
    if (generation !== this.generation || !this.planned) throw new StartCancelled();
    this.forwardingTo = stored;
    const plannedPort = this.planned.port;
    const automatic = settings.relayPort === 0;
    const { RelayHost } = loadRelayRuntime();
    const host = await RelayHost.start({
      storageDir: this.options.storageDir,
      port: plannedPort,
      // After Reload Window the previous extension host may still be closing the kept port.
      keptPortWaitMs: automatic ? KEPT_PORT_WAIT_MS : undefined,
      localKey: this.planned.localKey,
      retiredKeys: this.identity.retired,
      keyGraceMs: KEY_GRACE_MS,
      now: this.options.now,
      onKeyUse: (use: KeyUse) => this.oldKeyUse(use),
      connectionString: stored?.parsed,
      // Read at each request: the scope follows the connection string, the setting can change.
      getToken: this.options.getToken ? () => this.currentToken() : undefined,
      settings: {
        store: {
          maxTraceItemsPerRole: settings.maxTraceItems,
          maxLogItemsPerRole: settings.maxLogItems,
          maxMetricPointsPerRole: settings.maxMetricPoints,
          maxBytes: settings.bufferMaxBytes,
        },
        liveMetricsMaxBytes: settings.liveMetricsMaxBytes,
        maxDiskBytes: settings.diskQueueMaxBytes,
        proxyUrl: proxyUrl(),
      },
      log: this.options.log.sink,
    });
    const { server } = host;
    if (host.movedFromPort !== undefined) {
      // Another program holds the port: the new one is kept from now on, terminals are told.
      this.options.log.warn(
        `Port ${plannedPort}, kept for this workspace, is in use by another program; the relay now listens on ${server.port} and keeps that port from now on. Terminals opened before now still point at ${plannedPort}: restart them (VS Code marks them as stale).`,
      );
      this.planned = { ...this.planned!, port: server.port };
      await this.saveIdentity({ ...this.identity, port: server.port });
      this.environmentChanged.fire(this.plannedEnvironment()!);
    }
    this.current = { host, server, store: host.store, queue: host.forwarder, live: host.live, environment: host.environment };
    this.options.log.info(
      `Relay listening on ${server.url}${server.httpsUrl ? ` and ${server.httpsUrl}` : ''}; ${stored ? `forwarding to ${stored.parsed.ingestionEndpoint}` : 'local-only'}.`,
    );
    host.forwarder.onStats(() => this.refreshStatus());
    this.statusTimer = setInterval(() => this.refreshStatus(), STATUS_POLL_MS);
    this.refreshStatus();
    // The secret may have changed while we were starting.
    if ((await this.wantedConnectionString())?.raw !== stored?.raw) await this.applyConnectionString();
    return this.current;
  }

  /**
   * A new local key (the old one may have leaked to another local process). Apps still using the
   * old one are accepted for {@link KEY_GRACE_MS}; a running relay restarts with the new key.
   */
  async renewLocalKey(): Promise<void> {
    await this.ready;
    const wasRunning = this.current !== undefined || this.starting !== undefined;
    await this.stop();
    await this.saveIdentity(renewKey(this.identity, randomUUID(), (this.options.now ?? Date.now)()));
    this.planned = { ...this.planned!, localKey: this.identity.key };
    this.options.log.info(`Renewed the relay's local key; the previous one is accepted for ${KEY_GRACE_MS / 3_600_000} more hours.`);
    this.environmentChanged.fire(this.plannedEnvironment()!);
    if (wasRunning) await this.ensureStarted();
  }

  private async saveIdentity(identity: RelayIdentity): Promise<void> {
    this.identity = identity;
    // Best effort: a relay that cannot save its identity still works for this window.
    await this.identities
      .save(identity)
      .then(undefined, (error: unknown) =>
        this.options.log.warn(
          `Could not keep the relay's port and key for this workspace: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }

  /** Logs and announces old-key use, once per kind per {@link OLD_KEY_NOTICE_INTERVAL_MS}. */
  private oldKeyUse(use: KeyUse): void {
    const now = (this.options.now ?? Date.now)();
    const last = this.lastOldKeyNotice.get(use.outcome);
    if (last !== undefined && now - last < OLD_KEY_NOTICE_INTERVAL_MS) return;
    this.lastOldKeyNotice.set(use.outcome, now);
    if (use.outcome === 'previous') {
      const newest = this.identity.retired[0]?.retiredAt;
      const acceptedUntil = newest === undefined ? undefined : newest + KEY_GRACE_MS;
      this.options.log.info(
        `An app used the relay's previous local key (${use.path}); it is accepted until ${acceptedUntil === undefined ? 'the grace period ends' : new Date(acceptedUntil).toISOString()}. Restart its terminal to give it the current key.`,
      );
      this.oldKeyUsed.fire({ ...use, acceptedUntil });
    } else {
      this.options.log.warn(
        `An app used an old relay key and was refused (${use.path}); restart its terminal so it gets the relay's current environment.`,
      );
      this.oldKeyUsed.fire(use);
    }
  }

  /** Follows the secret and the forwarding setting without restarting the relay. */
  private async applyConnectionString(): Promise<void> {
    const running = this.current;
    if (!running) return;
    const stored = await this.wantedConnectionString();
    if (stored?.raw === this.forwardingTo?.raw) return;
    this.forwardingTo = stored;
    try {
      await running.host.setConnectionString(stored?.parsed);
      this.options.log.info(stored ? `Forwarding to ${stored.parsed.ingestionEndpoint}.` : 'Forwarding off: local-only.');
    } catch (error) {
      this.options.log.error(`Could not start forwarding: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.refreshStatus();
  }

  private async wantedConnectionString(): Promise<StoredConnectionString | undefined> {
    return readSettings().forwardingEnabled ? this.options.connectionStrings.get() : undefined;
  }

  private async currentToken(): Promise<string | undefined> {
    if (!readSettings().useMicrosoftAccount || !this.forwardingTo || !this.options.getToken) return undefined;
    return this.options.getToken(this.forwardingTo.parsed.aadScope);
  }

  private async moveToConfiguredPort(): Promise<void> {
    await this.ready;
    const wasRunning = this.current !== undefined || this.starting !== undefined;
    await this.stop();
    const port = await planPort(this.identity.port);
    if (readSettings().relayPort === 0 && port !== this.identity.port) await this.saveIdentity({ ...this.identity, port });
    this.planned = { ...this.planned!, port };
    this.environmentChanged.fire(this.plannedEnvironment()!);
    if (wasRunning) await this.ensureStarted();
  }

  private plannedEnvironment(): RelayEnvironment | undefined {
    return this.planned && plannedEnvironment(this.options.storageDir, this.planned.port, this.planned.localKey);
  }

  private refreshStatus(): void {
    if (!this.current) return;
    const forward = this.current.queue.stats();
    this.publish({
      state: forward.state,
      url: this.current.server.url,
      itemsReceived: this.current.server.stats().itemsAccepted,
      queuedItems: forward.queuedItems,
      lastError: forward.lastError,
    });
  }

  private publish(status: RelayStatus): void {
    const changed = JSON.stringify(status) !== JSON.stringify(this.lastStatus);
    this.lastStatus = status;
    if (changed) this.statusChanged.fire(status);
  }

  /** Stops the pipeline (RelayHost.stop: listener, then a bounded flush, then the queue). */
  async stop(): Promise<void> {
    this.generation++;
    const starting = this.starting;
    this.starting = undefined;
    await starting?.catch(() => undefined);
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = undefined;
    const running = this.current;
    this.current = undefined;
    if (running) {
      await running.host.stop();
      this.options.log.info('Relay stopped.');
    }
    this.publish(STOPPED);
  }

  /**
   * Deactivation: stops the relay and refuses later starts (a trigger or a command's delayed start
   * firing after this must not bring a relay back). A start still waiting for the background
   * planning or the history gives up before it loads or binds anything.
   */
  async shutDown(): Promise<void> {
    this.shutting = true;
    await this.stop();
  }

  dispose(): void {
    void this.shutDown();
    for (const disposable of this.disposables) disposable.dispose();
    this.statusChanged.dispose();
    this.environmentChanged.dispose();
    this.oldKeyUsed.dispose();
  }
}

/** The configured port, else the one kept for this workspace, else a free loopback port picked now (the relay binds it when it starts). */
async function planPort(kept: number | undefined): Promise<number> {
  const configured = readSettings().relayPort;
  if (configured > 0) return configured;
  if (kept !== undefined) return kept;
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
