/**
 * Query: KQL over the panel's telemetry with the Application Insights table names. The host runs
 * the query (src/extension/panel/panelQuery.ts: the store has every field and the engine stays out
 * of this bundle); this view edits, completes, shows the rows in a virtualized grid and the chart
 * `render` asks for, and keeps the history and saved queries in the panel's state (per workspace).
 */
import type { QueryAnswer, QueryProblem } from '../../shared/messages';
import { selectControl, type SelectControl } from '../controls';
import { h, icon, replaceChildren, setText, telemetryText } from '../dom';
import { formatCount } from '../format';
import { plural, t } from '../l10n';
import { completeAt, type Completion } from '../model/kqlCompletion';
import type { ChartColor } from '../theme';
import { TimeChart } from '../timeChart';
import { VirtualList } from '../virtualList';
import type { PanelView, ViewContext } from './viewContext';

const ROW_HEIGHT = 24;
const MAX_HISTORY = 20;
const MAX_SAVED = 50;
const MAX_SERIES = 8;
const MAX_BARS = 50;
const SERIES_COLORS: readonly ChartColor[] = ['blue', 'orange', 'green', 'purple', 'red', 'yellow', 'foreground'];
const NUMERIC = new Set(['long', 'real', 'timespan']);
/** Chart axes show fractions (an average of 1.5 is not 2). */
const chartNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const EXAMPLE_QUERY = 'requests\n| summarize count(), avg(duration) by bin(timestamp, 1m)\n| render timechart';

interface ResultRow {
  readonly index: number;
  readonly cells: readonly unknown[];
}

export class QueryView implements PanelView {
  readonly id = 'query' as const;
  readonly element: HTMLElement;
  private readonly editor: HTMLTextAreaElement;
  private readonly suggestions: HTMLElement;
  private readonly status: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly chartBox: HTMLElement;
  private readonly header: HTMLElement;
  private readonly table: HTMLElement;
  private readonly list: VirtualList<ResultRow>;
  private readonly history: SelectControl;
  private readonly saved: SelectControl;
  private chart: TimeChart | undefined;
  private completion: Completion | undefined;
  private highlighted = 0;
  private lastId = 0;
  private pending: { id: number; query: string } | undefined;

  constructor(private readonly context: ViewContext) {
    const state = context.host.uiState;
    this.editor = h('textarea', {
      class: 'query-editor',
      rows: '5',
      spellcheck: 'false',
      'aria-label': t('Query text (KQL)'),
      'aria-autocomplete': 'list',
      on: { input: () => this.onInput(), keydown: (event) => this.onKeyDown(event as KeyboardEvent), blur: () => this.hideSuggestions() },
    });
    this.editor.value = state.queryText || EXAMPLE_QUERY;
    this.suggestions = h('div', { class: 'query-suggestions', role: 'listbox', 'aria-label': t('Suggestions'), hidden: true });
    this.history = selectControl(t('History'), this.historyOptions(), '', (value) => this.load(value));
    this.saved = selectControl(t('Saved queries'), this.savedOptions(), '', (value) => this.load(value));
    const run = h(
      'vscode-button',
      { icon: 'play', class: 'query-run', title: t('Run the query (Ctrl+Enter)'), on: { click: () => this.run() } },
      t('Run'),
    );
    const save = h(
      'vscode-button',
      {
        secondary: true,
        icon: 'save',
        class: 'query-save',
        title: t('Save this query for this workspace'),
        on: { click: () => this.save() },
      },
      t('Save'),
    );
    const copy = h(
      'vscode-button',
      {
        secondary: true,
        icon: 'copy',
        class: 'query-copy',
        title: t('Copy the query'),
        on: { click: () => context.copy(this.editor.value, t('KQL query')) },
      },
      t('Copy'),
    );
    this.status = h('span', { class: 'filter-count query-status', 'aria-live': 'polite' });
    this.problem = h('div', { class: 'query-problem', role: 'alert', hidden: true });
    this.chartBox = h('div', { class: 'query-chart', hidden: true });
    this.header = h('div', { class: 'list-header query-columns', 'aria-hidden': 'true' });
    this.list = new VirtualList<ResultRow>({
      rowHeight: ROW_HEIGHT,
      label: t('Query results'),
      className: 'query-list',
      key: (row) => row.index,
      renderRow: (row) =>
        h(
          'div',
          { class: 'row query-columns query-row' },
          row.cells.map((cell) => h('span', { class: 'query-cell' }, telemetryText(cellText(cell)))),
        ),
      emptyText: () =>
        this.pending
          ? t('Running…')
          : t(
              'Run a query over the telemetry in this panel, with the Application Insights table names: requests, dependencies, traces, exceptions, customEvents, customMetrics.',
            ),
    });
    this.table = h('div', { class: 'query-table' }, this.header, this.list.element);
    this.element = h(
      'div',
      { class: 'view query-view' },
      h('div', { class: 'query-box' }, this.editor, this.suggestions),
      h('div', { class: 'filter-bar query-actions' }, run, save, copy, this.history.element, this.saved.element, this.status),
      this.problem,
      this.chartBox,
      h('div', { class: 'query-grid' }, this.table),
    );
    this.showRows(undefined);
  }

  /** Results are a snapshot of when the query ran: new telemetry does not re-run it. */
  render(): boolean {
    return false;
  }

  /** "Query" on a transaction: its KQL here, run at once. */
  reveal(target: { operationId?: string; query?: string }): void {
    if (target.query === undefined) return;
    this.editor.value = target.query;
    this.context.host.updateUiState({ queryText: target.query });
    this.run();
  }

  /** The host's answer; only the newest query's answer is shown. */
  receiveResult(id: number, result: QueryAnswer | undefined, error: QueryProblem | undefined): void {
    if (!this.pending || id !== this.pending.id) return;
    const query = this.pending.query;
    this.pending = undefined;
    if (error) {
      this.showProblem(query, error);
      this.showRows(undefined);
      setText(this.status, '');
      return;
    }
    this.problem.hidden = true;
    this.showRows(result);
    if (result) {
      const summary = plural(result.totalRows, '{0} row · {1} ms', '{0} rows · {1} ms', formatCount(result.elapsedMs));
      setText(
        this.status,
        result.truncated
          ? `${t('Showing the first {0} of {1} rows', formatCount(result.rows.length), formatCount(result.totalRows))} · ${summary}`
          : summary,
      );
    }
  }

  private run(): void {
    const query = this.editor.value;
    this.hideSuggestions();
    if (query.trim() === '') return;
    const id = ++this.lastId;
    this.pending = { id, query };
    setText(this.status, t('Running…'));
    this.context.host.post({ type: 'runQuery', id, query });
    const history = [query, ...this.context.host.uiState.queryHistory.filter((entry) => entry !== query)].slice(0, MAX_HISTORY);
    this.context.host.updateUiState({ queryText: query, queryHistory: history });
    this.history.setOptions(this.historyOptions());
  }

  private save(): void {
    const query = this.editor.value;
    if (query.trim() === '') return;
    const name = queryTitle(query);
    const saved = [{ name, query }, ...this.context.host.uiState.savedQueries.filter((entry) => entry.name !== name)].slice(0, MAX_SAVED);
    this.context.host.updateUiState({ savedQueries: saved });
    this.saved.setOptions(this.savedOptions());
    setText(this.status, t('Saved "{0}".', name));
  }

  private load(query: string): void {
    if (query === '') return;
    this.editor.value = query;
    this.context.host.updateUiState({ queryText: query });
    this.history.setValue('');
    this.saved.setValue('');
    this.editor.focus();
  }

  private historyOptions() {
    return [
      { value: '', label: t('History') },
      ...this.context.host.uiState.queryHistory.map((query) => ({ value: query, label: queryTitle(query) })),
    ];
  }

  private savedOptions() {
    return [
      { value: '', label: t('Saved queries') },
      ...this.context.host.uiState.savedQueries.map((entry) => ({ value: entry.query, label: entry.name })),
    ];
  }

  private showProblem(query: string, error: QueryProblem): void {
    // The line in question with a caret under the column; clicking puts the cursor there.
    const line = query.split('\n')[error.line - 1] ?? '';
    const caret = `${' '.repeat(Math.max(0, error.column - 1))}^`;
    replaceChildren(
      this.problem,
      h('div', { class: 'query-problem-message' }, icon('error'), h('span', null, telemetryText(error.message))),
      h(
        'pre',
        {
          class: 'query-problem-where',
          title: t('Show this position in the query'),
          on: { click: () => this.focusPosition(error.position) },
        },
        telemetryText(line),
        '\n',
        caret,
      ),
    );
    this.problem.hidden = false;
  }

  private focusPosition(position: number): void {
    this.editor.focus();
    this.editor.setSelectionRange(position, position);
  }

  private showRows(result: QueryAnswer | undefined): void {
    const columns = result?.columns ?? [];
    const rows = result?.rows ?? [];
    // Column widths from the header and the first rows, so the grid needs no layout pass per row.
    const widths = columns.map((column, index) => {
      let longest = column.name.length;
      for (let row = 0; row < Math.min(rows.length, 50); row++) longest = Math.max(longest, cellText(rows[row]![index]).length);
      return Math.max(60, Math.min(360, Math.ceil(longest * 7.2) + 16));
    });
    this.table.style.setProperty('--query-columns', widths.map((width) => `${width}px`).join(' ') || '1fr');
    this.table.style.width = `${Math.max(
      0,
      widths.reduce((sum, width) => sum + width + 8, 0),
    )}px`;
    replaceChildren(
      this.header,
      ...columns.map((column) => h('span', { class: 'query-cell', title: column.type }, telemetryText(column.name))),
    );
    this.list.setSource({ count: rows.length, at: (index) => ({ index, cells: rows[index]! }) });
    this.list.scrollToTop();
    this.showChart(result);
  }

  private showChart(result: QueryAnswer | undefined): void {
    this.chart?.destroy();
    this.chart = undefined;
    const chart = result?.chart;
    if (!result || !chart || result.rows.length === 0) {
      this.chartBox.hidden = true;
      replaceChildren(this.chartBox);
      return;
    }
    this.chartBox.hidden = false;
    const title = chart.title ? h('h3', { class: 'metric-name' }, telemetryText(chart.title)) : null;
    if (chart.kind === 'timechart') {
      const series = timeSeries(result);
      if (series) {
        this.chart = new TimeChart({
          lines: series.lines.map((label, index) => ({ label, color: SERIES_COLORS[index % SERIES_COLORS.length]! })),
          height: 180,
          formatValue: (value) => chartNumber.format(value),
        });
        const legend = h(
          'div',
          { class: 'chart-legend' },
          series.lines.map((label, index) =>
            h(
              'span',
              { class: ['legend-item', `legend-${SERIES_COLORS[index % SERIES_COLORS.length]}`] },
              h('span', { class: 'legend-swatch' }),
              telemetryText(label),
            ),
          ),
        );
        replaceChildren(this.chartBox, title, legend, this.chart.element);
        this.chart.setData(series.times, ...series.values);
        return;
      }
    }
    replaceChildren(this.chartBox, title, barList(result, chart.kind === 'piechart'));
  }

  private onInput(): void {
    this.context.host.updateUiState({ queryText: this.editor.value });
    this.updateSuggestions();
  }

  private updateSuggestions(): void {
    this.completion = completeAt(this.editor.value, this.editor.selectionEnd);
    this.highlighted = 0;
    this.renderSuggestions();
  }

  private renderSuggestions(): void {
    const completion = this.completion;
    if (!completion) {
      this.hideSuggestions();
      return;
    }
    replaceChildren(
      this.suggestions,
      ...completion.items.map((item, index) =>
        h(
          'div',
          {
            class: ['query-suggestion', index === this.highlighted ? 'selected' : undefined],
            role: 'option',
            'aria-selected': String(index === this.highlighted),
            on: {
              mousedown: (event) => {
                event.preventDefault();
                this.accept(index);
              },
            },
          },
          h('span', { class: 'suggestion-kind' }, item.kind),
          h('span', null, item.label),
        ),
      ),
    );
    this.suggestions.hidden = false;
  }

  private hideSuggestions(): void {
    this.completion = undefined;
    this.suggestions.hidden = true;
  }

  private accept(index: number): void {
    const completion = this.completion;
    const item = completion?.items[index];
    if (!completion || !item) return;
    const text = this.editor.value;
    this.editor.value = text.slice(0, completion.from) + item.insert + text.slice(completion.to);
    const caret = completion.from + item.insert.length;
    this.editor.setSelectionRange(caret, caret);
    this.hideSuggestions();
    this.context.host.updateUiState({ queryText: this.editor.value });
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey || event.shiftKey)) {
      event.preventDefault();
      this.run();
      return;
    }
    const completion = this.completion;
    if (!completion) return;
    if (event.key === 'Tab' || (event.key === 'Enter' && this.highlighted > 0)) {
      event.preventDefault();
      this.accept(this.highlighted);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const count = completion.items.length;
      this.highlighted = (this.highlighted + (event.key === 'ArrowDown' ? 1 : count - 1)) % count;
      this.renderSuggestions();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.hideSuggestions();
    }
  }
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  return typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
}

/** A query's name in lists: its first non-empty line, cut. */
function queryTitle(query: string): string {
  const line =
    query
      .split('\n')
      .find((candidate) => candidate.trim() !== '')
      ?.trim() ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/**
 * A timechart's series: x is the first datetime column; each numeric column is a line, or, with
 * one numeric column and a text column, each text value is a line (the `by` split), at most 8.
 */
function timeSeries(result: QueryAnswer): { times: number[]; lines: string[]; values: (number | null)[][] } | undefined {
  const x = result.columns.findIndex((column) => column.type === 'datetime');
  if (x < 0) return undefined;
  const numeric = result.columns
    .map((column, index) => ({ column, index }))
    .filter(({ column, index }) => index !== x && NUMERIC.has(column.type));
  if (numeric.length === 0) return undefined;
  const split = numeric.length === 1 ? result.columns.findIndex((column, index) => index !== x && column.type === 'string') : -1;
  const seconds = (cell: unknown): number => Date.parse(String(cell)) / 1000;
  const times = [...new Set(result.rows.map((row) => seconds(row[x])).filter((time) => Number.isFinite(time)))].sort((a, b) => a - b);
  const slot = new Map(times.map((time, index) => [time, index]));
  const lines: string[] = [];
  const values: (number | null)[][] = [];
  const lineFor = (label: string): number => {
    let at = lines.indexOf(label);
    if (at < 0 && lines.length < MAX_SERIES) {
      at = lines.push(label) - 1;
      values.push(times.map(() => null));
    }
    return at;
  };
  for (const row of result.rows) {
    const at = slot.get(seconds(row[x]));
    if (at === undefined) continue;
    for (const { column, index } of numeric) {
      const line = lineFor(split >= 0 ? cellText(row[split]) : column.name);
      const value = row[index];
      if (line >= 0 && typeof value === 'number') values[line]![at] = (values[line]![at] ?? 0) + value;
    }
  }
  return { times, lines, values };
}

/** barchart and piechart as labelled bars (a pie shows each share in percent). */
function barList(result: QueryAnswer, asShares: boolean): HTMLElement {
  const valueIndex = result.columns.findIndex((column) => NUMERIC.has(column.type));
  const labelIndex = result.columns.findIndex((_, index) => index !== valueIndex);
  const bars = result.rows
    .slice(0, MAX_BARS)
    .map((row) => ({ label: cellText(row[labelIndex]), value: typeof row[valueIndex] === 'number' ? (row[valueIndex] as number) : 0 }));
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const total = bars.reduce((sum, bar) => sum + Math.max(0, bar.value), 0);
  return h(
    'div',
    { class: 'query-bars', role: 'list' },
    bars.map((bar) => {
      const fill = h('span', { class: 'query-bar-fill' });
      fill.style.width = `${max > 0 ? Math.max(0, (bar.value / max) * 100) : 0}%`;
      const value =
        asShares && total > 0
          ? `${formatCount(bar.value)} (${Math.round((Math.max(0, bar.value) / total) * 100)}%)`
          : formatCount(bar.value);
      return h(
        'div',
        { class: 'query-bar', role: 'listitem' },
        h('span', { class: 'query-bar-label' }, telemetryText(bar.label)),
        h('span', { class: 'query-bar-track' }, fill),
        h('span', { class: 'query-bar-value' }, value),
      );
    }),
  );
}
