/**
 * The query engine's entry point: text in, a bounded JSON-safe result (or a positioned error) out.
 * Used by the relay's query route, the CLI and the panel host. Pure.
 */
import type { TableName, TelemetryItem } from '../store/telemetryItem';
import { EvalContext } from './context';
import { evaluateQuery } from './evaluate';
import { parseQuery } from './parser';
import { tableRows } from './schema';
import { Cell, DEFAULT_QUERY_LIMITS, QueryError, QueryLimits, QueryResult, ResultColumn } from './types';
import { toCell } from './values';

export interface RunOptions {
  readonly limits?: Partial<QueryLimits>;
  /** `now()` and `ago()` are relative to this (epoch ms); default Date.now(). */
  readonly now?: number;
}

/**
 * Runs `text` over `items` (any order; the store's snapshot). Throws {@link QueryError} for a
 * query it refuses; anything else thrown is a bug.
 */
export function runQuery(text: string, items: Iterable<TelemetryItem>, options: RunOptions = {}): QueryResult {
  return runQueryOnTables(text, tablesOf(items), options);
}

/**
 * The rows of each table, gathered on first use by one pass over the items that keeps only that
 * table: a query naming one table (most do) costs one tight pass, not a split of every item into
 * every table. Cached, so one snapshot can serve many queries.
 */
export function tablesOf(items: Iterable<TelemetryItem>): (table: TableName) => readonly unknown[] {
  const all: readonly TelemetryItem[] = Array.isArray(items) ? items : [...items];
  const cache = new Map<TableName, readonly unknown[]>();
  return (table) => {
    let rows = cache.get(table);
    if (!rows) {
      // Sized for every item, then cut to what matched: growing by push costs twice as much.
      const matching = new Array<TelemetryItem>(all.length);
      let count = 0;
      for (let index = 0; index < all.length; index++) {
        const item = all[index]!;
        if (item.table === table && !item.statsbeat) matching[count++] = item;
      }
      matching.length = count;
      rows = table === 'customMetrics' ? tableRows(table, matching) : matching;
      cache.set(table, rows);
    }
    return rows;
  };
}

export function runQueryOnTables(text: string, tables: (table: TableName) => readonly unknown[], options: RunOptions = {}): QueryResult {
  const started = Date.now();
  const limits: QueryLimits = { ...DEFAULT_QUERY_LIMITS, ...options.limits };
  const query = parseQuery(text, limits);
  const ctx = new EvalContext(text, limits, options.now ?? Date.now());
  let evaluated;
  try {
    evaluated = evaluateQuery(query, tables, ctx);
  } catch (error) {
    // A stack overflow in a pathological query is a limit, not a crash of the host.
    if (error instanceof RangeError)
      throw new QueryError('limit', `The query is too complex to evaluate (${error.message})`, ctx.position, text);
    throw error;
  }
  const { frame, chart } = evaluated;
  const columns: ResultColumn[] = frame.columns.map((column) => ({ name: column.name, type: column.type }));
  const rows: Cell[][] = [];
  let bytes = 0;
  let truncated = false;
  for (const row of frame.rows) {
    if (rows.length >= limits.maxResultRows) {
      truncated = true;
      break;
    }
    ctx.tick();
    const cells = frame.columns.map((column) => toCell(column.get(row), column.type));
    bytes += JSON.stringify(cells).length;
    if (bytes > limits.maxResultBytes) {
      truncated = true;
      break;
    }
    rows.push(cells);
  }
  return { columns, rows, chart, truncated: truncated || undefined, totalRows: frame.rows.length, elapsedMs: Date.now() - started };
}
