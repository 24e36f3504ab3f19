/**
 * Stream controls (pause/resume rendering, clear, export, import) and the stream indicator: live,
 * paused with N new items waiting, or catching up after a burst.
 */
import { h, setText } from './dom';
import { formatCount } from './format';
import type { HostConnection } from './vscodeApi';

type ToolbarButton = HTMLElement & { icon: string };

export class Toolbar {
  readonly element: HTMLElement;
  private readonly indicator: HTMLElement;
  private readonly itemCount: HTMLElement;
  private readonly pauseButton: ToolbarButton;

  constructor(host: HostConnection, onTogglePause: () => void) {
    this.indicator = h('span', { class: 'stream-indicator', role: 'status', 'aria-live': 'polite' });
    this.itemCount = h('span', { class: 'item-count' });
    this.pauseButton = button('debug-pause', 'Pause stream', onTogglePause);
    this.element = h(
      'div',
      { class: 'toolbar', slot: 'addons', role: 'toolbar', 'aria-label': 'Telemetry stream' },
      this.indicator,
      this.itemCount,
      this.pauseButton,
      button('clear-all', 'Clear', () => host.post({ type: 'clear' })),
      button('desktop-download', 'Export', () => host.post({ type: 'export' })),
      button('folder-opened', 'Import', () => host.post({ type: 'import' })),
    );
  }

  update(state: { paused: boolean; behind: boolean; pendingItems: number; itemCount: number; connected: boolean }): void {
    const mode = state.paused ? 'paused' : state.behind ? 'behind' : state.connected ? 'live' : 'waiting';
    this.indicator.dataset.mode = mode;
    setText(
      this.indicator,
      mode === 'paused'
        ? state.pendingItems > 0
          ? `Paused · ${formatCount(state.pendingItems)} new`
          : 'Paused'
        : mode === 'behind'
          ? `Catching up…${state.pendingItems > 0 ? ` ${formatCount(state.pendingItems)} queued` : ''}`
          : mode === 'live'
            ? 'Live'
            : 'Connecting…',
    );
    setText(this.itemCount, `${formatCount(state.itemCount)} items`);
    const label = state.paused ? 'Resume stream' : 'Pause stream';
    if (this.pauseButton.getAttribute('label') !== label) {
      this.pauseButton.icon = state.paused ? 'debug-continue' : 'debug-pause';
      this.pauseButton.setAttribute('label', label);
      this.pauseButton.setAttribute('title', state.paused ? 'Resume rendering (new items are kept while paused)' : 'Pause rendering; items keep arriving');
      setText(this.pauseButton.querySelector('.button-text')!, state.paused ? 'Resume' : 'Pause');
    }
  }
}

function button(iconName: string, label: string, onClick: () => void): ToolbarButton {
  const element = h('vscode-toolbar-button', { icon: iconName, label, title: label, on: { click: onClick } }, h('span', { class: 'button-text' }, label.split(' ')[0]!)) as ToolbarButton;
  return element;
}
