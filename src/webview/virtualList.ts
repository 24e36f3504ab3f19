/**
 * A keyboard-navigable list that only builds the rows in view (@tanstack/virtual-core), with fixed
 * row height. Data is reached through `count` and `at(index)` so views can show an append-only
 * array newest-first without copying it. When rows are added above the viewport the list keeps
 * what the user is reading in place; at the top it keeps showing the newest.
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { h } from './dom';

export interface ListSource<T> {
  readonly count: number;
  at(index: number): T;
}

export interface VirtualListOptions<T> {
  readonly rowHeight: number;
  readonly label: string;
  readonly className?: string;
  key(item: T): string | number;
  renderRow(item: T, index: number): HTMLElement;
  onSelect?(item: T | undefined): void;
  /** Shown when the source is empty. */
  emptyText?(): string;
}

const EMPTY: ListSource<never> = { count: 0, at: () => undefined as never };

export class VirtualList<T> {
  readonly element: HTMLElement;
  private readonly sizer: HTMLElement;
  private readonly empty: HTMLElement;
  private source: ListSource<T> = EMPTY;
  private readonly virtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private rows = new Map<string | number, HTMLElement>();
  private selected: string | number | undefined;

  constructor(private readonly options: VirtualListOptions<T>) {
    this.sizer = h('div', { class: 'vlist-sizer', role: 'presentation' });
    this.empty = h('div', { class: 'vlist-empty' });
    this.element = h(
      'div',
      {
        class: ['vlist', options.className],
        role: 'listbox',
        tabindex: '0',
        'aria-label': options.label,
        on: { keydown: (event) => this.onKeyDown(event as KeyboardEvent), click: (event) => this.onClick(event) },
      },
      this.sizer,
      this.empty,
    );
    this.virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      count: 0,
      getScrollElement: () => this.element,
      estimateSize: () => options.rowHeight,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      overscan: 10,
      onChange: () => this.renderRows(false),
    });
    this.virtualizer._didMount();
    this.virtualizer._willUpdate();
  }

  /**
   * Shows new data. When the user has scrolled away from the top, the row at the top of the
   * viewport stays there even if rows were inserted or removed above it (new items in a
   * newest-first list); at the very top the list keeps showing the newest rows.
   */
  setSource(source: ListSource<T>): void {
    const anchor = this.topAnchor();
    this.source = source;
    this.virtualizer.setOptions({ ...this.virtualizer.options, count: source.count });
    if (anchor) {
      const index = this.findIndex(anchor.key, anchor.index);
      if (index >= 0) {
        const scrollTop = index * this.options.rowHeight + anchor.offset;
        if (Math.abs(scrollTop - this.element.scrollTop) >= 1) this.element.scrollTop = scrollTop;
      }
    }
    this.virtualizer._willUpdate();
    this.renderRows(true);
  }

  select(key: string | number | undefined, scrollIntoView = false): void {
    this.selected = key;
    for (const [rowKey, row] of this.rows) this.markSelected(row, rowKey === key);
    if (scrollIntoView && key !== undefined) {
      const index = this.indexOf(key);
      if (index >= 0) this.virtualizer.scrollToIndex(index, { align: 'auto' });
    }
  }

  /** Back to the first row (a different data set, a new filter). */
  scrollToTop(): void {
    this.element.scrollTop = 0;
  }

  focus(): void {
    this.element.focus();
  }

  private renderRows(dataChanged: boolean): void {
    const count = this.source.count;
    this.sizer.style.height = `${this.virtualizer.getTotalSize()}px`;
    this.empty.hidden = count > 0;
    if (count === 0) this.empty.textContent = this.options.emptyText?.() ?? '';
    const next = new Map<string | number, HTMLElement>();
    const wanted: HTMLElement[] = [];
    for (const virtualRow of this.virtualizer.getVirtualItems()) {
      if (virtualRow.index >= count) continue;
      const item = this.source.at(virtualRow.index);
      const key = this.options.key(item);
      let row = dataChanged ? undefined : this.rows.get(key);
      if (!row) {
        row = this.options.renderRow(item, virtualRow.index);
        row.classList.add('vlist-row');
        row.setAttribute('role', 'option');
        row.dataset.key = String(key);
      }
      row.dataset.index = String(virtualRow.index);
      row.style.transform = `translateY(${virtualRow.start}px)`;
      row.style.height = `${this.options.rowHeight}px`;
      this.markSelected(row, key === this.selected);
      next.set(key, row);
      wanted.push(row);
    }
    for (const [key, row] of this.rows) if (next.get(key) !== row) row.remove();
    for (const row of wanted) if (row.parentNode !== this.sizer) this.sizer.appendChild(row);
    this.rows = next;
  }

  private markSelected(row: HTMLElement, selected: boolean): void {
    row.classList.toggle('selected', selected);
    row.setAttribute('aria-selected', selected ? 'true' : 'false');
  }

  private indexOf(key: string | number): number {
    const row = this.rows.get(key);
    return row ? this.findIndex(key, Number(row.dataset.index)) : this.findIndex(key, 0);
  }

  /** Index of `key`, searching outwards from where it was (rows usually move by a few places). */
  private findIndex(key: string | number, near: number): number {
    const count = this.source.count;
    const start = Math.min(Math.max(0, near), count - 1);
    for (let distance = 0; distance < count; distance++) {
      const after = start + distance;
      const before = start - distance;
      if (after >= count && before < 0) break;
      if (after < count && this.options.key(this.source.at(after)) === key) return after;
      if (distance > 0 && before >= 0 && this.options.key(this.source.at(before)) === key) return before;
    }
    return -1;
  }

  /** The row at the top of the viewport and how far it is scrolled past; none at the very top. */
  private topAnchor(): { key: string | number; index: number; offset: number } | undefined {
    const scrollTop = this.element.scrollTop;
    if (scrollTop <= 0 || this.source.count === 0) return undefined;
    const index = Math.min(this.source.count - 1, Math.floor(scrollTop / this.options.rowHeight));
    return { key: this.options.key(this.source.at(index)), index, offset: scrollTop - index * this.options.rowHeight };
  }

  private onClick(event: Event): void {
    const row = (event.target as HTMLElement).closest<HTMLElement>('.vlist-row');
    if (!row || !this.element.contains(row)) return;
    const index = Number(row.dataset.index);
    if (index < this.source.count) this.choose(index);
  }

  private choose(index: number): void {
    const item = this.source.at(index);
    this.select(this.options.key(item), true);
    this.options.onSelect?.(item);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const count = this.source.count;
    if (count === 0) return;
    const current = this.selected === undefined ? -1 : this.indexOf(this.selected);
    const page = Math.max(1, Math.floor(this.element.clientHeight / this.options.rowHeight) - 1);
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(count - 1, current + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, current - 1);
        break;
      case 'PageDown':
        next = Math.min(count - 1, Math.max(0, current) + page);
        break;
      case 'PageUp':
        next = Math.max(0, current - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'Escape':
        this.select(undefined);
        this.options.onSelect?.(undefined);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    this.choose(next);
  }
}
