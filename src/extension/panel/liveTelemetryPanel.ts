/**
 * The one live telemetry panel of this window. Opened (or revealed) by the command, restored by a
 * serializer after a reload. The host owns the data: the webview keeps no telemetry across loads
 * (no retainContextWhenHidden) and asks for a snapshot with `ready` each time it loads; a
 * {@link PanelFeed} then sends batched deltas until the webview is hidden or closed.
 */
import * as vscode from 'vscode';
import { CopyAssembler, ForwardControl, PanelFeed } from '../../core/panel';
import type { LiveDocuments, LiveMetricsProxy } from '../../core/live';
import type { LiveSamples } from '../../core/relay/liveSamples';
import type { TelemetryStore } from '../../core/store/telemetryStore';
import { HostToWebview, isWebviewToHost, WebviewToHost } from '../../shared/messages';
import type { Logger } from '../log';
import { openSourceLocation } from '../source/openSource';
import { exportTelemetry, fileName, importTelemetry } from './panelFiles';
import { panelHtml } from './panelHtml';

export const LIVE_TELEMETRY_VIEW_TYPE = 'azureMonitorPython.liveTelemetry';

/** What the panel needs of the running relay (RelayController.ensureStarted() gives it). */
export interface PanelRelay {
  readonly server: { readonly liveSamples: LiveSamples; readonly liveDocuments?: LiveDocuments; readonly url: string; readonly localKey: string };
  readonly store: TelemetryStore;
  readonly queue: ForwardControl;
  /** The Live Metrics proxy: told while the Live view is visible; its counters go to the strip. */
  readonly live?: Pick<LiveMetricsProxy, 'stats' | 'onStats' | 'setPanelWatching' | 'setPaused'>;
}

export interface LiveTelemetryPanelDeps {
  readonly relay: { ensureStarted(): Promise<PanelRelay> };
  readonly log: Logger;
}

export class LiveTelemetryPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private feed: PanelFeed | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly copies = new CopyAssembler();
  /** The relay's Live Metrics proxy, once the feed runs; and whether the webview shows its Live view. */
  private live: PanelRelay['live'];
  private liveViewVisible = false;

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
    const panel = vscode.window.createWebviewPanel(LIVE_TELEMETRY_VIEW_TYPE, vscode.l10n.t('Live Telemetry'), vscode.ViewColumn.Active, this.webviewOptions());
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

  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  async exportItems(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const relay = await this.deps.relay.ensureStarted();
    const result = await exportTelemetry(relay.store, target);
    if (!result) return undefined;
    this.deps.log.info(`Exported ${result.items} telemetry items to ${result.uri.toString()}.`);
    this.notify('info', vscode.l10n.t('Exported {0} items to {1}.', String(result.items), fileName(result.uri)));
    return result.uri;
  }

  /** Returns how many items were added to the panel (never forwarded). */
  async importItems(source?: vscode.Uri): Promise<number | undefined> {
    const relay = await this.deps.relay.ensureStarted();
    const result = await importTelemetry(relay.store, relay.server.localKey, source);
    if (!result) return undefined;
    this.deps.log.info(`Imported ${result.items} telemetry items from ${result.uri.toString()} (shown only, not forwarded).`);
    this.notify('info', vscode.l10n.t('Imported {0} items from {1}. They are shown here only, not sent to Azure Monitor.', String(result.items), fileName(result.uri)));
    return result.items;
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
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
  }

  private detach(): void {
    this.stopFeed();
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
      case 'clear': {
        const relay = await this.deps.relay.ensureStarted();
        relay.store.clear();
        relay.server.liveSamples.clear();
        relay.server.liveDocuments?.clear();
        return;
      }
      case 'setForwardingPaused': {
        const relay = await this.deps.relay.ensureStarted();
        if (message.paused) relay.queue.pause();
        else relay.queue.resume();
        relay.live?.setPaused(message.paused);
        this.deps.log.info(message.paused ? 'Forwarding paused from the live telemetry panel.' : 'Forwarding resumed from the live telemetry panel.');
        this.feed?.sendForwarding();
        return;
      }
      case 'export':
        await this.exportItems();
        return;
      case 'import':
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
      case 'liveViewVisible':
        this.liveViewVisible = message.visible;
        this.live?.setPanelWatching(message.visible && this.feed !== undefined);
        return;
      case 'openSource':
        await openSourceLocation(message.file, message.line, this.deps.log);
        return;
    }
  }

  private async startFeed(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    this.stopFeed();
    let relay: PanelRelay;
    try {
      relay = await this.deps.relay.ensureStarted();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      // An empty snapshot ends "Connecting…"; the notice says why nothing will come.
      this.post({ type: 'snapshot', items: [], live: [], forwarding: { state: 'error', acceptedItems: 0, sentItems: 0, retryingItems: 0, queuedItems: 0, queuedBytes: 0, droppedItems: 0, lastError: text } });
      this.notify('error', vscode.l10n.t('The local relay could not start: {0}', text));
      return;
    }
    if (this.panel !== panel) return; // closed or replaced while the relay started
    this.stopFeed();
    this.feed = new PanelFeed({ store: relay.store, liveSamples: relay.server.liveSamples, liveDocuments: relay.server.liveDocuments, forward: relay.queue, live: relay.live, relayUrl: relay.server.url }, (update) => this.post(update));
    this.feed.start();
    this.live = relay.live;
    this.live?.setPanelWatching(this.liveViewVisible);
  }

  private post(message: HostToWebview): void {
    void this.panel?.webview.postMessage(message).then(undefined, () => undefined);
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

function describe(message: unknown): string {
  if (typeof message !== 'object' || message === null) return typeof message;
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' ? `type "${type.slice(0, 40)}"` : 'no type';
}

/**
 * The command, the serializer and the export/import commands (the latter take an optional Uri, so
 * they can be driven without dialogs). Returns the manager, disposed with the extension.
 */
export function registerLiveTelemetryPanel(context: vscode.ExtensionContext, deps: LiveTelemetryPanelDeps): LiveTelemetryPanel {
  const manager = new LiveTelemetryPanel(context.extensionUri, deps);
  const run =
    <T>(id: string, handler: (...args: unknown[]) => Promise<T> | T) =>
    async (...args: unknown[]): Promise<T | undefined> => {
      try {
        return await handler(...args);
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        deps.log.error(`${id} failed: ${text}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Azure Monitor: {0}', text));
        return undefined;
      }
    };
  const uriArgument = (value: unknown): vscode.Uri | undefined => (value instanceof vscode.Uri ? value : undefined);
  context.subscriptions.push(
    manager,
    vscode.commands.registerCommand('azureMonitorPython.openLiveTelemetry', run('azureMonitorPython.openLiveTelemetry', () => manager.open())),
    vscode.commands.registerCommand('azureMonitorPython.exportLiveTelemetry', run('azureMonitorPython.exportLiveTelemetry', (target) => manager.exportItems(uriArgument(target)))),
    vscode.commands.registerCommand('azureMonitorPython.importTelemetry', run('azureMonitorPython.importTelemetry', (source) => manager.importItems(uriArgument(source)))),
    vscode.window.registerWebviewPanelSerializer(LIVE_TELEMETRY_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => manager.restore(panel),
    }),
  );
  return manager;
}
