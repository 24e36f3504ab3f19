/** The telemetry history on disk (issue 16): runs, append-only segments, search. */
export { HistoryStore, HISTORY_DEFAULTS } from './historyStore';
export type {
  HistoryOptions,
  HistoryStatus,
  HistoryOffReason,
  RunInfo,
  RunRecord,
  RunSource,
  SearchHit,
  SearchOptions,
  SearchResult,
} from './historyStore';
export { parseQuery } from './searchIndex';
export { HistoryRecorder, MAX_RUN_NAME_CHARS, RECORDER_DEFAULTS } from './historyRecorder';
export type { HistoryRecorderOptions, LaunchHandle, LaunchInfo, RecorderNames } from './historyRecorder';
export { exportRunToFile } from './runExport';
