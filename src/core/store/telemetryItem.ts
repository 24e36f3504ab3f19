/**
 * The store's normalised telemetry item: one envelope, flattened into what the panel shows and
 * filters on. Named after the Application Insights tables so what the user sees locally maps to
 * what they will query in the portal. Plain Node: never import `vscode` here.
 */
import type { TableName } from '../../shared/telemetryItem';

export { TABLE_NAMES, isTableName } from '../../shared/telemetryItem';
export type { TableName, StackFrame, ExceptionDetail, MetricPoint, TelemetryItem } from '../../shared/telemetryItem';

/** Which bounded buffer an item lives in; each has its own cap per role. */
export type ItemKind = 'trace' | 'log' | 'metric';

export const TABLE_KIND: Readonly<Record<TableName, ItemKind>> = {
  requests: 'trace',
  dependencies: 'trace',
  pageViews: 'trace',
  availabilityResults: 'trace',
  traces: 'log',
  exceptions: 'log',
  customEvents: 'log',
  customMetrics: 'metric',
};
