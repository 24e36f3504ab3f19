/**
 * Items grouped by operation id (one end-to-end transaction each), in order of first arrival, with
 * a summary computed lazily and cached until the operation changes.
 */
import type { PanelItem } from '../../shared/messages';
import { isFailure, isSpanTable, itemTitle, operationKey, spanKey } from './correlation';
import { t } from '../l10n';

export interface OperationSummary {
  readonly name: string;
  readonly role: string;
  /** Epoch ms of the earliest item. */
  readonly start: number;
  /** Epoch ms of the latest span end or item time. */
  readonly end: number;
  /** The root span's duration if there is one root, else end − start. */
  readonly duration: number;
  readonly failed: boolean;
  readonly itemCount: number;
  readonly spanCount: number;
  readonly root?: PanelItem;
}

export class Operation {
  readonly items: PanelItem[] = [];
  spanCount = 0;
  /** Changes whenever items are added or removed. */
  version = 0;
  private cachedSummary: OperationSummary | undefined;

  constructor(
    readonly id: string,
    /** The lowest seq seen (items older than the first one can come later: a snapshot's backfill). */
    public firstSeq: number,
  ) {}

  add(item: PanelItem): void {
    this.items.push(item);
    if (isSpanTable(item.table)) this.spanCount++;
    this.changed();
  }

  /** Items older than every item here, ascending by seq (a snapshot's backfill, issue 20): they go first. */
  addOlder(items: readonly PanelItem[]): void {
    this.items.unshift(...items);
    for (const item of items) if (isSpanTable(item.table)) this.spanCount++;
    this.firstSeq = Math.min(this.firstSeq, items[0]?.seq ?? this.firstSeq);
    this.changed();
  }

  removeSeqs(seqs: ReadonlySet<number>): void {
    let write = 0;
    for (const item of this.items) {
      if (seqs.has(item.seq)) {
        if (isSpanTable(item.table)) this.spanCount--;
      } else {
        this.items[write++] = item;
      }
    }
    this.items.length = write;
    this.changed();
  }

  get summary(): OperationSummary {
    return (this.cachedSummary ??= summarize(this.items));
  }

  private changed(): void {
    this.version++;
    this.cachedSummary = undefined;
  }
}

export class OperationIndex {
  private readonly byId = new Map<string, Operation>();
  private ordered: Operation[] = [];
  private deadCount = 0;
  /** `ordered` needs sorting by firstSeq (older items arrived after newer ones). */
  private unsorted = false;
  /** Changes whenever any operation changes. */
  revision = 0;

  get(id: string): Operation | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Live operations, oldest first. */
  list(): readonly Operation[] {
    if (this.deadCount > 0) {
      this.ordered = this.ordered.filter((operation) => this.byId.get(operation.id) === operation);
      this.deadCount = 0;
    }
    if (this.unsorted) {
      this.ordered.sort((a, b) => a.firstSeq - b.firstSeq);
      this.unsorted = false;
    }
    return this.ordered;
  }

  add(item: PanelItem): void {
    const id = operationKey(item);
    if (id === undefined || item.table === 'customMetrics') return;
    let operation = this.byId.get(id);
    if (!operation) {
      operation = new Operation(id, item.seq);
      this.byId.set(id, operation);
      this.ordered.push(operation);
    }
    operation.add(item);
    this.revision++;
  }

  /** Items older than every item here, ascending by seq (a snapshot's backfill, issue 20). */
  addOlder(items: readonly PanelItem[]): void {
    const byOperation = new Map<string, PanelItem[]>();
    for (const item of items) {
      const id = operationKey(item);
      if (id === undefined || item.table === 'customMetrics') continue;
      const group = byOperation.get(id);
      if (group) group.push(item);
      else byOperation.set(id, [item]);
    }
    for (const [id, group] of byOperation) {
      const operation = this.byId.get(id);
      if (operation) {
        operation.addOlder(group);
      } else {
        const created = new Operation(id, group[0]!.seq);
        for (const item of group) created.add(item);
        this.byId.set(id, created);
        this.ordered.push(created);
      }
    }
    if (byOperation.size > 0) {
      this.unsorted = true;
      this.revision++;
    }
  }

  remove(items: readonly PanelItem[]): void {
    const seqsByOperation = new Map<string, Set<number>>();
    for (const item of items) {
      const id = operationKey(item);
      if (id === undefined || item.table === 'customMetrics') continue;
      let seqs = seqsByOperation.get(id);
      if (!seqs) seqsByOperation.set(id, (seqs = new Set()));
      seqs.add(item.seq);
    }
    for (const [id, seqs] of seqsByOperation) {
      const operation = this.byId.get(id);
      if (!operation) continue;
      operation.removeSeqs(seqs);
      if (operation.items.length === 0) {
        this.byId.delete(id);
        this.deadCount++;
      }
    }
    if (seqsByOperation.size > 0) this.revision++;
  }

  clear(): void {
    this.byId.clear();
    this.ordered = [];
    this.deadCount = 0;
    this.unsorted = false;
    this.revision++;
  }
}

function summarize(items: readonly PanelItem[]): OperationSummary {
  let start = Infinity;
  let end = -Infinity;
  let failed = false;
  let spanCount = 0;
  const spanIds = new Set<string>();
  for (const item of items) {
    if (!isSpanTable(item.table)) continue;
    spanCount++;
    const key = spanKey(item.id);
    if (key) spanIds.add(key);
  }
  const roots: PanelItem[] = [];
  for (const item of items) {
    start = Math.min(start, item.time);
    end = Math.max(end, item.time + (isSpanTable(item.table) ? Math.max(0, item.duration ?? 0) : 0));
    if (isFailure(item)) failed = true;
    if (isSpanTable(item.table)) {
      const parent = spanKey(item.parentId);
      if (parent === undefined || !spanIds.has(parent)) roots.push(item);
    }
  }
  roots.sort((a, b) => rootRank(a) - rootRank(b) || a.time - b.time);
  const root = roots[0];
  const first = root ?? items[0];
  return {
    name: (first && itemTitle(first)) || t('(unnamed)'),
    role: first?.role ?? '',
    start: Number.isFinite(start) ? start : 0,
    end: Number.isFinite(end) ? end : 0,
    duration: root && roots.length === 1 && typeof root.duration === 'number' ? root.duration : Math.max(0, end - start),
    failed,
    itemCount: items.length,
    spanCount,
    root,
  };
}

/** Requests (and page views) make better roots than dependencies. */
function rootRank(item: PanelItem): number {
  return item.table === 'requests' || item.table === 'pageViews' ? 0 : 1;
}
