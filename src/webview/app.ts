/**
 * The panel: tabs for the views, the stream toolbar, notices and the forwarding strip, and
 * the frame loop. Messages only queue work; one animation frame applies everything queued and
 * renders the visible view once — so a burst costs frames, never data, and the UI stays responsive.
 */
import { copyChunkTexts, type HostToWebview, MAX_COPY_CHUNKS, MAX_COPY_LENGTH } from '../shared/messages';
import type { WebviewString } from '../shared/webviewStrings';
import { h, icon, telemetryText } from './dom';
import { formatCount } from './format';
import { ForwardingStrip } from './forwardingStrip';
import { samplingSummary } from './model/sampling';
import { t } from './l10n';
import { TelemetryModel } from './model/telemetryModel';
import { Toolbar } from './toolbar';
import { UpdateQueue } from './updateQueue';
import { FailuresView } from './views/failuresView';
import { HistorySearch } from './views/historySearch';
import { LiveView } from './views/liveView';
import { LogsView } from './views/logsView';
import { MapView } from './views/mapView';
import { MetricsView } from './views/metricsView';
import { PerformanceView } from './views/performanceView';
import { QueryView } from './views/queryView';
import { TransactionsView } from './views/transactionsView';
import type { PanelView, RevealTarget, ViewContext } from './views/viewContext';
import { type HostConnection, VIEW_IDS, type ViewId } from './vscodeApi';

const VIEW_TITLES: Record<ViewId, { title: WebviewString; icon: string }> = {
  transactions: { title: 'Transactions', icon: 'type-hierarchy-sub' },
  performance: { title: 'Performance', icon: 'dashboard' },
  failures: { title: 'Failures', icon: 'warning' },
  logs: { title: 'Logs', icon: 'output' },
  query: { title: 'Query', icon: 'search' },
  metrics: { title: 'Metrics', icon: 'graph-line' },
  map: { title: 'Map', icon: 'type-hierarchy' },
  live: { title: 'Live', icon: 'pulse' },
};

/** A frame slower than this marks the view as behind (shown until it keeps up again). */
const SLOW_FRAME_MS = 50;
const BEHIND_HOLD_MS = 600;
/** Frame time for a snapshot's older items (issue 20): they arrive while the first screen is usable. */
const BACKFILL_BUDGET_MS = 12;
/** How often the strip's sampling sentence may be recomputed while spans arrive. */
const SAMPLING_REFRESH_MS = 1000;

export class PanelApp {
  private readonly model = new TelemetryModel();
  private readonly queue = new UpdateQueue();
  private readonly views: PanelView[];
  private readonly queryView: QueryView;
  private readonly tabs: HTMLElement;
  private readonly toolbar: Toolbar;
  private readonly strip: ForwardingStrip;
  private readonly notices: HTMLElement;
  private readonly history: HistorySearch;
  private readonly badges = new Map<ViewId, HTMLElement>();
  private active: PanelView;
  private paused = false;
  private frameRequested = false;
  private behindUntil = 0;
  private renderedRevision = -1;
  private samplingRevision = -1;
  private samplingAt = Number.NEGATIVE_INFINITY;
  private activeStale = true;
  private lastCopyId = 0;
  /** A `showTransaction` waiting for the rest of a screenful-first snapshot (issue 20). */
  private pendingShowTransaction: string | undefined;
  /** Copies sent to the host and not yet answered: id → what was copied (for the notice). */
  private readonly pendingCopies = new Map<number, string>();

  constructor(
    root: HTMLElement,
    private readonly host: HostConnection,
  ) {
    const context: ViewContext = {
      model: this.model,
      host,
      navigate: (view, target) => this.navigate(view, target),
      copy: (text, what) => this.copy(text, what),
    };
    this.queryView = new QueryView(context);
    this.views = [
      new TransactionsView(context),
      new PerformanceView(context),
      new FailuresView(context),
      new LogsView(context),
      this.queryView,
      new MetricsView(context),
      new MapView(context),
      new LiveView(context),
    ];
    this.active = this.views.find((view) => view.id === host.uiState.view) ?? this.views[0]!;
    this.toolbar = new Toolbar(host, () => this.togglePause());
    this.strip = new ForwardingStrip(host, (delivery) => this.navigate('transactions', { delivery }));
    this.notices = h('div', { class: 'notices', 'aria-live': 'polite' });
    this.history = new HistorySearch(
      host,
      (operationId) => this.navigate('transactions', { operationId }),
      (operationId) => this.model.operations.get(operationId) !== undefined,
    );
    this.tabs = h(
      'vscode-tabs',
      { panel: true, class: 'tabs', 'selected-index': String(VIEW_IDS.indexOf(this.active.id)) },
      this.views.map((view) => {
        const badge = h('vscode-badge', { variant: 'counter', class: 'tab-badge', hidden: true });
        this.badges.set(view.id, badge);
        // The title attribute keeps the name when a narrow panel shows the tabs as icons only.
        const title = t(VIEW_TITLES[view.id].title);
        return h(
          'vscode-tab-header',
          { slot: 'header', 'data-view': view.id, title },
          icon(VIEW_TITLES[view.id].icon),
          h('span', { class: 'tab-title' }, t(VIEW_TITLES[view.id].title)),
          badge,
        );
      }),
      this.toolbar.element,
      this.views.map((view) => h('vscode-tab-panel', { 'data-view': view.id, class: 'tab-panel' }, view.element)),
    );
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      this.show(VIEW_IDS[index] ?? 'transactions');
    });
    root.replaceChildren(this.notices, this.history.element, this.tabs, this.strip.element);
    root.classList.add('panel-root');
    this.toolbar.attach(this.tabs, (view) => this.navigate(view as ViewId));
    this.strip.update(this.model.forwarding, undefined);
    this.toolbar.update({ paused: false, behind: false, pendingItems: 0, itemCount: 0, connected: false });
    setInterval(() => this.onTick(), 1000);
  }

  receive(message: HostToWebview): void {
    switch (message.type) {
      case 'snapshot':
        this.queue.pushSnapshot(message);
        this.model.addLiveDocuments(message.liveDocuments, true);
        this.openPendingHistoryHit();
        break;
      case 'snapshotChunk':
        this.queue.pushChunk(message);
        this.openPendingHistoryHit();
        break;
      case 'delta':
        this.queue.pushDelta(message);
        if (message.liveDocuments) this.model.addLiveDocuments(message.liveDocuments, false);
        break;
      case 'forwarding':
        this.model.forwarding = message.status;
        break;
      case 'notice':
        this.showNotice(message.level, message.text);
        return;
      case 'showTransaction':
        // The host asks right after a snapshot: the transaction may be in a chunk still to come.
        if (!this.queue.backfillReceived && this.model.operations.get(message.operationId) === undefined) {
          this.pendingShowTransaction = message.operationId;
          return;
        }
        this.pendingShowTransaction = undefined;
        this.navigate('transactions', { operationId: message.operationId });
        return;
      case 'showQuery':
        this.navigate('query', { query: message.query });
        return;
      case 'copyResult': {
        const what = this.pendingCopies.get(message.id);
        if (what === undefined) return;
        this.pendingCopies.delete(message.id);
        if (message.ok) this.showNotice('info', t('{0} copied to the clipboard.', what));
        else this.showNotice('error', t('{0} was not copied: {1}', what, message.error ?? ''));
        return;
      }
      case 'queryResult':
        this.queryView.receiveResult(message.id, message.result, message.error);
        return;
      case 'historyRuns':
        this.history.setRuns(message.runs);
        return;
      case 'historySearchResult':
        this.history.receiveResult(message);
        return;
      case 'historyShowing':
        this.history.setShowing(message.runId, message.name);
        break; // the toolbar's indicator says History or Live
    }
    this.requestFrame();
  }

  /**
   * A `showTransaction` or a search hit of another run waits for the whole snapshot: the
   * transaction opens once all of it is here.
   */
  private openPendingHistoryHit(): void {
    if (this.pendingShowTransaction !== undefined && this.queue.backfillReceived) {
      const operationId = this.pendingShowTransaction;
      this.pendingShowTransaction = undefined;
      this.navigate('transactions', { operationId });
    }
    if (this.history.pendingOpen === undefined || !this.queue.backfillReceived) return;
    const operationId = this.history.pendingOpen;
    this.history.pendingOpen = undefined;
    this.navigate('transactions', { operationId });
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.frame());
  }

  private frame(): void {
    this.frameRequested = false;
    const started = performance.now();
    if (!this.paused && !this.queue.isEmpty) this.queue.applyTo(this.model, BACKFILL_BUDGET_MS);
    let wantsMore = false;
    if (!this.paused && (this.activeStale || this.model.revision !== this.renderedRevision)) {
      wantsMore = this.active.render(this.activeStale);
      this.activeStale = false;
      this.renderedRevision = this.model.revision;
    }
    this.strip.update(this.model.forwarding, this.model.relayUrl);
    this.refreshSampling();
    const elapsed = performance.now() - started;
    if (elapsed > SLOW_FRAME_MS) this.behindUntil = performance.now() + BEHIND_HOLD_MS;
    const behind = performance.now() < this.behindUntil;
    this.updateChrome(behind);
    // A throttled view asked to be called again: keep frames coming until it has caught up.
    if (wantsMore) this.renderedRevision = -1;
    if (wantsMore || behind || (!this.paused && !this.queue.isEmpty)) this.requestFrame();
  }

  private updateChrome(behind: boolean): void {
    this.toolbar.update({
      paused: this.paused,
      // A snapshot's older items still loading (issue 20) count, and show as "Catching up… N queued".
      behind: behind || this.queue.backfillPending > 0,
      pendingItems: this.queue.pendingItems + this.queue.backfillPending,
      itemCount: this.model.itemCount + this.queue.backfillPending,
      connected: this.model.hasSnapshot,
      history: this.history.shownRun !== undefined,
    });
    this.setBadge('logs', this.model.logs.aliveCount);
    this.setBadge('transactions', this.model.operations.size);
    document.body.classList.toggle('is-empty', this.model.itemCount === 0);
  }

  private setBadge(view: ViewId, count: number): void {
    const badge = this.badges.get(view)!;
    badge.hidden = count === 0;
    const text = count > 99_999 ? `${Math.floor(count / 1000)}k` : String(count);
    if (badge.textContent !== text) badge.textContent = text;
  }

  /**
   * Called once, right after `ready` (which must be the first message): when the restored view is
   * Live, the host tells apps "subscribed" so they post their Live Metrics. The host assumes "not
   * visible" until told, so nothing is sent otherwise.
   */
  announceVisibleView(): void {
    if (this.active.id === 'live') this.host.post({ type: 'liveViewVisible', visible: true });
  }

  /**
   * The strip's sampling sentence (issue 19): a pass over the spans, so at most once a second while
   * they change (the tick catches the last change).
   */
  private refreshSampling(): void {
    const spans = this.model.spans;
    if (spans.revision === this.samplingRevision || performance.now() - this.samplingAt < SAMPLING_REFRESH_MS) return;
    this.samplingRevision = spans.revision;
    this.samplingAt = performance.now();
    const model = this.model;
    this.strip.updateSampling(samplingSummary(spans.all.filter((item) => model.has(item))));
  }

  private onTick(): void {
    this.refreshSampling();
    if (this.paused || document.hidden) return;
    this.active.tick?.();
  }

  private togglePause(): void {
    this.paused = !this.paused;
    this.activeStale = true;
    this.requestFrame();
  }

  private show(id: ViewId): void {
    const view = this.views.find((candidate) => candidate.id === id);
    if (!view) return;
    if ((view.id === 'live') !== (this.active.id === 'live')) this.host.post({ type: 'liveViewVisible', visible: view.id === 'live' });
    this.active = view;
    this.host.updateUiState({ view: id });
    this.activeStale = true;
    this.requestFrame();
  }

  private navigate(id: ViewId, target?: RevealTarget): void {
    this.tabs.setAttribute('selected-index', String(VIEW_IDS.indexOf(id)));
    this.show(id);
    if (target) {
      if (!this.paused) this.queue.applyTo(this.model);
      this.views.find((view) => view.id === id)?.reveal?.(target);
    }
  }

  /**
   * Sends `text` to the host in chunks (copyChunkTexts); the notice says "copied" only when the
   * host answers that it wrote the clipboard (issue 12: a 1 MB copy said "copied" while the host
   * dropped it). Text beyond MAX_COPY_LENGTH is refused here, saying so.
   */
  private copy(text: string, what: string): void {
    // Chunks never split a surrogate pair, so a text near the limit can need one chunk more.
    const chunks = text.length > MAX_COPY_LENGTH ? [] : copyChunkTexts(text);
    if (chunks.length === 0 || chunks.length > MAX_COPY_CHUNKS) {
      this.showNotice(
        'error',
        t(
          '{0} is too large to copy ({1} characters; the limit is {2}). Export the items instead.',
          what,
          formatCount(text.length),
          formatCount(MAX_COPY_LENGTH),
        ),
      );
      return;
    }
    const id = ++this.lastCopyId;
    // Only the newest copy is answered for: the host keeps one copy at a time.
    this.pendingCopies.clear();
    this.pendingCopies.set(id, what);
    chunks.forEach((chunk, index) => this.host.post({ type: 'copyText', id, index, count: chunks.length, text: chunk }));
  }

  private showNotice(level: 'info' | 'error', text: string): void {
    const close = h('vscode-toolbar-button', { icon: 'close', label: t('Dismiss') });
    const notice = h(
      'div',
      { class: ['notice', `notice-${level}`], role: level === 'error' ? 'alert' : 'status' },
      icon(level === 'error' ? 'error' : 'info'),
      h('span', { class: 'notice-text' }, telemetryText(text)),
      close,
    );
    close.addEventListener('click', () => notice.remove());
    this.notices.append(notice);
    while (this.notices.childElementCount > 3) this.notices.firstElementChild?.remove();
    if (level === 'info') setTimeout(() => notice.remove(), 6000);
  }
}
