/**
 * The one place the extension wires the telemetry history (src/core/history) to the relay (issue
 * 16): every batch the relay's store takes goes to the core's HistoryRecorder (which run it
 * belongs to: one per app, per "Run with Live Telemetry", debug session or terminal command), and
 * when a relay's store starts empty (after Reload Window or a restart) the newest items of the last
 * run are put back into it first, so the restored panel shows what it showed before. This file
 * only adds what needs VS Code: settings, names in the user's language, the launches, logging.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { HistoryRecorder, HistoryStatus, HistoryStore, LaunchHandle } from '../core/history';
import type { TelemetryStore } from '../core/store/telemetryStore';
import type { ExtensionContextState } from './contextState';
import { PYTHON_DEBUG_TYPES } from './environment';

/** Items of the last run put back into an empty store after a reload. */
const RESTORE_ITEMS = 5000;
const SECTION = 'azureMonitorPython.history';

export class HistoryTap implements vscode.Disposable {
  private attached: TelemetryStore | undefined;
  private subscription: { dispose(): void } | undefined;
  private readonly recorder: HistoryRecorder;
  private readonly disposables: vscode.Disposable[] = [];
  /** The launch of each debug session, ended with it. */
  private readonly debugLaunches = new Map<vscode.DebugSession, LaunchHandle>();
  /** Terminals of "Run with Live Telemetry": their own launch, not one per shell command. */
  private readonly runTerminals = new WeakMap<vscode.Terminal, { launch: LaunchHandle; started: boolean }>();
  /** Terminal commands running now (a closed terminal's are ended with it). */
  private readonly commandLaunches = new Map<vscode.TerminalShellExecution, { launch: LaunchHandle; terminal: vscode.Terminal }>();

  private constructor(
    private readonly state: ExtensionContextState,
    readonly history: HistoryStore,
  ) {
    this.recorder = new HistoryRecorder(history, {
      names: {
        session: () => vscode.l10n.t('Live telemetry in {0}', vscode.workspace.name ?? 'VS Code'),
        app: (role, instance) => (instance ? vscode.l10n.t('{0} on {1}', role, instance) : role),
        unnamedApp: () => vscode.l10n.t('App without a cloud role'),
        otherApps: () => vscode.l10n.t('Other apps'),
        imported: () => vscode.l10n.t('Imported telemetry'),
      },
      redact: (text) => state.redactor.redact(text),
    });
    this.disposables.push(state.relay.onDidChangeStatus(() => void this.attach(state.relay.running?.store)));
    this.disposables.push(...this.watchLaunches());
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
    this.attached = store;
    await this.recorder.endAll();
    if (!store || this.attached !== store) return;
    // Put back the last run before anything new arrives, then record what does.
    if (store.size === 0) await this.restoreInto(store);
    if (this.attached !== store) return;
    this.subscription = store.onEnvelopes((envelopes, origin) => this.recorder.record(envelopes, origin));
  }

  /**
   * "Run with Live Telemetry" started `file` in `terminal`: the next new app's items are its run
   * (running the same file again starts a new run). Its shell command, when the terminal reports
   * it, ends the launch; the terminal's other commands are not launches of their own.
   */
  launchRun(file: string, terminal: vscode.Terminal): void {
    this.runTerminals.get(terminal)?.launch.end();
    const launch = this.recorder.launch({ name: path.basename(file), key: `run:${file}`, exclusive: true });
    this.runTerminals.set(terminal, { launch, started: false });
  }

  /** Python debug sessions and terminal commands (with shell integration) are launches too. */
  private watchLaunches(): vscode.Disposable[] {
    const debugTypes: readonly string[] = PYTHON_DEBUG_TYPES;
    return [
      vscode.debug.onDidStartDebugSession((session) => {
        const configuration = session.configuration;
        if (!debugTypes.includes(session.type) || configuration.request !== 'launch') return;
        const target =
          typeof configuration.program === 'string'
            ? path.basename(configuration.program)
            : typeof configuration.module === 'string'
              ? `-m ${configuration.module}`
              : session.name;
        const key = `debug:${String(configuration.program ?? configuration.module ?? session.name)}`;
        this.debugLaunches.set(session, this.recorder.launch({ name: target, key, exclusive: true }));
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        this.debugLaunches.get(session)?.end();
        this.debugLaunches.delete(session);
      }),
      vscode.window.onDidStartTerminalShellExecution((event) => {
        const run = this.runTerminals.get(event.terminal);
        if (run) {
          run.started = true;
          return;
        }
        const command = event.execution.commandLine.value.trim();
        if (command)
          this.commandLaunches.set(event.execution, { launch: this.recorder.launch({ name: command }), terminal: event.terminal });
      }),
      vscode.window.onDidEndTerminalShellExecution((event) => {
        const run = this.runTerminals.get(event.terminal);
        if (run?.started) {
          run.launch.end();
          this.runTerminals.delete(event.terminal);
        }
        this.commandLaunches.get(event.execution)?.launch.end();
        this.commandLaunches.delete(event.execution);
      }),
      vscode.window.onDidCloseTerminal((terminal) => {
        this.runTerminals.get(terminal)?.launch.end();
        this.runTerminals.delete(terminal);
        for (const [execution, command] of this.commandLaunches) {
          if (command.terminal !== terminal) continue;
          command.launch.end();
          this.commandLaunches.delete(execution);
        }
      }),
    ];
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
    await this.recorder.close();
    await this.history.close();
  }

  dispose(): void {
    void this.close();
  }
}
