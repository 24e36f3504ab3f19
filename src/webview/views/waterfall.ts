/**
 * One transaction as a waterfall: requests and dependencies as bars placed by start time and sized
 * by duration, nested by parentId → id, with the operation's logs and exceptions inline under the
 * span they were written in. Rows are virtualized, so a trace of thousands of spans stays fast.
 */
import type { PanelItem } from '../../shared/messages';
import { displayText, h, icon, telemetryText } from '../dom';
import { firstLine, formatCount, formatDuration, formatTime, severityName, tableLabel } from '../format';
import { t } from '../l10n';
import { effectiveSeverity, isFailure, isSpanTable, itemTitle } from '../model/correlation';
import type { Operation } from '../model/operationIndex';
import { buildWaterfallRows, type WaterfallRow } from '../model/waterfallRows';
import { VirtualList } from '../virtualList';

const ROW_HEIGHT = 26;
/** Rows are indented 16 px per level up to this depth; deeper rows show their depth instead. */
const MAX_INDENT_DEPTH = 10;

export class Waterfall {
  readonly element: HTMLElement;
  private readonly list: VirtualList<WaterfallRow>;
  private readonly axis: HTMLElement;
  private rows: WaterfallRow[] = [];
  private rendered: { operation: Operation; version: number } | undefined;

  constructor(private readonly onSelect: (item: PanelItem | undefined) => void) {
    this.axis = h('div', { class: 'waterfall-axis' });
    this.list = new VirtualList<WaterfallRow>({
      rowHeight: ROW_HEIGHT,
      label: t('Transaction waterfall'),
      className: 'waterfall-list',
      key: (row) => row.item.seq,
      renderRow: (row) => renderWaterfallRow(row),
      onSelect: (row) => this.onSelect(row?.item),
    });
    this.element = h(
      'div',
      { class: 'waterfall' },
      h(
        'div',
        { class: 'waterfall-header waterfall-columns', 'aria-hidden': 'true' },
        h('span', { class: 'waterfall-name-header' }, t('Name')),
        this.axis,
      ),
      this.list.element,
    );
  }

  /** Shows the operation; cheap when nothing changed. */
  show(operation: Operation): void {
    if (this.rendered?.operation === operation && this.rendered.version === operation.version) return;
    if (this.rendered?.operation !== operation) this.list.scrollToTop();
    this.rendered = { operation, version: operation.version };
    this.rows = buildWaterfallRows(operation);
    const rows = this.rows;
    this.list.setSource({ count: rows.length, at: (index) => rows[index]! });
    this.renderAxis(operation.summary.end - operation.summary.start);
  }

  select(item: PanelItem | undefined): void {
    this.list.select(item?.seq, true);
  }

  private renderAxis(totalMs: number): void {
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
      const tick = h('span', { class: 'axis-tick' }, formatDuration(totalMs * fraction));
      tick.style.left = `${fraction * 100}%`;
      if (fraction === 1) tick.classList.add('axis-tick-end');
      // Narrow axes show fewer labels (media/panel.css container queries), so they never overlap.
      if (fraction === 0.25 || fraction === 0.75) tick.classList.add('axis-tick-quarter');
      if (fraction === 0.5) tick.classList.add('axis-tick-mid');
      return tick;
    });
    this.axis.replaceChildren(...ticks);
  }
}

function renderWaterfallRow(row: WaterfallRow): HTMLElement {
  const item = row.item;
  const span = isSpanTable(item.table);
  const failed = isFailure(item);
  const title = firstLine(itemTitle(item), 300);
  const name = h(
    'span',
    { class: 'waterfall-name' },
    row.depth > MAX_INDENT_DEPTH
      ? h('span', { class: 'waterfall-depth', title: t('Nesting depth {0}', formatCount(row.depth)) }, `↳${formatCount(row.depth)}`)
      : null,
    h('span', { class: ['kind-icon', failed ? 'failed' : ''] }, icon(rowIcon(item))),
    h('span', { class: 'waterfall-label' }, span && !title ? tableLabel(item.table) : telemetryText(title)),
    span && item.type ? h('span', { class: 'waterfall-type' }, telemetryText(item.type)) : null,
  );
  // Deeper than MAX_INDENT_DEPTH the row is not indented at all (a chain can be 100,000 deep): the
  // badge says how deep it is and the label keeps its room.
  name.style.paddingLeft = `${6 + (row.depth > MAX_INDENT_DEPTH ? 0 : row.depth * 16)}px`;
  const track = h('span', { class: 'waterfall-track' });
  if (span) {
    const bar = h('span', { class: ['bar', `bar-${item.table}`, failed ? 'failed' : ''] });
    bar.style.left = `${row.offset * 100}%`;
    bar.style.width = `max(2px, ${row.width * 100}%)`;
    const label = h('span', { class: 'bar-label' }, formatDuration(item.duration ?? 0));
    // Right of the bar (the track keeps a 60 px margin for it), unless the bar ends near the track's
    // end and there is room before it: a bar starting near 0 would push a left label into the names.
    if (row.offset + row.width > 0.8 && row.offset >= 0.2) {
      label.classList.add('bar-label-left');
      label.style.right = `${(1 - row.offset) * 100}%`;
    } else {
      label.style.left = `calc(${(row.offset + row.width) * 100}% + 4px)`;
    }
    track.append(bar, label);
  } else {
    const marker = h('span', { class: ['marker', `sev-${effectiveSeverity(item)}`, `table-${item.table}`] });
    marker.style.left = `${row.offset * 100}%`;
    track.append(marker);
  }
  const tooltip = span
    ? [
        tableLabel(item.table),
        formatDuration(item.duration ?? 0),
        item.resultCode ? t('result {0}', item.resultCode) : '',
        failed ? t('failed') : t('succeeded'),
        t('started {0}', formatTime(item.time)),
      ]
        .filter(Boolean)
        .join(' · ')
    : t('{0} at {1}', item.table === 'traces' ? severityName(effectiveSeverity(item)) : tableLabel(item.table), formatTime(item.time));
  return h(
    'div',
    {
      class: [
        'row',
        'waterfall-columns',
        span ? 'span-row' : 'log-row',
        failed ? 'failed' : '',
        span ? '' : `sev-${effectiveSeverity(item)}`,
      ],
      title: `${displayText(title)}\n${tooltip}`,
      'data-depth': row.depth,
      'data-table': item.table,
    },
    name,
    track,
  );
}

function rowIcon(item: PanelItem): string {
  switch (item.table) {
    case 'requests':
      return 'globe';
    case 'dependencies':
      return /sql|postgres|mysql|sqlite|mongo|redis|cosmos/i.test(item.type ?? '')
        ? 'database'
        : /http/i.test(item.type ?? '')
          ? 'link-external'
          : 'symbol-method';
    case 'exceptions':
      return 'bug';
    case 'customEvents':
      return 'symbol-event';
    case 'pageViews':
      return 'browser';
    case 'traces':
      return ['debug-stackframe-dot', 'info', 'warning', 'error', 'flame'][effectiveSeverity(item)] ?? 'info';
    default:
      return 'pulse';
  }
}
