/** The relay's state in the status bar; a click opens the live panel. */
import * as vscode from 'vscode';
import { OPEN_LIVE_TELEMETRY_COMMAND } from './commandRegistry';
import type { ExtensionContextState } from './contextState';
import type { RelayStatus } from './relayController';

/** Shown from the relay's first start on, following its status. */
export function registerStatusBar(state: ExtensionContextState): RelayStatusBarItem {
  const item = new RelayStatusBarItem(OPEN_LIVE_TELEMETRY_COMMAND, () => state.relay.running?.server.stats().itemsAccepted);
  state.extensionContext.subscriptions.push(
    item,
    state.relay.onDidChangeStatus((status) => item.update(status)),
  );
  if (state.relay.status.state !== 'stopped') item.update(state.relay.status);
  return item;
}

const ICONS: Record<RelayStatus['state'], string> = {
  stopped: '$(circle-slash)',
  starting: '$(loading~spin)',
  'local-only': '$(radio-tower)',
  forwarding: '$(cloud-upload)',
  retrying: '$(sync~spin)',
  paused: '$(debug-pause)',
  error: '$(error)',
};

export function statusLabel(status: RelayStatus): string {
  switch (status.state) {
    case 'stopped':
      return vscode.l10n.t('stopped');
    case 'starting':
      return vscode.l10n.t('starting');
    case 'local-only':
      return vscode.l10n.t('local-only');
    case 'forwarding':
      return vscode.l10n.t('forwarding');
    case 'retrying':
      return vscode.l10n.t('retrying');
    case 'paused':
      return vscode.l10n.t('paused');
    case 'error':
      return vscode.l10n.t('error');
    default:
      return status.state satisfies never;
  }
}

export class RelayStatusBarItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('azureMonitorPython.relay', vscode.StatusBarAlignment.Left, 50);
  private last: RelayStatus | undefined;
  /**
   * The relay's received count at the last Clear: the item counts from there, as the panel does.
   * The relay's own counter only grows (and starts again at 0 with a new relay, at the same url).
   */
  private clearedAt: { url: string | undefined; received: number } | undefined;

  /** `receivedNow`: the running relay's count at this moment (the published status lags up to a second). */
  constructor(
    openCommand: string,
    private readonly receivedNow: () => number | undefined = () => undefined,
  ) {
    this.item.name = vscode.l10n.t('Azure Monitor relay');
    this.item.command = openCommand;
  }

  /** After Clear: the count starts again from 0. */
  resetCount(): void {
    if (!this.last) return;
    this.clearedAt = { url: this.last.url, received: this.receivedNow() ?? this.last.itemsReceived };
    this.update(this.last);
  }

  update(status: RelayStatus): void {
    this.last = status;
    // A stopped or restarted relay counts from 0 itself. Judged by the running relay's own counter:
    // the published status lags up to a second, so right after a Clear it can still carry a count
    // below the one cleared at — that is not a restart (it undid the reset when taken for one).
    const counter = this.receivedNow() ?? status.itemsReceived;
    if (this.clearedAt && (status.url !== this.clearedAt.url || counter < this.clearedAt.received)) this.clearedAt = undefined;
    const received = Math.max(0, status.itemsReceived - (this.clearedAt?.received ?? 0));
    this.item.text = `${ICONS[status.state]} ${vscode.l10n.t('Azure Monitor: {0}', statusLabel(status))}${received > 0 ? ` · ${received}` : ''}`;
    const lines = [
      `**${vscode.l10n.t('Azure Monitor relay')}** — ${statusLabel(status)}`,
      status.url ? vscode.l10n.t('Listening on {0}', status.url) : undefined,
      this.clearedAt ? vscode.l10n.t('Items received since Clear: {0}', received) : vscode.l10n.t('Items received: {0}', received),
      status.queuedItems > 0 ? vscode.l10n.t('Queued for Azure Monitor: {0}', status.queuedItems) : undefined,
      status.lastError ? vscode.l10n.t('Last error: {0}', status.lastError) : undefined,
      vscode.l10n.t('Click to open the live telemetry panel.'),
    ].filter((line): line is string => line !== undefined);
    const tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    tooltip.isTrusted = false;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      status.state === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : status.state === 'retrying'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
