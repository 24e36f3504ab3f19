/**
 * Stream controls (pause/resume rendering, clear, export, import) and the stream indicator: live,
 * paused with N new items waiting, or catching up after a burst.
 *
 * Narrow panels (an editor side by side): `fit()` collapses step by step until the tab headers and
 * the toolbar fit in one row — button words first, then Import, Export, Clear, the item count and
 * Pause move into the "More actions" (…) menu, and the tabs drop their titles (icon + badge; the
 * title stays as tooltip and accessible name). The menu is a keyboard-operable ARIA menu. With eight
 * tabs at 360 px even icon-only headers do not fit: then the last tabs other than the selected one
 * leave the row and are listed at the top of the menu.
 */
import { h, icon, setText } from './dom';
import { formatCount } from './format';
import { plural, t } from './l10n';
import type { HostConnection } from './vscodeApi';

type ToolbarButton = HTMLElement & { icon: string };

interface Action {
  readonly button: ToolbarButton;
  readonly item: HTMLElement;
  readonly run: () => void;
}

/** Collapse steps, applied cumulatively in this order until everything fits. */
type Step = 'icons' | 'import' | 'export' | 'clear' | 'count' | 'tabs' | 'pause' | 'indicator';
// 'indicator' last: at 360 px the longest state ("Catching up…", Korean "따라잡는 중…") alone could
// push "More actions" off-screen, so the indicator then shows its dot only (its text stays its
// tooltip and what screen readers announce).
const STEPS: readonly Step[] = ['icons', 'import', 'export', 'clear', 'count', 'tabs', 'pause', 'indicator'];

export class Toolbar {
  readonly element: HTMLElement;
  private readonly indicator: HTMLElement;
  private readonly itemCount: HTMLElement;
  private readonly pauseButton: ToolbarButton;
  private readonly moreButton: ToolbarButton;
  private readonly menu: HTMLElement;
  private readonly menuCount: HTMLElement;
  private readonly actions: Record<'pause' | 'clear' | 'export' | 'import', Action>;
  private tabs: HTMLElement | undefined;
  private collapsed = 0;
  /** Menu entries for tabs that do not fit, by their header. */
  private readonly tabItems = new Map<HTMLElement, HTMLElement>();
  private readonly tabGroup = h('div', { class: 'toolbar-menu-tabs', role: 'group' });
  private overflowedTabs = 0;

  constructor(host: HostConnection, onTogglePause: () => void) {
    this.indicator = h('span', { class: 'stream-indicator', role: 'status', 'aria-live': 'polite' });
    this.itemCount = h('span', { class: 'item-count' });
    const action = (iconName: string, label: string, text: string, run: () => void): Action => ({
      button: button(iconName, label, text, run),
      item: h(
        'div',
        { role: 'menuitem', tabindex: '-1', class: 'toolbar-menu-item', title: label, on: { click: () => this.runFromMenu(run) } },
        icon(iconName),
        h('span', { class: 'menu-text' }, text),
      ),
      run,
    });
    this.actions = {
      pause: action('debug-pause', t('Pause stream'), t('Pause'), onTogglePause),
      clear: action('clear-all', t('Clear'), t('Clear'), () => host.post({ type: 'clear' })),
      export: action('desktop-download', t('Export'), t('Export'), () => host.post({ type: 'export' })),
      import: action('folder-opened', t('Import'), t('Import'), () => host.post({ type: 'import' })),
    };
    this.pauseButton = this.actions.pause.button;
    this.menuCount = h('div', { class: 'toolbar-menu-count', role: 'presentation' });
    this.menu = h(
      'div',
      {
        class: 'toolbar-menu',
        role: 'menu',
        'aria-label': t('More actions'),
        hidden: true,
        on: { keydown: (event) => this.onMenuKey(event as KeyboardEvent), focusout: (event) => this.onMenuFocusOut(event as FocusEvent) },
      },
      this.menuCount,
      this.tabGroup,
      ...Object.values(this.actions).map((a) => a.item),
    );
    this.moreButton = h('vscode-toolbar-button', {
      icon: 'ellipsis',
      class: 'toolbar-more',
      label: t('More actions'),
      title: t('More actions'),
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      hidden: true,
      on: { click: () => this.toggleMenu() },
    }) as ToolbarButton;
    this.element = h(
      'div',
      { class: 'toolbar', slot: 'addons', role: 'toolbar', 'aria-label': t('Telemetry stream') },
      this.indicator,
      this.itemCount,
      ...Object.values(this.actions).map((a) => a.button),
      this.moreButton,
      this.menu,
    );
    // vscode-tabs handles keys in its header (where this toolbar sits) and cancels Enter/Space there,
    // which would swallow the buttons' keyboard activation.
    this.element.addEventListener('keydown', (event) => event.stopPropagation());
    document.addEventListener('pointerdown', (event) => {
      if (!this.menu.hidden && !this.menu.contains(event.target as Node) && !this.moreButton.contains(event.target as Node))
        this.closeMenu(false);
    });
  }

  /**
   * Watches `tabs` (the vscode-tabs holding this toolbar) and collapses whenever the row overflows;
   * `showTab` selects a tab from the menu (with its header's `data-view`).
   */
  attach(tabs: HTMLElement, showTab?: (view: string) => void): void {
    this.tabs = tabs;
    for (const header of tabs.querySelectorAll<HTMLElement>(':scope > vscode-tab-header')) {
      const view = header.dataset.view ?? '';
      const glyph = header.querySelector('.codicon')?.cloneNode(true);
      const item = h(
        'div',
        {
          role: 'menuitem',
          tabindex: '-1',
          class: 'toolbar-menu-item toolbar-menu-tab',
          'data-view': view,
          hidden: true,
          on: { click: () => this.runFromMenu(() => showTab?.(view)) },
        },
        glyph ?? null,
        h('span', { class: 'menu-text' }, header.title),
      );
      this.tabItems.set(header, item);
      this.tabGroup.append(item);
    }
    // The selected tab must stay in the row: refit when the selection moves (a click or navigate()).
    new MutationObserver(() => this.fit()).observe(tabs, { attributes: true, attributeFilter: ['selected-index'] });
    // The panel resizing, and the headers growing (a badge appears, a count gets a digit).
    const observer = new ResizeObserver(() => this.fit());
    observer.observe(tabs);
    for (const header of tabs.querySelectorAll(':scope > vscode-tab-header')) observer.observe(header);
    // The toolbar's own buttons render their shadow content asynchronously (they are Lit elements),
    // and on a busy machine that can come after every other trigger: a fit measured before they had
    // their width left Pause drawn off-screen with no "More actions" (the narrow test at load 17).
    observer.observe(this.element);
    for (const a of Object.values(this.actions)) observer.observe(a.button);
    // Widths change when the codicon and UI fonts arrive, without the panel itself resizing.
    document.fonts.addEventListener('loadingdone', () => this.fit());
    void document.fonts.ready.then(() => this.fit());
    this.fit();
  }

  /** Applies the fewest collapse steps with which the tab headers and the toolbar fit in one row. */
  fit(): void {
    const tabs = this.tabs;
    if (!tabs || tabs.clientWidth === 0) return;
    let steps = 0;
    this.showAllTabs();
    this.applySteps(0);
    while (steps < STEPS.length && this.overflows(tabs)) this.applySteps(++steps);
    this.collapsed = steps;
    this.overflowTabs(tabs);
  }

  private showAllTabs(): void {
    for (const [header, item] of this.tabItems) {
      header.hidden = false;
      item.hidden = true;
    }
    this.overflowedTabs = 0;
  }

  /** The last step: moves headers into the menu, from the last one, never the selected one. */
  private overflowTabs(tabs: HTMLElement): void {
    const selected = Number(tabs.getAttribute('selected-index') ?? 0);
    const headers = [...this.tabItems.keys()];
    for (let index = headers.length - 1; index >= 0 && this.overflows(tabs); index--) {
      if (index === selected) continue;
      headers[index]!.hidden = true;
      this.tabItems.get(headers[index]!)!.hidden = false;
      this.overflowedTabs++;
    }
    this.tabGroup.hidden = this.overflowedTabs === 0;
    if (this.overflowedTabs > 0) this.moreButton.hidden = false;
  }

  private overflows(tabs: HTMLElement): boolean {
    // vscode-tabs pads its header by 8 px each side; the headers and the toolbar share the rest.
    const available = tabs.clientWidth - 16;
    let used = this.element.getBoundingClientRect().width;
    for (const header of tabs.querySelectorAll<HTMLElement>(':scope > vscode-tab-header'))
      if (!header.hidden) used += header.getBoundingClientRect().width;
    return used > available + 0.5;
  }

  private applySteps(count: number): void {
    const on = new Set(STEPS.slice(0, count));
    this.element.classList.toggle('icons-only', on.has('icons'));
    this.element.classList.toggle('compact-indicator', on.has('indicator'));
    this.tabs?.classList.toggle('compact-tabs', on.has('tabs'));
    const inMenu = { import: on.has('import'), export: on.has('export'), clear: on.has('clear'), pause: on.has('pause') };
    for (const [name, a] of Object.entries(this.actions) as [keyof typeof this.actions, Action][]) {
      a.button.hidden = inMenu[name];
      a.item.hidden = !inMenu[name];
    }
    this.itemCount.hidden = on.has('count');
    this.menuCount.hidden = !on.has('count');
    this.moreButton.hidden = count < 2;
    if (this.moreButton.hidden) this.closeMenu(false);
  }

  update(state: {
    paused: boolean;
    behind: boolean;
    pendingItems: number;
    itemCount: number;
    connected: boolean;
    history?: boolean;
  }): void {
    // An earlier run read from the history (issue 16) is not live: the indicator says so.
    const mode = state.paused ? 'paused' : state.behind ? 'behind' : state.history ? 'history' : state.connected ? 'live' : 'waiting';
    const modeChanged = this.indicator.dataset.mode !== mode;
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
            : mode === 'history'
              ? t('History')
              : t('Connecting…'),
    );
    this.indicator.title = this.indicator.textContent ?? '';
    const count = plural(state.itemCount, '{0} item', '{0} items');
    const countWidthChanged = this.itemCount.textContent?.length !== count.length;
    setText(this.itemCount, count);
    setText(this.menuCount, count);
    const label = state.paused ? t('Resume stream') : t('Pause stream');
    if (this.pauseButton.getAttribute('label') !== label) {
      const iconName = state.paused ? 'debug-continue' : 'debug-pause';
      this.pauseButton.icon = iconName;
      this.pauseButton.setAttribute('label', label);
      this.pauseButton.setAttribute(
        'title',
        state.paused ? t('Resume rendering (new items are kept while paused)') : t('Pause rendering; items keep arriving'),
      );
      setText(this.pauseButton.querySelector('.button-text')!, state.paused ? t('Resume') : t('Pause'));
      const item = this.actions.pause.item;
      item
        .querySelector('.codicon')
        ?.classList.replace(state.paused ? 'codicon-debug-pause' : 'codicon-debug-continue', `codicon-${iconName}`);
      item.title = label;
      setText(item.querySelector('.menu-text')!, state.paused ? t('Resume') : t('Pause'));
    }
    // Refit only when widths can change (not on every frame of a burst: fit() forces layouts). The
    // indicator's own width is capped in CSS, so its changing numbers never push the row over.
    if (modeChanged || (countWidthChanged && this.collapsed > 0)) this.fit();
  }

  private toggleMenu(): void {
    if (this.menu.hidden) this.openMenu();
    else this.closeMenu(true);
  }

  private openMenu(): void {
    const box = this.moreButton.getBoundingClientRect();
    this.menu.hidden = false;
    // Fixed, right-aligned under the button and kept inside the panel.
    const width = this.menu.offsetWidth;
    this.menu.style.top = `${Math.round(box.bottom + 2)}px`;
    this.menu.style.left = `${Math.max(4, Math.min(Math.round(box.right - width), window.innerWidth - width - 4))}px`;
    this.moreButton.setAttribute('aria-expanded', 'true');
    this.menuItems()[0]?.focus();
  }

  private closeMenu(returnFocus: boolean): void {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.moreButton.setAttribute('aria-expanded', 'false');
    // The focusable part of vscode-toolbar-button is the <button> in its shadow root.
    if (returnFocus) (this.moreButton.shadowRoot?.querySelector('button') ?? this.moreButton).focus();
  }

  private runFromMenu(run: () => void): void {
    this.closeMenu(true);
    run();
  }

  private menuItems(): HTMLElement[] {
    return [...this.menu.querySelectorAll<HTMLElement>('[role="menuitem"]')].filter((item) => !item.hidden);
  }

  private onMenuKey(event: KeyboardEvent): void {
    const items = this.menuItems();
    const index = items.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        focus(index + 1);
        break;
      case 'ArrowUp':
        focus(index - 1);
        break;
      case 'Home':
        focus(0);
        break;
      case 'End':
        focus(items.length - 1);
        break;
      case 'Enter':
      case ' ':
        (document.activeElement as HTMLElement | null)?.click();
        break;
      case 'Escape':
        this.closeMenu(true);
        break;
      case 'Tab':
        this.closeMenu(false);
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  private onMenuFocusOut(event: FocusEvent): void {
    const next = event.relatedTarget as Node | null;
    if (next && !this.menu.contains(next) && !this.moreButton.contains(next)) this.closeMenu(false);
  }
}

/** `label` names the action (tooltip, screen readers); `text` is the short word shown beside the icon. */
function button(iconName: string, label: string, text: string, onClick: () => void): ToolbarButton {
  const element = h(
    'vscode-toolbar-button',
    { icon: iconName, label, title: label, on: { click: onClick } },
    h('span', { class: 'button-text' }, text),
  ) as ToolbarButton;
  return element;
}
