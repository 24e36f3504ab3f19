/**
 * Names the query box completes: the Application Insights tables and their columns, the tabular
 * operators, aggregations and scalar functions the local engine evaluates (src/core/query; a unit
 * test checks these lists against it). Shared so the webview needs nothing from src/core.
 */

const COMMON_COLUMNS = ['customDimensions', 'customMeasurements', 'operation_Name', 'operation_Id', 'operation_ParentId', 'cloud_RoleName', 'cloud_RoleInstance', 'sdkVersion', 'itemId', 'itemType', 'itemCount', 'delivery'];

export const KQL_TABLE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  requests: ['timestamp', 'id', 'name', 'url', 'success', 'resultCode', 'duration', 'performanceBucket', ...COMMON_COLUMNS],
  dependencies: ['timestamp', 'id', 'target', 'type', 'name', 'data', 'success', 'resultCode', 'duration', 'performanceBucket', ...COMMON_COLUMNS],
  traces: ['timestamp', 'message', 'severityLevel', ...COMMON_COLUMNS],
  exceptions: ['timestamp', 'problemId', 'type', 'method', 'outerType', 'outerMessage', 'innermostType', 'innermostMessage', 'message', 'severityLevel', 'details', ...COMMON_COLUMNS],
  customEvents: ['timestamp', 'name', ...COMMON_COLUMNS],
  customMetrics: ['timestamp', 'name', 'value', 'valueCount', 'valueSum', 'valueMin', 'valueMax', 'valueStdDev', ...COMMON_COLUMNS],
  availabilityResults: ['timestamp', 'id', 'name', 'location', 'success', 'message', 'duration', 'performanceBucket', ...COMMON_COLUMNS],
  pageViews: ['timestamp', 'id', 'name', 'url', 'duration', 'performanceBucket', ...COMMON_COLUMNS],
};

export const KQL_OPERATORS = ['where', 'project', 'project-away', 'project-rename', 'extend', 'summarize', 'order by', 'sort by', 'take', 'limit', 'top', 'distinct', 'count', 'join', 'union', 'search', 'render'] as const;

export const KQL_AGGREGATIONS = ['count', 'countif', 'sum', 'avg', 'min', 'max', 'dcount', 'percentile', 'percentiles', 'make_list', 'make_set', 'arg_max', 'arg_min'] as const;

export const KQL_FUNCTIONS = [
  'strcat', 'tostring', 'toint', 'tolong', 'todouble', 'toreal', 'todatetime', 'parse_json', 'todynamic', 'ago', 'now', 'datetime', 'bin', 'floor',
  'iff', 'iif', 'isempty', 'isnotempty', 'isnull', 'isnotnull', 'strlen', 'tolower', 'toupper', 'not', 'round',
] as const;

export const KQL_KEYWORDS = ['by', 'and', 'or', 'asc', 'desc', 'has', 'contains', 'startswith', 'endswith', 'in', 'matches regex', 'kind=inner', 'kind=leftouter', 'on', 'timechart', 'barchart', 'piechart', 'true', 'false'] as const;
