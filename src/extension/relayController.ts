/**
 * Owns the local relay for this window: started lazily (first command, panel, Python file or
 * terminal), fed by the stored connection string (local-only when there is none, switched live
 * when it changes), stopped on deactivate. Exposes a status for the status bar and the panel.
 */
import { randomUUID } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { ForwardQueue, ForwardStats } from '../core/forward';
import { RelayServer } from '../core/relay';
import { TelemetryStore } from '../core/store/telemetryStore';
import { proxyUrl, readSettings } from './config';
import type { ConnectionStringStore } from './connectionStringStore';
import type { RelayEnvironment } from './environment';
import type { Logger } from './log';

export interface RelayStatus {
  readonly state: 'stopped' | 'starting' | 'local-only' | 'forwarding' | 'retrying' | 'paused' | 'error';
  readonly url?: string;
  readonly itemsReceived: number;
  readonly queuedItems: number;
  readonly lastError?: string;
}

export interface RunningRelay {
  readonly server: RelayServer;
  readonly store: TelemetryStore;
  readonly queue: ForwardQueue;
  readonly environment: RelayEnvironment;
}

export interface RelayControllerOptions {
  readonly storageDir: string;
  readonly connectionStrings: ConnectionStringStore;
  readonly log: Logger;
  /** Entra ID token for forwarding, when the user enabled it. */
  readonly getToken?: (scope: string) => Promise<string | undefined>;
}

export class RelayController implements vscode.Disposable {
  private starting: Promise<RunningRelay> | undefined;
  private current: RunningRelay | undefined;
  private lastStatus: RelayStatus = { state: 'stopped', itemsReceived: 0, queuedItems: 0 };
  private readonly statusChanged = new vscode.EventEmitter<RelayStatus>();
  readonly onDidChangeStatus = this.statusChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  private statusTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RelayControllerOptions) {
    this.disposables.push(
      options.connectionStrings.onDidChange(() => void this.applyConnectionString()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('azureMonitorPython.forwarding')) void this.applyConnectionString();
      }),
    );
  }

  get status(): RelayStatus {
    return this.lastStatus;
  }

  get running(): RunningRelay | undefined {
    return this.current;
  }

  /** Starts the relay once; later calls return the same one. */
  ensureStarted(): Promise<RunningRelay> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      this.publish({ state: 'error', itemsReceived: 0, queuedItems: 0, lastError: error instanceof Error ? error.message : String(error) });
      throw error;
    });
    return this.starting;
  }

  private async start(): Promise<RunningRelay> {
    this.publish({ ...this.lastStatus, state: 'starting' });
    const settings = readSettings();
    const localKey = randomUUID();
    const stored = settings.forwardingEnabled ? await this.options.connectionStrings.get() : undefined;
    const log = this.options.log.sink;
    const queue = await ForwardQueue.open({
      storageDir: path.join(this.options.storageDir, 'forward-queue'),
      connectionString: stored?.parsed,
      localInstrumentationKey: localKey,
      maxDiskBytes: settings.diskQueueMaxBytes,
      proxyUrl: proxyUrl(),
      getToken: settings.useMicrosoftAccount && this.options.getToken && stored ? () => this.options.getToken!(stored.parsed.aadScope) : undefined,
      log,
    });
    const store = new TelemetryStore({ maxTraceItemsPerRole: settings.maxTraceItems, maxLogItemsPerRole: settings.maxLogItems, maxMetricPointsPerRole: settings.maxMetricPoints });
    const server = await RelayServer.start({
      port: settings.relayPort,
      tlsDir: path.join(this.options.storageDir, 'tls'),
      localKey,
      sink: queue,
      store,
      log,
    });
    const environment: RelayEnvironment = { connectionString: server.localConnectionString, caCertPath: server.caCertPath };
    this.current = { server, store, queue, environment };
    this.options.log.info(`Relay listening on ${server.url}${server.httpsUrl ? ` and ${server.httpsUrl}` : ''}; ${stored ? `forwarding to ${stored.parsed.ingestionEndpoint}` : 'local-only'}.`);
    queue.onStats(() => this.refreshStatus());
    this.statusTimer = setInterval(() => this.refreshStatus(), 1000);
    this.refreshStatus();
    return this.current;
  }

  /** Follows the secret and the forwarding setting without restarting the relay. */
  private async applyConnectionString(): Promise<void> {
    if (!this.current) return;
    const settings = readSettings();
    const stored = settings.forwardingEnabled ? await this.options.connectionStrings.get() : undefined;
    this.current.queue.setConnectionString(stored?.parsed);
    this.options.log.info(stored ? `Forwarding to ${stored.parsed.ingestionEndpoint}.` : 'Forwarding off: local-only.');
    this.refreshStatus();
  }

  private refreshStatus(): void {
    if (!this.current) return;
    const forward: ForwardStats = this.current.queue.stats();
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

  async stop(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    const running = this.current;
    this.current = undefined;
    this.starting = undefined;
    if (running) {
      await running.server.close();
      await running.queue.flush(2000);
      await running.queue.close();
    }
    this.publish({ state: 'stopped', itemsReceived: 0, queuedItems: 0 });
  }

  dispose(): void {
    void this.stop();
    for (const disposable of this.disposables) disposable.dispose();
    this.statusChanged.dispose();
  }
}
