/** The telemetry store: normalised items, bounded per role, indexed by operation, with change feeds. */
export { TelemetryStore, STORE_DEFAULTS } from './telemetryStore';
export type { TelemetryStoreOptions, EnvelopeOrigin, EnvelopeListener } from './telemetryStore';
export type { StoreChange, ChangeListener, SubscribeOptions, Subscription } from './changeFeed';
export { normaliseEnvelope, severity, tableOf } from './normalise';
export { normaliseOperationId, normaliseParentId } from './operationIds';
export { parseDuration, parseTimestamp } from './time';
export { TABLE_KIND } from './telemetryItem';
export type { TableName, ItemKind, TelemetryItem, ExceptionDetail, MetricPoint, StackFrame } from './telemetryItem';
