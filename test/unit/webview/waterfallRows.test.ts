/**
 * The waterfall's rows (src/webview/model/waterfallRows.ts) over the real OperationIndex: parent
 * chains far deeper than the call stack, and parent cycles, must give one row per item.
 */
import * as assert from 'assert';
import type { PanelItem } from '../../../src/shared/messages';
import { loadWebviewModule } from './webviewModule';

interface Row {
  readonly item: PanelItem;
  readonly depth: number;
}
interface Operation {
  readonly items: readonly PanelItem[];
}
interface OperationIndexLike {
  add(item: PanelItem): void;
  get(id: string): Operation | undefined;
}

const { buildWaterfallRows } = loadWebviewModule<{ buildWaterfallRows(operation: Operation): Row[] }>('src/webview/model/waterfallRows.ts');
const { OperationIndex } = loadWebviewModule<{ OperationIndex: new () => OperationIndexLike }>('src/webview/model/operationIndex.ts');

const OPERATION = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = (index: number): string => index.toString(16).padStart(16, '0').replace(/^0/, 'a');

function operationOf(items: PanelItem[]): Operation {
  const index = new OperationIndex();
  for (const item of items) index.add(item);
  return index.get(OPERATION)!;
}

function span(seq: number, id: string, parentId: string | undefined, extra: Partial<PanelItem> = {}): PanelItem {
  return {
    seq,
    table: 'dependencies',
    time: 1_700_000_000_000 + seq,
    operationId: OPERATION,
    id,
    parentId,
    name: `span ${seq}`,
    duration: 1,
    ...extra,
  };
}

describe('Webview waterfall rows', () => {
  it('nests a parent chain 100,000 spans deep, one row per span, depth by depth', function () {
    this.timeout(60_000);
    const depth = 100_000;
    const items: PanelItem[] = [];
    // Children are exported before their parents: the deepest first, as SDKs send them.
    for (let level = depth - 1; level >= 0; level--)
      items.push(span(depth - level, spanId(level), level === 0 ? undefined : spanId(level - 1)));
    const rows = buildWaterfallRows(operationOf(items));
    assert.strictEqual(rows.length, depth);
    for (let level = 0; level < depth; level++) {
      if (rows[level]!.depth !== level || rows[level]!.item.id !== spanId(level))
        assert.fail(`row ${level}: depth ${rows[level]!.depth}, id ${rows[level]!.item.id}`);
    }
  });

  it('keeps siblings in time order under their parent and logs after the spans', () => {
    const root = span(1, 'aaaaaaaaaaaaaaaa', undefined, { table: 'requests' });
    const late = span(2, 'bbbbbbbbbbbbbbbb', root.id, { time: root.time + 50 });
    const early = span(3, 'cccccccccccccccc', root.id, { time: root.time + 10 });
    const log: PanelItem = { seq: 4, table: 'traces', time: root.time + 10, operationId: OPERATION, parentId: root.id, message: 'in root' };
    const rows = buildWaterfallRows(operationOf([late, log, early, root]));
    assert.deepStrictEqual(
      rows.map((row) => [row.item.seq, row.depth]),
      [
        [1, 0],
        [3, 1],
        [4, 1],
        [2, 1],
      ],
    );
  });

  it('shows every span of a parent cycle once, including a span that is its own parent', () => {
    // a → b → c → a (a cycle with no root), d is its own parent, e hangs off the cycle.
    const items = [
      span(1, 'aaaaaaaaaaaaaaaa', 'cccccccccccccccc'),
      span(2, 'bbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa'),
      span(3, 'cccccccccccccccc', 'bbbbbbbbbbbbbbbb'),
      span(4, 'dddddddddddddddd', 'dddddddddddddddd'),
      span(5, 'eeeeeeeeeeeeeeee', 'bbbbbbbbbbbbbbbb'),
    ];
    const rows = buildWaterfallRows(operationOf(items));
    assert.deepStrictEqual(rows.map((row) => row.item.seq).sort(), [1, 2, 3, 4, 5]);
    assert.deepStrictEqual(
      rows.map((row) => [row.item.seq, row.depth]),
      [
        [4, 0],
        [1, 0],
        [2, 1],
        [3, 2],
        [5, 2],
      ],
    );
  });

  it('handles a 100,000-span cycle without recursion', function () {
    this.timeout(60_000);
    const size = 100_000;
    const items: PanelItem[] = [];
    for (let level = 0; level < size; level++) items.push(span(level + 1, spanId(level), spanId((level + size - 1) % size)));
    const rows = buildWaterfallRows(operationOf(items));
    assert.strictEqual(rows.length, size);
    assert.strictEqual(rows[size - 1]!.depth, size - 1);
  });
});
