/**
 * Types shared by the KQL parser and evaluator: scalar types, runtime values, results, errors and
 * the limits that keep a hostile query from hanging or exhausting the host.
 * Plain Node: never import `vscode` here; no DOM either (the webview bundles none of this).
 */

/** Kusto scalar types we evaluate (`int` is folded into `long`). */
export type ScalarType = 'string' | 'long' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';

/**
 * A value while evaluating: strings, numbers (long, real; datetime as epoch ms, timespan as ms),
 * booleans, dynamic JSON (objects, arrays) or null.
 */
export type Value = string | number | boolean | null | DynamicValue;
export type DynamicValue = { readonly [key: string]: unknown } | readonly unknown[];

export interface ResultColumn {
  readonly name: string;
  readonly type: ScalarType;
}

/** A JSON-safe cell: datetimes as ISO 8601 text, timespans as `[d.]hh:mm:ss[.fffffff]`. */
export type Cell = string | number | boolean | null | DynamicValue;

export type ChartKind = 'timechart' | 'barchart' | 'piechart';

export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly Cell[])[];
  /** From `| render …`. */
  readonly chart?: { readonly kind: ChartKind; readonly title?: string };
  /** Rows beyond {@link QueryLimits.maxResultRows} or bytes beyond maxResultBytes were left out. */
  readonly truncated?: boolean;
  /** Rows the query produced before truncation. */
  readonly totalRows: number;
  readonly elapsedMs: number;
}

export type QueryErrorKind = 'syntax' | 'semantic' | 'limit' | 'timeout';

/** A query the engine refuses: where (0-based offset, 1-based line and column) and what it expected. */
export class QueryError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(
    readonly kind: QueryErrorKind,
    message: string,
    readonly position: number,
    source: string,
    readonly expected: readonly string[] = [],
  ) {
    const { line, column } = lineAndColumn(source, position);
    super(`${message} (line ${line}, column ${column})`);
    this.name = 'QueryError';
    this.line = line;
    this.column = column;
  }

  toJSON(): QueryErrorJson {
    return {
      kind: this.kind,
      message: this.message,
      position: this.position,
      line: this.line,
      column: this.column,
      expected: [...this.expected],
    };
  }
}

export interface QueryErrorJson {
  readonly kind: QueryErrorKind;
  readonly message: string;
  readonly position: number;
  readonly line: number;
  readonly column: number;
  readonly expected: readonly string[];
}

export function lineAndColumn(source: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(position, 0), source.length);
  for (let index = 0; index < end; index++) {
    if (source.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Bounds on what one query may cost. Every default is a documented figure in docs/kql.md. */
export interface QueryLimits {
  /** Characters of query text. */
  readonly maxQueryChars: number;
  /** Nesting of parentheses, expressions and sub-queries. */
  readonly maxDepth: number;
  /** Largest `take`/`limit`/`top` count accepted; a larger one is an error. */
  readonly maxTake: number;
  /** Rows returned; more are cut and the result says `truncated`. */
  readonly maxResultRows: number;
  /** Approximate bytes returned (JSON text); more rows are cut and the result says `truncated`. */
  readonly maxResultBytes: number;
  /** Rows any one step may produce (a join of two big tables); more is an error. */
  readonly maxIntermediateRows: number;
  /** Characters of strings the query may build (strcat, tostring, make_list) in all. */
  readonly maxBuiltChars: number;
  /** Elements one make_list may collect. */
  readonly maxListItems: number;
  /** Characters of a `matches regex` pattern. */
  readonly maxRegexChars: number;
  /** Wall-clock budget; the evaluator checks it while looping over rows. */
  readonly timeBudgetMs: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxQueryChars: 20_000,
  maxDepth: 48,
  maxTake: 100_000,
  maxResultRows: 10_000,
  maxResultBytes: 16 * 1024 * 1024,
  maxIntermediateRows: 2_000_000,
  maxBuiltChars: 64 * 1024 * 1024,
  maxListItems: 10_000,
  maxRegexChars: 1_000,
  timeBudgetMs: 10_000,
};
