/**
 * The panel's activation-time part: its commands and its serializer. The panel host itself
 * (liveTelemetryPanel.ts with PanelFeed and the KQL evaluator) is in its own bundle, loaded the
 * first time one of these runs (see ../lazy.ts).
 */
import * as vscode from 'vscode';
import { HistoryStore } from '../../core/history';
import { COMMAND_IDS } from '../../shared/commandIds';
import { registerCommands } from '../commandRegistry';
import type { ExtensionContextState } from '../contextState';
import { loadPanelRuntime } from '../lazy';
import type { LiveTelemetryPanel } from './liveTelemetryPanel';
import { LIVE_TELEMETRY_VIEW_TYPE } from './panelIds';

/** What extension.ts needs of the panel before it exists. */
export interface LiveTelemetryPanelHandle {
  /** Fires after Clear emptied the buffer (the status bar's count starts again from 0). */
  readonly onDidClear: vscode.Event<void>;
  /** Opens (or reveals) the panel at this transaction: the runtime exceptions' quick fix. */
  showTransaction(operationId: string): void;
  /** Opens (or reveals) the panel's Query tab with this query: a telemetry lens's click. */
  showQuery(query: string): void;
}

/**
 * The command, the serializer, the clear command and the export/import commands (the latter take
 * an optional Uri, so they can be driven without dialogs). The commands go through the shared
 * registry: each is a lazy start trigger of the relay and reports its errors. The manager is made
 * on first use, once the workspace's history (opened in the background on activation) is there,
 * and disposed with the extension.
 */
export function registerLiveTelemetryPanel(
  state: ExtensionContextState,
  history: Promise<HistoryStore | undefined> = Promise.resolve(undefined),
): LiveTelemetryPanelHandle {
  const context = state.extensionContext;
  const cleared = new vscode.EventEmitter<void>();
  let manager: LiveTelemetryPanel | undefined;
  const panel = async (): Promise<LiveTelemetryPanel> => {
    const opened = await history;
    if (!manager) {
      const { LiveTelemetryPanel } = loadPanelRuntime();
      manager = new LiveTelemetryPanel(context.extensionUri, {
        relay: state.relay,
        log: state.log,
        history: opened,
        openHistoryFolder: (dir) => HistoryStore.open(dir, { readOnly: true, log: (message) => state.log.info(message) }),
      });
      context.subscriptions.push(
        manager,
        manager.onDidClear(() => cleared.fire()),
      );
    }
    return manager;
  };
  const uriArgument = (value: unknown): vscode.Uri | undefined => (value instanceof vscode.Uri ? value : undefined);
  /** For callers that return nothing: a failure is logged, not lost. */
  const withPanel = (what: string, use: (manager: LiveTelemetryPanel) => unknown): void => {
    panel()
      .then(use)
      .catch((error: unknown) => state.log.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  registerCommands(state, {
    [COMMAND_IDS.openLiveTelemetry]: async () => (await panel()).open(),
    [COMMAND_IDS.exportLiveTelemetry]: async (target) => (await panel()).exportItems(uriArgument(target)),
    [COMMAND_IDS.importTelemetry]: async (source) => (await panel()).importItems(uriArgument(source)),
    [COMMAND_IDS.clearLiveTelemetry]: async () => (await panel()).clearItems(),
    [COMMAND_IDS.openTelemetryHistory]: async (folder) => (await panel()).openHistoryFolder(uriArgument(folder)),
  });
  if (state.relay.onDidUseOldKey)
    context.subscriptions.push(
      state.relay.onDidUseOldKey((use) => withPanel('The old-key notice', (manager) => manager.noticeOldKey(use))),
    );
  context.subscriptions.push(
    cleared,
    vscode.window.registerWebviewPanelSerializer(LIVE_TELEMETRY_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel) => (await panel()).restore(webviewPanel),
    }),
  );
  return {
    onDidClear: cleared.event,
    showTransaction: (operationId) => withPanel('Showing the transaction', (manager) => manager.showTransaction(operationId)),
    showQuery: (query) => withPanel('Showing the query', (manager) => manager.showQuery(query)),
  };
}
