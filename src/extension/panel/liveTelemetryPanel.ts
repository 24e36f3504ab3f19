/**
 * The one live telemetry panel of this window. Opened (or revealed) by the command, restored by a
 * serializer after a reload. The host owns the data: the webview keeps no telemetry across loads
 * (no retainContextWhenHidden) and asks for a snapshot with `ready` each time it loads; a
 * {@link PanelFeed} then sends batched deltas until the webview is hidden or closed.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import {
  answerHistorySearch,
  CopyAssembler,
  currentRunIds,
  ForwardControl,
  emptyHistoryRunStore,
  loadOlderItems,
  MAX_HISTORY_SHOWN_ITEMS,
  historyRunSummaries,
  historyStatusMessage,
  runsToDelete,
  type RunDeletion,
  toPanelItems,
  PanelFeed,
  runListChanged,
  toForwardingStatus,
} from '../../core/panel';
import type { HistoryStore } from '../../core/history';
import type { LiveDocuments, LiveMetricsProxy } from '../../core/live';
import type { LiveSamples } from '../../core/relay/liveSamples';
import type { TelemetryStore } from '../../core/store/telemetryStore';
import { answerQuery } from './panelQuery';
import { HistoryRunSummary, HostToWebview, isWebviewToHost, MAX_HISTORY_FOLDER_NAME, WebviewToHost } from '../../shared/messages';
import { IDLE_FORWARDING_STATUS } from '../../shared/forwarding';
import { COMMAND_IDS } from '../../shared/commandIds';
import { SECTION } from '../config';
import type { Logger } from '../log';
import type { OldKeyUse } from '../relayController';
import { openSourceLocation } from '../source/openSource';
import { exportTelemetry, fileName, importTelemetry } from './panelFiles';
import { panelHtml } from './panelHtml';
import { LIVE_TELEMETRY_VIEW_TYPE } from './panelIds';

export { LIVE_TELEMETRY_VIEW_TYPE };
/** Setting: ask before Clear empties the panel (turned off by "Clear, Don't Ask Again"). */
export const CONFIRM_CLEAR_SETTING = 'panel.confirmClear';

/** What the panel needs of the running relay (RelayController.ensureStarted() gives it). */
export interface PanelRelay {
  readonly server: {
    readonly liveSamples: LiveSamples;
    readonly liveDocuments?: LiveDocuments;
    readonly url: string;
    readonly localKey: string;
  };
  readonly store: TelemetryStore;
  readonly queue: ForwardControl;
  /** The Live Metrics proxy: told while the Live view is visible; its counters go to the strip. */
  readonly live?: Pick<LiveMetricsProxy, 'stats' | 'onStats' | 'setPanelWatching' | 'setPaused'>;
}

export interface LiveTelemetryPanelDeps {
  readonly relay: { ensureStarted(): Promise<PanelRelay>; readonly onDidUseOldKey?: vscode.Event<OldKeyUse> };
  readonly log: Logger;
  /** The workspace's telemetry history (issue 16); absent when the setting turns it off or it could not open. */
  readonly history?: HistoryStore;
  /** Opens another history folder read-only ("Open Telemetry History…"). */
  readonly openHistoryFolder?: (dir: string) => Promise<HistoryStore>;
}

export class LiveTelemetryPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private feed: PanelFeed | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly copies = new CopyAssembler();
  /** The relay's Live Metrics proxy, once the feed runs; and whether the webview shows its Live view. */
  private live: PanelRelay['live'];
  private liveViewVisible = false;
  private readonly cleared = new vscode.EventEmitter<void>();
  /** Fires after Clear emptied the buffer (the status bar's count starts again from 0). */
  readonly onDidClear = this.cleared.event;
  /** Where to go (a transaction, a query) once the (re)loading webview has its snapshot. */
  /** The earlier run the panel shows instead of live telemetry (Query and Export read it too). */
  private shownHistory: TelemetryStore | undefined;
  /** The id of that run (Clear offers to delete it from disk), and how many of its newest items are read. */
  private shownRunId: string | undefined;
  private shownLoaded = 0;
  private loadingOlder = false;
  /** The run list the webview has (re-sent when runs come, go or end). */
  private sentRuns: readonly HistoryRunSummary[] = [];
  /** A history folder opened read-only: its runs replace the workspace's in the run selector until closed. */
  private folder: { readonly store: HistoryStore; readonly name: string } | undefined;
  /** The run to show once the (re)loading webview has its live snapshot (the opened folder's newest). */
  private pendingRun: string | undefined;
  private pendingReveal: Extract<HostToWebview, { type: 'showTransaction' | 'showQuery' }> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: LiveTelemetryPanelDeps,
  ) {}

  /** Opens the panel, or reveals the one already open. */
  open(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      LIVE_TELEMETRY_VIEW_TYPE,
      vscode.l10n.t('Live Telemetry'),
      vscode.ViewColumn.Active,
      this.webviewOptions(),
    );
    this.attach(panel);
    // Start the relay now rather than on `ready`: the app can already send while the page loads.
    void this.deps.relay.ensureStarted().catch(() => undefined);
    return panel;
  }

  /** For the serializer: a panel VS Code recreated after a reload. */
  restore(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) {
      // Only one panel: a second restored one (two editor groups before the reload) is closed.
      panel.dispose();
      this.panel.reveal();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
  }

  /** Opens the panel at a transaction (the code action on a runtime exception; issue 18). */
  showTransaction(operationId: string): void {
    this.reveal({ type: 'showTransaction', operationId });
  }

  /** Opens the panel's Query tab running `query` (a lens in the code; issue 18). */
  showQuery(query: string): void {
    this.reveal({ type: 'showQuery', query });
  }

  private reveal(message: NonNullable<LiveTelemetryPanel['pendingReveal']>): void {
    const ready = this.panel !== undefined && this.feed !== undefined;
    this.open();
    if (ready) this.post(message);
    else this.pendingReveal = message;
  }

  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  async exportItems(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const relay = await this.deps.relay.ensureStarted();
    // While an earlier run is shown (or about to be, in a panel still loading), Export writes that
    // run: all of it from disk, not only the pages loaded into the panel.
    const runId = this.shownRunId ?? this.pendingRun;
    const history = this.browsing;
    const run = runId && history ? { history, runId } : undefined;
    // A target that is not a file here gets what is loaded: for a run still loading, nothing yet.
    const result = await exportTelemetry(this.shownHistory ?? (run ? emptyHistoryRunStore() : relay.store), target, run);
    if (!result) return undefined;
    this.deps.log.info(`Exported ${result.items} telemetry items to ${result.uri.toString()}.`);
    // A notification, not a panel notice: the user wants to act on the file (and it must be seen
    // even when the export came from the command palette with the panel closed).
    void confirmExport(result.uri, result.items);
    return result.uri;
  }

  /**
   * Empties the buffer the panel shows (items, Live Metrics samples and documents), after a modal
   * confirmation unless the user turned it off. Returns whether it cleared.
   */
  async clearItems(): Promise<boolean> {
    // An opened folder is read-only: Clear then clears the view only.
    const history = this.folder ? undefined : this.deps.history;
    const deletion = history ? runsToDelete(history.listRuns(), this.shownRunId) : undefined;
    const shownName = this.shownRunId && history?.listRuns().find((run) => run.id === this.shownRunId)?.name;
    const answer = await confirmClear(this.deps.log, deletion, shownName || undefined);
    if (answer === 'cancel') return false;
    if (answer === 'delete' && history && deletion) {
      await history.deleteRuns(deletion.runIds);
      this.deps.log.info(
        `Deleted ${deletion.runIds.length} run(s) from the telemetry history` +
          (deletion.pinnedKept > 0 ? ` (${deletion.pinnedKept} pinned kept).` : '.'),
      );
      this.postHistoryRuns();
    }
    // Clear acts on live telemetry: the panel goes back to it first.
    if (this.shownHistory) await this.showHistoryRun(undefined);
    const relay = await this.deps.relay.ensureStarted();
    relay.store.clear();
    relay.server.liveSamples.clear();
    relay.server.liveDocuments?.clear();
    this.deps.log.info('Live telemetry cleared.');
    this.cleared.fire();
    return true;
  }

  /** Returns how many items were added to the panel (never forwarded). */
  async importItems(source?: vscode.Uri): Promise<number | undefined> {
    const relay = await this.deps.relay.ensureStarted();
    const result = await importTelemetry(relay.store, relay.server.localKey, source);
    if (!result) return undefined;
    this.deps.log.info(`Imported ${result.items} telemetry items from ${result.uri.toString()} (shown only, not forwarded).`);
    this.notify(
      'info',
      vscode.l10n.t(
        'Imported {0} items from {1}. They are shown here only, not sent to Azure Monitor.',
        String(result.items),
        fileName(result.uri),
      ),
    );
    return result.items;
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
    this.cleared.dispose();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.detach();
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.html = panelHtml(panel.webview, this.extensionUri);
    this.panelSubscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) return;
        // The hidden webview is destroyed; it reloads (and says `ready`) when shown again.
        // A new document, so a new nonce, for that next load.
        this.stopFeed();
        this.liveViewVisible = false; // the reloaded page says again which view it shows
        panel.webview.html = panelHtml(panel.webview, this.extensionUri);
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) this.detach();
      }),
    ];
    // A full disk or a read-only folder mid-session: the bar says so at once.
    const statusListener = this.deps.history?.onStatus(() => this.postHistoryStatus());
    if (statusListener) this.panelSubscriptions.push(new vscode.Disposable(() => statusListener.dispose()));
  }

  private detach(): void {
    this.stopFeed();
    this.shownHistory = undefined;
    this.shownRunId = undefined;
    void this.closeFolderStore();
    for (const subscription of this.panelSubscriptions.splice(0)) subscription.dispose();
    this.panel = undefined;
  }

  private stopFeed(): void {
    this.feed?.dispose();
    this.feed = undefined;
    // A hidden or closed panel shows nothing live: apps need not post for it.
    this.live?.setPanelWatching(false);
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) {
      this.deps.log.warn(`Ignored a malformed message from the live telemetry panel: ${describe(message)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      this.deps.log.error(`Live telemetry panel: ${message.type} failed: ${text}`);
      this.notify('error', text);
    });
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.startFeed();
      case 'clear':
        // Asked first (the shown run may be deleted from disk); then back to live and cleared.
        await this.clearItems();
        return;
      case 'setForwardingPaused': {
        const relay = await this.deps.relay.ensureStarted();
        if (message.paused) relay.queue.pause();
        else relay.queue.resume();
        relay.live?.setPaused(message.paused);
        this.deps.log.info(
          message.paused ? 'Forwarding paused from the live telemetry panel.' : 'Forwarding resumed from the live telemetry panel.',
        );
        this.feed?.sendForwarding();
        return;
      }
      case 'export':
        await this.exportItems();
        return;
      case 'import':
        if (this.shownHistory) await this.showHistoryRun(undefined);
        await this.importItems();
        return;
      case 'copyText': {
        // The webview says "copied" only on an ok answer, so every failure must answer too.
        const progress = this.copies.accept(message);
        if (progress.state === 'waiting') return;
        if (progress.state === 'refused') {
          this.deps.log.warn(`Live telemetry panel: copy refused: ${progress.reason}`);
          this.post({ type: 'copyResult', id: message.id, ok: false, error: progress.reason });
          return;
        }
        try {
          await vscode.env.clipboard.writeText(progress.text);
          this.post({ type: 'copyResult', id: message.id, ok: true });
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          this.deps.log.error(`Live telemetry panel: writing the clipboard failed: ${text}`);
          this.post({ type: 'copyResult', id: message.id, ok: false, error: text });
        }
        return;
      }
      case 'runQuery': {
        const relay = await this.deps.relay.ensureStarted();
        this.post(answerQuery(message.id, message.query, this.shownHistory ?? relay.store));
        return;
      }
      case 'liveViewVisible':
        this.liveViewVisible = message.visible;
        this.live?.setPanelWatching(message.visible && this.feed !== undefined);
        return;
      case 'runWithoutSampling':
        void vscode.commands.executeCommand(COMMAND_IDS.runWithoutSampling);
        return;
      case 'openSource':
        await openSourceLocation(message.file, message.line, this.deps.log);
        return;
      case 'historySearch': {
        const history = this.browsing;
        if (!history) {
          this.post({
            type: 'historySearchResult',
            id: message.id,
            groups: [],
            total: 0,
            truncated: false,
            error: vscode.l10n.t('Telemetry history is off.'),
          });
          return;
        }
        // Runs start and end while the panel is open (a relay run starts with its first item, an import adds one).
        if (runListChanged(this.sentRuns, history.listRuns())) this.postHistoryRuns();
        this.post(
          await answerHistorySearch(
            history,
            message.id,
            message.text,
            message.current ? currentRunIds(history.listRuns()) : message.runIds,
          ),
        );
        return;
      }
      case 'historyShowRun':
        await this.showHistoryRun(message.runId);
        return;
      case 'historyHelp':
        if (message.target === 'setting') await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.history`);
        else await vscode.commands.executeCommand(COMMAND_IDS.showLog);
        return;
      case 'historySetPinned':
        if (!this.deps.history || this.folder) return; // an opened folder is read-only
        await this.deps.history.setPinned(message.runId, message.pinned);
        this.deps.log.info(`${message.pinned ? 'Pinned' : 'Unpinned'} history run ${message.runId}.`);
        this.postHistoryRuns();
        return;
      case 'historyCloseFolder':
        await this.closeHistoryFolder();
        return;
      case 'historyLoadOlder':
        await this.loadOlder();
        return;
    }
  }

  /**
   * Shows an earlier run from the history instead of the live store (the feed stops, so nothing
   * live mixes in), or goes back to live (a new feed sends the live snapshot).
   */
  private async showHistoryRun(runId: string | undefined): Promise<void> {
    const history = this.browsing;
    const run = runId === undefined ? undefined : history?.listRuns().find((candidate) => candidate.id === runId);
    if (!history || !run) {
      this.post({ type: 'historyShowing' });
      await this.startFeed();
      return;
    }
    // Its newest page first; "Load older" reads on from disk.
    const store = emptyHistoryRunStore();
    const loaded = await loadOlderItems(history, store, run.id, 0);
    this.stopFeed();
    this.shownHistory = store;
    this.shownRunId = run.id;
    this.shownLoaded = loaded;
    await this.postShownRun();
  }

  /** The shown earlier run: the banner (with what is loaded of it) and its items. */
  private async postShownRun(): Promise<void> {
    const store = this.shownHistory;
    const run = this.browsing?.listRuns().find((candidate) => candidate.id === this.shownRunId);
    if (!store || !run) return;
    const items = toPanelItems(store.snapshot(), {
      genAiContent: vscode.workspace.getConfiguration('azureMonitorPython').get<boolean>('genai.showMessageContent', true),
    });
    // The strip keeps saying what forwarding does now (the relay runs on while history is shown).
    const relay = await this.deps.relay.ensureStarted().catch(() => undefined);
    const forwarding = relay ? toForwardingStatus(relay.queue.stats(), relay.live?.stats()) : IDLE_FORWARDING_STATUS;
    if (this.shownHistory !== store) return; // back to live (or another run) meanwhile
    const more = this.shownLoaded < run.items && this.shownLoaded < MAX_HISTORY_SHOWN_ITEMS;
    this.post({ type: 'historyShowing', runId: run.id, name: run.name, loaded: this.shownLoaded, total: run.items, more });
    this.post({ type: 'snapshot', items, live: [], forwarding });
  }

  /** "Load older": the next page of the shown run, read from disk into the shown store. */
  private async loadOlder(): Promise<void> {
    const history = this.browsing;
    const store = this.shownHistory;
    const runId = this.shownRunId;
    if (!history || !store || !runId || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      const added = await loadOlderItems(history, store, runId, this.shownLoaded);
      if (this.shownHistory !== store) return;
      this.shownLoaded += added;
      await this.postShownRun();
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Recording on or off (and why): the history bar's notice. */
  private postHistoryStatus(): void {
    const enabled = vscode.workspace.getConfiguration(`${SECTION}.history`).get<boolean>('enabled', true);
    this.post(historyStatusMessage(this.deps.history?.status(), enabled));
  }

  private postHistoryRuns(): void {
    const history = this.browsing;
    if (!history) return;
    this.sentRuns = historyRunSummaries(history.listRuns());
    this.post({
      type: 'historyRuns',
      runs: this.sentRuns,
      ...(this.folder ? { folder: this.folder.name.slice(0, MAX_HISTORY_FOLDER_NAME) } : {}),
    });
  }

  /** The history the run selector and search read: an opened folder, else the workspace's. */
  private get browsing(): HistoryStore | undefined {
    return this.folder?.store ?? this.deps.history;
  }

  /**
   * "Open Telemetry History…": a history folder (e.g. one `azmon-relay --history DIR` wrote in CI)
   * opened read-only — nothing in it is written, and its items never reach the relay, so nothing
   * is forwarded. The panel lists its runs and shows the newest until "Back to workspace history".
   * Returns how many runs it has.
   */
  async openHistoryFolder(folder?: vscode.Uri): Promise<number | undefined> {
    const open = this.deps.openHistoryFolder;
    if (!open) throw new Error(vscode.l10n.t('Telemetry history is not available in this window.'));
    const target =
      folder ??
      (
        await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: false,
          openLabel: vscode.l10n.t('Open History'),
          title: vscode.l10n.t('Open Telemetry History'),
        })
      )?.[0];
    if (!target) return undefined;
    if (target.scheme !== 'file') throw new Error(vscode.l10n.t('Only a folder on this machine can be opened as telemetry history.'));
    const store = await open(target.fsPath);
    const runs = store.listRuns();
    const newest = runs.filter((run) => run.items > 0).pop();
    if (!newest) {
      await store.close();
      throw new Error(vscode.l10n.t('{0} holds no telemetry history runs.', target.fsPath));
    }
    const ready = this.panel !== undefined && this.feed !== undefined;
    this.open(); // a new panel attaches before the folder is set (attaching closes any earlier folder)
    await this.closeFolderStore();
    this.folder = { store, name: path.basename(target.fsPath) || target.fsPath };
    this.deps.log.info(`Opened the telemetry history in ${target.fsPath} read-only (${runs.length} runs).`);
    if (ready) {
      this.postHistoryRuns();
      await this.showHistoryRun(newest.id);
    } else {
      this.pendingRun = newest.id;
    }
    return runs.length;
  }

  /** Back to the workspace's history: the folder closes and the panel shows live telemetry. */
  private async closeHistoryFolder(): Promise<void> {
    if (!this.folder) return;
    await this.closeFolderStore();
    // Without a workspace history no list follows: an empty one ends the folder's in the selector.
    if (!this.deps.history) this.post({ type: 'historyRuns', runs: [] });
    await this.showHistoryRun(undefined);
  }

  private async closeFolderStore(): Promise<void> {
    const folder = this.folder;
    this.folder = undefined;
    this.pendingRun = undefined;
    await folder?.store.close().catch(() => undefined);
  }

  private async startFeed(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    this.stopFeed();
    this.shownHistory = undefined;
    this.shownRunId = undefined;
    let relay: PanelRelay;
    try {
      relay = await this.deps.relay.ensureStarted();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      // An empty snapshot ends "Connecting…"; the notice says why nothing will come.
      this.post({ type: 'snapshot', items: [], live: [], forwarding: { ...IDLE_FORWARDING_STATUS, state: 'error', lastError: text } });
      this.notify('error', vscode.l10n.t('The local relay could not start: {0}', text));
      return;
    }
    if (this.panel !== panel) return; // closed or replaced while the relay started
    this.stopFeed();
    this.feed = new PanelFeed(
      {
        store: relay.store,
        liveSamples: relay.server.liveSamples,
        liveDocuments: relay.server.liveDocuments,
        forward: relay.queue,
        live: relay.live,
        relayUrl: relay.server.url,
        genAiContent: () => vscode.workspace.getConfiguration('azureMonitorPython').get<boolean>('genai.showMessageContent', true),
      },
      (update) => this.post(update),
    );
    this.feed.start();
    this.postHistoryRuns();
    this.postHistoryStatus();
    if (this.pendingReveal !== undefined) {
      this.post(this.pendingReveal);
      this.pendingReveal = undefined;
    }
    this.live = relay.live;
    this.live?.setPanelWatching(this.liveViewVisible);
    if (this.pendingRun !== undefined) {
      const runId = this.pendingRun;
      this.pendingRun = undefined;
      await this.showHistoryRun(runId);
    }
  }

  private post(message: HostToWebview): void {
    void this.panel?.webview.postMessage(message).then(undefined, () => undefined);
  }

  /**
   * An app holds an old local key (a terminal from before the key or port changed): refused ones
   * are said in the panel, or in a toast when it is not showing; accepted ones only in the panel.
   */
  noticeOldKey(use: OldKeyUse): void {
    if (use.outcome === 'refused') {
      this.notify(
        'error',
        vscode.l10n.t('An app used an old relay key and was refused; restart its terminal so it gets the current environment.'),
      );
    } else if (this.panel?.visible) {
      const until = use.acceptedUntil === undefined ? '' : new Date(use.acceptedUntil).toLocaleString();
      this.post({
        type: 'notice',
        level: 'info',
        text: vscode.l10n.t(
          'An app used the previous relay key; it is accepted until {0}. Restart its terminal to give it the current key.',
          until,
        ),
      });
    }
  }

  private notify(level: 'info' | 'error', text: string): void {
    if (this.panel?.visible) {
      this.post({ type: 'notice', level, text });
    } else if (level === 'error') {
      void vscode.window.showErrorMessage(vscode.l10n.t('Azure Monitor: {0}', text));
    } else {
      void vscode.window.showInformationMessage(text);
    }
  }
}

/**
 * The modal "Clear all telemetry?" question: clear the view only (the "Don't Ask Again" choice
 * turns the question off, and then Clear clears the view without asking), or also delete from
 * disk the shown run or every unpinned run — the question names a pinned run before deleting it
 * and says how many pinned runs are kept. Without a history (or runs) it asks as before.
 */
async function confirmClear(
  log: Logger,
  deletion: RunDeletion | undefined,
  shownName: string | undefined,
): Promise<'cancel' | 'view' | 'delete'> {
  const config = vscode.workspace.getConfiguration(SECTION);
  if (!config.get<boolean>(CONFIRM_CLEAR_SETTING, true)) return 'view';
  const clear = vscode.l10n.t('Clear');
  const clearAlways = vscode.l10n.t("Clear, Don't Ask Again");
  const canDelete = deletion !== undefined && deletion.runIds.length > 0;
  const clearAndDelete =
    shownName === undefined
      ? vscode.l10n.t('Clear and Delete All Runs from Disk')
      : deletion?.deletesPinned
        ? vscode.l10n.t('Clear and Delete This Pinned Run from Disk')
        : vscode.l10n.t('Clear and Delete This Run from Disk');
  const details = [
    vscode.l10n.t(
      'The items are removed from this window only; what was forwarded to Azure Monitor stays there. Export first to keep a copy.',
    ),
  ];
  if (canDelete && shownName !== undefined) {
    details.push(vscode.l10n.t('The panel shows the run "{0}" from the telemetry history; Clear can also delete it from disk.', shownName));
    if (deletion.deletesPinned) details.push(vscode.l10n.t('This run is pinned: deleting it removes it anyway.'));
  } else if (canDelete) {
    details.push(vscode.l10n.t('Clear can also delete {0} run(s) from the telemetry history on disk.', String(deletion.runIds.length)));
  }
  if (deletion && deletion.pinnedKept > 0) details.push(vscode.l10n.t('{0} pinned run(s) are kept.', String(deletion.pinnedKept)));
  let answer: string | undefined;
  try {
    answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Clear all telemetry in the live panel?'),
      { modal: true, detail: details.join('\n\n') },
      ...(canDelete ? [clear, clearAlways, clearAndDelete] : [clear, clearAlways]),
    );
  } catch (error) {
    // VS Code refuses modal dialogs in some contexts (extension tests): nothing is cleared then.
    log.warn(`The Clear confirmation could not be shown: ${error instanceof Error ? error.message : String(error)}`);
    return 'cancel';
  }
  if (answer === clearAlways) await config.update(CONFIRM_CLEAR_SETTING, false, vscode.ConfigurationTarget.Global);
  if (answer === clear || answer === clearAlways) return 'view';
  return canDelete && answer === clearAndDelete ? 'delete' : 'cancel';
}

/** "Exported N items to file." with Open and (where the OS or the Explorer can show it) Reveal. */
async function confirmExport(uri: vscode.Uri, items: number): Promise<void> {
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal');
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  // revealFileInOS needs the file on this machine's disk: a local desktop window only.
  const canReveal =
    inWorkspace || (vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined && uri.scheme === 'file');
  const actions = canReveal ? [open, reveal] : [open];
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('Exported {0} items to {1}.', String(items), fileName(uri)),
    ...actions,
  );
  if (answer === open) await vscode.commands.executeCommand('vscode.open', uri);
  else if (answer === reveal) await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
}

function describe(message: unknown): string {
  if (typeof message !== 'object' || message === null) return typeof message;
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' ? `type "${type.slice(0, 40)}"` : 'no type';
}
