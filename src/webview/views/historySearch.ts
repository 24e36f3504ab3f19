/**
 * The history bar (issue 16): one search box over the telemetry history on disk, a run selector
 * ("Current run", earlier runs, "All runs") and, while an earlier run is shown, a banner that says
 * so with "Back to live". The host searches (src/core/panel/historySearch.ts); hits come back
 * grouped by table and each opens its transaction. Hidden until the host lists runs (no history,
 * no bar). All telemetry and run names go in as text only.
 */
import {
  type HistoryOffCause,
  type HistoryRunSummary,
  type HistorySearchHit,
  type HostToWebview,
  MAX_HISTORY_SEARCH_TEXT,
} from '../../shared/messages';
import type { WebviewString } from '../../shared/webviewStrings';
import { selectControl, searchField, type SelectControl, type SelectOption } from '../controls';
import { displayText, h, icon, replaceChildren, setText, telemetryText } from '../dom';
import { formatCount, formatTime, tableLabel } from '../format';
import { plural, t } from '../l10n';
import type { HostConnection } from '../vscodeApi';

type SearchResult = Extract<HostToWebview, { type: 'historySearchResult' }>;
type StatusMessage = Extract<HostToWebview, { type: 'historyStatus' }>;

/** How the history-off notice ends each reason ("Telemetry history is off: {reason}. …"). */
const OFF_REASON_TEXT: Record<HistoryOffCause, WebviewString> = {
  disabled: 'the setting turns it off',
  unavailable: 'it could not be opened',
  diskFull: 'the disk is full',
  readOnly: 'its folder cannot be written',
  sizeLimit: 'it reached its size limit',
  fallingBehind: 'writing it could not keep up with the incoming telemetry',
  error: 'a write failed',
};

const CURRENT = 'current';
const ALL = 'all';
/** Run names in the selector are cut to this (the full name is in the banner and the tooltip). */
const RUN_LABEL_LIMIT = 60;

export class HistorySearch {
  readonly element: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly bannerText: HTMLElement;
  private readonly results: HTMLElement;
  private readonly runSelect: SelectControl;
  private readonly bar: HTMLElement;
  private readonly offNotice: HTMLElement;
  private readonly offText: HTMLElement;
  private readonly offButton: HTMLElement;
  private offTarget: 'setting' | 'log' = 'log';
  private readonly pinButton: HTMLElement;
  private readonly loadedText: HTMLElement;
  private readonly olderButton: HTMLElement;
  private hasRuns = false;
  /** The history folder opened read-only whose runs the selector lists, or undefined for the workspace's. */
  private folder: string | undefined;
  private readonly folderLine: HTMLElement;
  private readonly folderText: HTMLElement;
  private historyOff = false;
  private runs: readonly HistoryRunSummary[] = [];
  private text = '';
  private lastId = 0;
  /** The run the panel shows from the history, or undefined while it shows live telemetry. */
  private showingRun: string | undefined;
  /** The transaction to open once the run that holds it arrived (its snapshot follows `historyShowing`). */
  pendingOpen: string | undefined;

  constructor(
    private readonly host: HostConnection,
    /** Opens a transaction in the Transactions view (after the run holding it is shown, if need be). */
    private readonly openTransaction: (operationId: string) => void,
    /** Whether the panel holds this transaction now (live items, or the restored last run). */
    private readonly isShown: (operationId: string) => boolean,
  ) {
    this.runSelect = selectControl(t('Runs to search'), this.runOptions(), CURRENT, (value) => this.onRunSelected(value));
    this.runSelect.element.classList.add('history-runs');
    const field = searchField(t('Search history'), '', (value) => {
      this.text = value.trim();
      this.search();
    });
    field.classList.add('history-field');
    this.bannerText = h('span', { class: 'history-banner-text' });
    const back = h('vscode-button', { secondary: true, icon: 'debug-restart', class: 'history-back' }, t('Back to live'));
    back.addEventListener('click', () => this.backToLive());
    this.loadedText = h('span', { class: 'history-loaded' });
    this.olderButton = h('vscode-button', { secondary: true, icon: 'fold-up', class: 'history-older', hidden: true }, t('Load older'));
    this.olderButton.addEventListener('click', () => {
      // One page at a time: the button comes back with the host's next `historyShowing`.
      this.olderButton.setAttribute('disabled', '');
      this.host.post({ type: 'historyLoadOlder' });
    });
    this.banner = h(
      'div',
      { class: 'history-banner', role: 'status', hidden: true },
      icon('history'),
      this.bannerText,
      this.loadedText,
      this.olderButton,
      back,
    );
    this.results = h('div', { class: 'history-results', hidden: true, 'aria-live': 'polite' });
    this.offText = h('span', { class: 'history-off-text' });
    this.offButton = h('vscode-button', { secondary: true, class: 'history-off-action' });
    this.offButton.addEventListener('click', () => this.host.post({ type: 'historyHelp', target: this.offTarget }));
    this.offNotice = h('div', { class: 'history-off', role: 'status', hidden: true }, icon('warning'), this.offText, this.offButton);
    this.folderText = h('span', { class: 'history-folder-text' });
    const closeFolder = h(
      'vscode-button',
      { secondary: true, icon: 'close', class: 'history-folder-close' },
      t('Back to workspace history'),
    );
    closeFolder.addEventListener('click', () => this.host.post({ type: 'historyCloseFolder' }));
    this.folderLine = h(
      'div',
      { class: 'history-folder', role: 'status', hidden: true },
      icon('folder-opened'),
      this.folderText,
      closeFolder,
    );
    this.pinButton = h('vscode-button', { secondary: true, class: 'history-pin', hidden: true });
    this.pinButton.addEventListener('click', () => this.togglePin());
    this.bar = h('div', { class: 'history-bar', hidden: true }, field, this.runSelect.element, this.pinButton);
    this.element = h(
      'section',
      { class: 'history-search', 'aria-label': t('Telemetry history'), hidden: true },
      this.offNotice,
      this.folderLine,
      this.banner,
      this.bar,
      this.results,
    );
  }

  /** The history's runs, oldest first: the bar appears with the first list. */
  setRuns(runs: readonly HistoryRunSummary[], folder?: string): void {
    // Another history (a folder opened or closed) or runs deleted: hits shown may be gone, search again.
    const stale = folder !== this.folder || this.runs.some((run) => !runs.some((next) => next.id === run.id));
    this.runs = runs;
    this.folder = folder;
    this.folderLine.hidden = folder === undefined;
    if (folder !== undefined) setText(this.folderText, t('Runs from the folder {0} (read-only)', displayText(folder, 200)));
    this.hasRuns = true;
    this.bar.hidden = false;
    this.element.hidden = false;
    this.runSelect.setOptions(this.runOptions());
    this.updatePin();
    if (stale && this.text !== '') this.search();
  }

  /** Recording on or off: off shows one line saying why, with the setting or the log one click away. */
  setStatus(message: StatusMessage): void {
    this.historyOff = message.state === 'off';
    this.offNotice.hidden = !this.historyOff;
    this.element.hidden = !this.hasRuns && !this.historyOff;
    if (!this.historyOff) return;
    const reason = message.reason ?? 'error';
    setText(this.offText, t('Telemetry history is off: {0}. Live telemetry and forwarding carry on.', t(OFF_REASON_TEXT[reason])));
    // The setting fixes these two; for the rest the log has the system's message (a path, an errno).
    this.offTarget = reason === 'disabled' || reason === 'sizeLimit' ? 'setting' : 'log';
    setText(this.offButton, this.offTarget === 'setting' ? t('Open Setting') : t('Show Log'));
  }

  get isOff(): boolean {
    return this.historyOff;
  }

  /** The run the pin button acts on: the shown or selected earlier run, or the run being recorded. */
  private pinTarget(): HistoryRunSummary | undefined {
    if (this.folder !== undefined) return undefined; // an opened folder is read-only
    const value = this.showingRun ?? this.runSelect.value;
    if (value === ALL) return undefined;
    if (value === CURRENT) return this.runs.filter((run) => run.active).pop();
    return this.runs.find((run) => run.id === value);
  }

  private updatePin(): void {
    const run = this.pinTarget();
    this.pinButton.hidden = run === undefined;
    if (!run) return;
    const label = run.pinned ? t('Unpin run') : t('Pin run');
    this.pinButton.setAttribute('icon', run.pinned ? 'pinned' : 'pin');
    this.pinButton.setAttribute('title', label);
    this.pinButton.setAttribute('aria-pressed', String(run.pinned));
    setText(this.pinButton, label);
  }

  private togglePin(): void {
    const run = this.pinTarget();
    if (run) this.host.post({ type: 'historySetPinned', runId: run.id, pinned: !run.pinned });
  }

  /** The host now shows `runId` from the history, or live telemetry (no runId). */
  setShowing(runId: string | undefined, name: string | undefined, loaded?: { loaded?: number; total?: number; more?: boolean }): void {
    this.showingRun = runId;
    const counts = runId !== undefined && loaded?.loaded !== undefined && loaded.total !== undefined;
    setText(this.loadedText, counts ? t('{0} of {1} items loaded', formatCount(loaded.loaded!), formatCount(loaded.total!)) : '');
    this.olderButton.hidden = !(runId !== undefined && loaded?.more === true);
    this.olderButton.removeAttribute('disabled');
    this.banner.hidden = runId === undefined;
    document.body.classList.toggle('showing-history', runId !== undefined);
    if (runId !== undefined) {
      setText(this.bannerText, t('Showing run {0} from history', displayText(name ?? runId, 200)));
      this.runSelect.setValue(runId);
    } else if (this.runSelect.value !== ALL) {
      this.runSelect.setValue(CURRENT);
    }
    this.updatePin();
  }

  get shownRun(): string | undefined {
    return this.showingRun;
  }

  receiveResult(message: SearchResult): void {
    if (message.id !== this.lastId || this.text === '') return; // an older search's answer
    if (message.error !== undefined) {
      replaceChildren(
        this.results,
        h('div', { class: 'history-status history-error' }, t('Search failed: {0}', displayText(message.error, 300))),
      );
      return;
    }
    const status =
      message.total === 0
        ? t('No matches in the history.')
        : message.truncated
          ? t('Showing the first {0} matches.', formatCount(message.total))
          : plural(message.total, '{0} match', '{0} matches');
    replaceChildren(
      this.results,
      h('div', { class: 'history-status' }, status),
      message.groups.map((group) =>
        h(
          'div',
          { class: 'history-group', 'data-table': group.table },
          h(
            'div',
            { class: 'history-group-title' },
            tableLabel(group.table),
            ' ',
            h('vscode-badge', { variant: 'counter' }, formatCount(group.hits.length)),
          ),
          group.hits.map((hit) => this.hitRow(hit)),
        ),
      ),
    );
  }

  private hitRow(hit: HistorySearchHit): HTMLElement {
    const operationId = hit.operationId;
    const row = h(
      'button',
      {
        type: 'button',
        class: 'history-hit',
        disabled: operationId === undefined,
        title: operationId === undefined ? undefined : t('Show transaction'),
      },
      h('span', { class: 'history-hit-time' }, formatTime(hit.time)),
      h('span', { class: 'history-hit-text' }, telemetryText(hit.text, 300)),
    );
    if (operationId !== undefined) row.addEventListener('click', () => this.open(hit.runId, operationId));
    return row;
  }

  /**
   * A hit the panel holds (or of the shown run) opens at once; one of another run shows that run
   * first — and one of the run being recorded goes back to live (that run is not an earlier run the
   * selector lists, so showing it "from history" would leave the selector blank).
   */
  private open(runId: string, operationId: string): void {
    const recording = this.folder === undefined && this.runs.some((run) => run.id === runId && run.active);
    if (recording && this.showingRun !== undefined) {
      this.backToLive();
      this.pendingOpen = operationId;
      return;
    }
    const shown =
      this.showingRun === undefined
        ? this.isShown(operationId) || this.runs.some((run) => run.id === runId && run.active)
        : this.showingRun === runId;
    if (shown) {
      this.openTransaction(operationId);
      return;
    }
    this.pendingOpen = operationId;
    this.host.post({ type: 'historyShowRun', runId });
  }

  private onRunSelected(value: string): void {
    if (value === CURRENT || value === ALL) {
      if (this.showingRun !== undefined) this.backToLive();
    } else {
      this.host.post({ type: 'historyShowRun', runId: value });
    }
    this.updatePin();
    this.search();
  }

  private backToLive(): void {
    this.pendingOpen = undefined;
    if (this.runSelect.value !== ALL) this.runSelect.setValue(CURRENT);
    this.updatePin();
    this.host.post({ type: 'historyShowRun' });
  }

  private search(): void {
    const id = ++this.lastId;
    if (this.text === '') {
      this.results.hidden = true;
      this.results.replaceChildren();
      return;
    }
    this.results.hidden = false;
    if (this.results.childElementCount === 0) this.results.append(h('div', { class: 'history-status' }, t('Searching…')));
    const text = this.text.slice(0, MAX_HISTORY_SEARCH_TEXT);
    // "Current run" is resolved by the host, which knows which runs it is recording right now.
    const value = this.runSelect.value;
    this.host.post(
      value === ALL
        ? { type: 'historySearch', id, text }
        : value === CURRENT
          ? { type: 'historySearch', id, text, current: true }
          : { type: 'historySearch', id, text, runIds: [value] },
    );
  }

  private runOptions(): SelectOption[] {
    const folder = this.folder;
    const earlier = this.runs
      .filter((run) => !run.active)
      .slice()
      .reverse()
      .map((run) => ({ value: run.id, label: runLabel(run, folder) }));
    // A folder's runs are all earlier runs: nothing there is being recorded now.
    if (folder !== undefined) return [...earlier, { value: ALL, label: t('All runs') }];
    return [{ value: CURRENT, label: t('Current run') }, ...earlier, { value: ALL, label: t('All runs') }];
  }
}

function runLabel(run: HistoryRunSummary, folder: string | undefined): string {
  const marks = [
    run.imported ? t('imported') : undefined,
    run.pinned ? t('pinned') : undefined,
    folder === undefined ? undefined : t('from {0}', displayText(folder, 40)),
  ].filter(Boolean);
  const started = new Date(run.start).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return [displayText(run.name, RUN_LABEL_LIMIT), started, plural(run.items, '{0} item', '{0} items'), ...marks].join(' · ');
}
