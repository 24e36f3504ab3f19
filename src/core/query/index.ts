/** Local KQL over the store's items: parser, Application Insights schemas, evaluator, output formats. */
export { runQuery, runQueryOnTables, tablesOf } from './run';
export type { RunOptions } from './run';
export { parseQuery, TABULAR_OPERATORS } from './parser';
export { QUERY_TABLES, tableColumns, tableRows, performanceBucket } from './schema';
export { SCALAR_FUNCTIONS, AGGREGATE_FUNCTIONS } from './expressions';
export { formatResult, toCsv, toJsonLines, toTable } from './format';
export type { ResultFormat } from './format';
export { QueryError, DEFAULT_QUERY_LIMITS } from './types';
export type { QueryResult, QueryLimits, ResultColumn, Cell, ScalarType, ChartKind, QueryErrorJson } from './types';
