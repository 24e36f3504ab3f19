/**
 * The one place the extension wires the telemetry history (src/core/history) to the relay (issue
 * 16): every batch the relay's store takes is recorded (imports as a run of their own), and when a
 * relay's store starts empty (after Reload Window or a restart) the newest items of the last run
 * are put back into it first, so the restored panel shows what it showed before. Kept apart so
 * the relay host can move without touching it.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { HistoryStatus, HistoryStore } from '../core/history';
import type { TelemetryStore } from '../core/store/telemetryStore';
import type { ExtensionContextState } from './contextState';

/** Items of the last run put back into an empty store after a reload. */
const RESTORE_ITEMS = 5000;
const SECTION = 'azureMonitorPython.history';

export class HistoryTap implements vscode.Disposable {
  private attached: TelemetryStore | undefined;
  private subscription: { dispose(): void } | undefined;
  private relayRun: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly state: ExtensionContextState,
    readonly history: HistoryStore,
  ) {
    this.disposables.push(state.relay.onDidChangeStatus(() => void this.attach(state.relay.running?.store)));
    const statusListener = history.onStatus((status) => this.reportOff(status));
    this.disposables.push({ dispose: () => statusListener.dispose() });
    this.reportOff(history.status());
    void this.attach(state.relay.running?.store);
  }

  /** Opens the workspace's history (or none when the setting turns it off). */
  static async open(state: ExtensionContextState): Promise<HistoryTap | undefined> {
    const config = vscode.workspace.getConfiguration(SECTION);
    if (!config.get<boolean>('enabled', true)) return undefined;
    const context = state.extensionContext;
    // Per workspace; a window without a folder keeps one shared history.
    const dir = path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'history');
    const history = await HistoryStore.open(dir, {
      maxBytes: config.get<number>('maxMegabytes', 500) * 1024 * 1024,
      maxAgeMs: config.get<number>('maxDays', 7) * 24 * 3600_000,
      log: (message) => state.log.info(message),
    });
    return new HistoryTap(state, history);
  }

  private async attach(store: TelemetryStore | undefined): Promise<void> {
    if (store === this.attached) return;
    this.subscription?.dispose();
    this.subscription = undefined;
    if (this.relayRun) await this.history.endRun(this.relayRun);
    this.relayRun = undefined;
    this.attached = store;
    if (!store) return;
    // Put back the last run before anything new arrives, then record what does.
    if (store.size === 0) await this.restoreInto(store);
    if (this.attached !== store) return;
    this.subscription = store.onEnvelopes((envelopes, origin) => {
      if (origin.source === 'history') return;
      if (origin.source === 'imported') {
        const run = this.history.startRun(origin.name ?? 'import', 'imported');
        this.history.append(run, envelopes);
        void this.history.endRun(run);
        return;
      }
      this.relayRun ??= this.history.startRun(vscode.l10n.t('Live telemetry in {0}', vscode.workspace.name ?? 'VS Code'), 'relay');
      this.history.append(this.relayRun, envelopes, origin.body);
    });
  }

  private async restoreInto(store: TelemetryStore): Promise<void> {
    const last = this.history
      .listRuns()
      .filter((run) => run.items > 0)
      .pop();
    if (!last) return;
    try {
      const latest = await this.history.readLatest(RESTORE_ITEMS, [last.id]);
      if (this.attached === store && latest.length > 0) {
        store.add(
          latest.map((hit) => hit.envelope),
          undefined,
          { source: 'history', name: last.name },
        );
        this.state.log.info(`Restored ${latest.length} items of "${last.name}" from the telemetry history.`);
      }
    } catch (error) {
      this.state.log.warn(`Could not read the telemetry history: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private reportOff(status: HistoryStatus): void {
    if (status.state !== 'off') return;
    const why: Record<string, string> = {
      diskFull: vscode.l10n.t('the disk is full'),
      readOnly: vscode.l10n.t('its folder cannot be written'),
      sizeLimit: vscode.l10n.t('it reached its size limit'),
      fallingBehind: vscode.l10n.t('writing it could not keep up with the incoming telemetry'),
      error: vscode.l10n.t('a write failed'),
    };
    const reason = why[status.reason ?? 'error'];
    this.state.log.warn(
      vscode.l10n.t('Telemetry history is off: {0}. Live telemetry and forwarding carry on.', reason) +
        (status.detail ? ` (${status.detail})` : ''),
    );
  }

  /** Writes what is pending and closes the history (awaited on deactivate, so a reload loses nothing sent before it). */
  async close(): Promise<void> {
    this.subscription?.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    if (this.relayRun) await this.history.endRun(this.relayRun);
    await this.history.close();
  }

  dispose(): void {
    void this.close();
  }
}
