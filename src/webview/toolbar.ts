/**
 * Stream controls (pause/resume rendering, clear, export, import) and the stream indicator: live,
 * paused with N new items waiting, or catching up after a burst.
 */
import { h, setText } from './dom';
import { formatCount } from './format';
import { plural, t } from './l10n';
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
    this.pauseButton = button('debug-pause', t('Pause stream'), t('Pause'), onTogglePause);
    this.element = h(
      'div',
      { class: 'toolbar', slot: 'addons', role: 'toolbar', 'aria-label': t('Telemetry stream') },
      this.indicator,
      this.itemCount,
      this.pauseButton,
      button('clear-all', t('Clear'), t('Clear'), () => host.post({ type: 'clear' })),
      button('desktop-download', t('Export'), t('Export'), () => host.post({ type: 'export' })),
      button('folder-opened', t('Import'), t('Import'), () => host.post({ type: 'import' })),
    );
  }

  update(state: { paused: boolean; behind: boolean; pendingItems: number; itemCount: number; connected: boolean }): void {
    const mode = state.paused ? 'paused' : state.behind ? 'behind' : state.connected ? 'live' : 'waiting';
    this.indicator.dataset.mode = mode;
    setText(
      this.indicator,
      mode === 'paused'
        ? state.pendingItems > 0
          ? t('Paused · {0} new', formatCount(state.pendingItems))
          : t('Paused')
        : mode === 'behind'
          ? state.pendingItems > 0
            ? t('Catching up… {0} queued', formatCount(state.pendingItems))
            : t('Catching up…')
          : mode === 'live'
            ? t('Live')
            : t('Connecting…'),
    );
    setText(this.itemCount, plural(state.itemCount, '{0} item', '{0} items'));
    const label = state.paused ? t('Resume stream') : t('Pause stream');
    if (this.pauseButton.getAttribute('label') !== label) {
      this.pauseButton.icon = state.paused ? 'debug-continue' : 'debug-pause';
      this.pauseButton.setAttribute('label', label);
      this.pauseButton.setAttribute('title', state.paused ? t('Resume rendering (new items are kept while paused)') : t('Pause rendering; items keep arriving'));
      setText(this.pauseButton.querySelector('.button-text')!, state.paused ? t('Resume') : t('Pause'));
    }
  }
}

/** `label` names the action (tooltip, screen readers); `text` is the short word shown beside the icon. */
function button(iconName: string, label: string, text: string, onClick: () => void): ToolbarButton {
  const element = h('vscode-toolbar-button', { icon: iconName, label, title: label, on: { click: onClick } }, h('span', { class: 'button-text' }, text)) as ToolbarButton;
  return element;
}
