/** The live panel's host-side logic that needs no VS Code: item conversion, feeds, export/import. */
export {
  PanelFeed,
  snapshotMessage,
  screenfulSnapshotMessage,
  deltaMessage,
  toPanelLiveSample,
  SNAPSHOT_HEAD_ITEMS,
  SNAPSHOT_CHUNK_ITEMS,
} from './panelFeed';
export type { ForwardControl, PanelSource, PanelFeedOptions } from './panelFeed';
export { toPanelItem, toPanelItems, isShownInPanel, OTEL_RESOURCE_METRIC } from './panelItem';
export { toForwardingStatus, IDLE_FORWARDING_STATUS } from './forwardingStatus';
export { envelopeOfItem, isoTime, durationText, EXPORT_INSTRUMENTATION_KEY } from './envelopeOfItem';
export { exportNdjson, parseImport, MAX_IMPORT_BYTES } from './ndjson';
export type { ImportResult } from './ndjson';
export { CopyAssembler } from './copyChunks';
export type { CopyChunk, CopyProgress } from './copyChunks';
export {
  answerHistorySearch,
  currentRunIds,
  historyRunItems,
  historyRunStore,
  runListChanged,
  historyRunSummaries,
  HISTORY_RUN_ITEMS,
} from './historySearch';
