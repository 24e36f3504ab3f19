/**
 * The rows of one transaction's waterfall: spans nested by parentId → id, the operation's logs and
 * exceptions under the span they were written in. DOM-free (test/unit/webview runs it in Node).
 */
import type { PanelItem } from '../../shared/messages';
import { isSpanTable, spanKey } from './correlation';
import type { Operation } from './operationIndex';

export interface WaterfallRow {
  readonly item: PanelItem;
  readonly depth: number;
  /** Offset and width as fractions of the transaction's span. */
  readonly offset: number;
  readonly width: number;
}

/** Depth-first rows: children after their parent, siblings by time. */
export function buildWaterfallRows(operation: Operation): WaterfallRow[] {
  const summary = operation.summary;
  const total = Math.max(summary.end - summary.start, 1);
  const spansByKey = new Map<string, PanelItem>();
  for (const item of operation.items) {
    const key = isSpanTable(item.table) ? spanKey(item.id) : undefined;
    if (key && !spansByKey.has(key)) spansByKey.set(key, item);
  }
  const children = new Map<PanelItem | null, PanelItem[]>();
  for (const item of operation.items) {
    const parentKey = spanKey(item.parentId);
    let parent = parentKey ? spansByKey.get(parentKey) : undefined;
    if (parent === item) parent = undefined;
    const siblings = children.get(parent ?? null);
    if (siblings) siblings.push(item);
    else children.set(parent ?? null, [item]);
  }
  for (const siblings of children.values()) siblings.sort((a, b) => a.time - b.time || rank(a) - rank(b) || a.seq - b.seq);
  const rows: WaterfallRow[] = [];
  const visited = new Set<PanelItem>();
  // Depth-first with an explicit stack: a parent chain can be far deeper than the call stack
  // (issue 12: 7,000 spans overflowed it). `visited` ends parent cycles.
  const stack: { item: PanelItem; depth: number }[] = [];
  const visitFrom = (start: PanelItem): void => {
    stack.push({ item: start, depth: 0 });
    while (stack.length > 0) {
      const { item, depth } = stack.pop()!;
      if (visited.has(item)) continue;
      visited.add(item);
      const duration = isSpanTable(item.table) ? Math.max(0, item.duration ?? 0) : 0;
      rows.push({ item, depth, offset: clamp((item.time - summary.start) / total), width: clamp(duration / total) });
      const kids = children.get(item);
      if (kids)
        for (let index = kids.length - 1; index >= 0; index--)
          if (!visited.has(kids[index]!)) stack.push({ item: kids[index]!, depth: depth + 1 });
    }
  };
  for (const root of children.get(null) ?? []) visitFrom(root);
  // Items caught in a parent cycle (no root above them) are still shown, from the top level.
  for (const item of operation.items) if (!visited.has(item)) visitFrom(item);
  return rows;
}

function rank(item: PanelItem): number {
  return isSpanTable(item.table) ? 0 : 1;
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
