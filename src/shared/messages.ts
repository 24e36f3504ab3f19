/**
 * Messages between the extension host and the live telemetry webview. Both sides import this file,
 * so a protocol change is a compile error on the side that was not updated. Both sides also
 * validate what they receive (a webview is a separate, less trusted context; and a host message
 * carries untrusted telemetry text, which the webview renders as text only).
 */

import type { ItemDelivery } from './delivery';
import type { ForwardState } from './forwarding';
import { isTableName, type ExceptionDetail, type MetricPoint, type TableName, type TelemetryItem } from './telemetryItem';

export type { TableName } from './telemetryItem';

/** A place in the app's code that telemetry names: a stack frame or a log record's location. */
export interface PanelSourceFrame {
  /** The path as the app sent it (untrusted text). */
  readonly file: string;
  readonly line?: number;
  readonly function?: string;
  /** Installed package or standard library code: shown dimmed. */
  readonly library?: true;
  /** False for paths that stay text: UNC shares, `node:` and other schemes, control characters. */
  readonly linkable?: false;
}

/** An exception as the panel shows it: the store's detail, with the frames the host can link (issue 18). */
export type PanelException = Pick<ExceptionDetail, 'typeName' | 'message' | 'stack'> & {
  /** The frames with a file (innermost last, at most 200), found by the host in the stack. */
  readonly frames?: readonly PanelSourceFrame[];
};

/** A metric point as the panel shows it (no namespace). */
export type PanelMetric = Pick<MetricPoint, 'name' | 'value' | 'count' | 'min' | 'max' | 'stdDev'>;

/**
 * The store item's fields that cross to the webview as they are (besides seq, table and time).
 * Listed once: `toPanelItem` copies exactly these, and {@link PanelItem} is typed from them.
 */
export const PANEL_COPIED_FIELDS = [
  'role',
  'roleInstance',
  'operationId',
  'parentId',
  'id',
  'name',
  'duration',
  'success',
  'resultCode',
  'target',
  'type',
  'severity',
  'message',
  'properties',
  'measurements',
  'sdkVersion',
  'truncated',
  'delivery',
  'sampleRate',
] as const satisfies readonly (keyof TelemetryItem)[];

/**
 * One telemetry item as the panel shows it: a projection of the store's {@link TelemetryItem}, so a
 * field added to the store crosses postMessage only when it is named here.
 */
export type PanelItem = Pick<TelemetryItem, 'seq' | 'table' | 'time' | (typeof PANEL_COPIED_FIELDS)[number]> & {
  readonly exceptions?: readonly PanelException[];
  readonly metrics?: readonly PanelMetric[];
  /** Where a log record was written (`code.filepath`/`code.lineno`, OpenCensus `fileName`/`lineNumber`). */
  readonly source?: PanelSourceFrame;
  /** A generative-AI call (span) or one message of a conversation (event), found by the host (issue 19). */
  readonly genai?: PanelGenAi;
};

/** One part of a GenAI message: text, a tool call with its arguments, or a tool's answer. All untrusted text. */
export interface PanelGenAiPart {
  readonly kind: 'text' | 'tool_call' | 'tool_result';
  readonly text?: string;
  /** Tool calls and results: the tool's name and the call id. */
  readonly name?: string;
  readonly id?: string;
}

export interface PanelGenAiMessage {
  /** system, user, assistant, tool (as the app sent it). */
  readonly role: string;
  readonly parts: readonly PanelGenAiPart[];
  readonly finishReason?: string;
}

/** GenAI semantic conventions, read from a span's attributes or an event (src/core/genai). */
export interface PanelGenAi {
  readonly provider?: string;
  readonly operation?: string;
  readonly requestModel?: string;
  readonly responseModel?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly finishReasons?: readonly string[];
  /** The conversation the span carries (gen_ai.system_instructions, gen_ai.input.messages, gen_ai.output.messages). */
  readonly messages?: readonly PanelGenAiMessage[];
  /** Content was there but hidden by the setting (message content is sensitive). */
  readonly contentHidden?: true;
}

/** A shown item's new delivery state. */
export interface PanelDeliveryUpdate {
  readonly seq: number;
  readonly delivery: ItemDelivery;
}

export interface ForwardingStatus {
  readonly state: ForwardState;
  readonly acceptedItems: number;
  readonly sentItems: number;
  readonly retryingItems: number;
  readonly queuedItems: number;
  readonly queuedBytes: number;
  readonly droppedItems: number;
  /** Redacted; present only while it is current (state `retrying` or `error`). */
  readonly lastError?: string;
  /** The most recent error, current or past, and when (epoch ms): the strip's "last error at …" tooltip. */
  readonly lastErrorSeen?: { readonly message: string; readonly at: number };
  readonly endpoint?: string;
  /** Live Metrics forwarding (best effort, separate from the items above); absent when local-only. */
  readonly live?: LiveForwardingStatus;
}

export interface LiveForwardingStatus {
  /** The Azure portal's Live Metrics is watching an app through the relay. */
  readonly portalWatching: boolean;
  /** Live Metrics requests the service answered / that failed (never retried). */
  readonly sent: number;
  readonly failed: number;
  /** Redacted. */
  readonly lastError?: string;
}

/** One sample document of a Live Metrics post (what the portal's document streams asked for). */
export interface LiveDocument {
  readonly time: number;
  readonly kind: 'request' | 'dependency' | 'exception' | 'event' | 'trace';
  /** Name, exception type or message. */
  readonly title: string;
  /** URL, command or exception message. */
  readonly detail?: string;
  readonly code?: string;
  /** As the SDK sent it (a TimeSpan text or milliseconds). */
  readonly duration?: string;
  readonly role?: string;
  readonly properties?: readonly (readonly [string, string])[];
}

/** One Live Metrics (QuickPulse) post from an SDK. */
export interface LiveSample {
  readonly time: number;
  readonly role?: string;
  readonly instance?: string;
  readonly metrics: readonly { readonly name: string; readonly value: number; readonly weight?: number }[];
}

/** Longest query text the panel sends (the engine's own limit). */
export const MAX_QUERY_LENGTH = 20_000;

/** A query's answer (src/core/query QueryResult): JSON-safe cells, datetimes as ISO text. */
export interface QueryAnswer {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
  readonly chart?: { readonly kind: 'timechart' | 'barchart' | 'piechart'; readonly title?: string };
  readonly truncated?: boolean;
  readonly totalRows: number;
  readonly elapsedMs: number;
}

/** A refused query: the message names line and column; `position` is the offset in the text. */
export interface QueryProblem {
  readonly message: string;
  readonly position: number;
  readonly line: number;
  readonly column: number;
}

/** Longest text a `historySearch` may carry; most hits one answer carries; most runs one search names. */
export const MAX_HISTORY_SEARCH_TEXT = 200;
export const MAX_HISTORY_SEARCH_HITS = 200;
export const MAX_HISTORY_SEARCH_RUNS = 1000;
/** Longest run id (the history's own ids are ~22 characters) and hit text that cross postMessage. */
export const MAX_HISTORY_RUN_ID = 64;
export const MAX_HISTORY_HIT_TEXT = 300;
/** Longest folder name a `historyRuns` may carry (the host cuts it). */
export const MAX_HISTORY_FOLDER_NAME = 256;

/** One run of the telemetry history as the run selector lists it (issue 16). */
export interface HistoryRunSummary {
  readonly id: string;
  /** The script, command or imported file's name (untrusted text). */
  readonly name: string;
  /** Epoch ms. */
  readonly start: number;
  readonly items: number;
  readonly imported: boolean;
  readonly pinned: boolean;
  /** Still being written by this window: the current run. */
  readonly active: boolean;
}

/**
 * Why the history is off, as the panel's notice words it: the store's own reasons (HistoryOffReason)
 * plus `disabled` (the setting turns it off) and `unavailable` (it could not be opened at all).
 */
export const HISTORY_OFF_REASONS = ['disabled', 'unavailable', 'diskFull', 'readOnly', 'sizeLimit', 'fallingBehind', 'error'] as const;
export type HistoryOffCause = (typeof HISTORY_OFF_REASONS)[number];

/** One search hit: enough to list it and open its transaction. */
export interface HistorySearchHit {
  readonly runId: string;
  readonly table: TableName;
  /** Epoch ms. */
  readonly time: number;
  readonly operationId?: string;
  /** Name, message or exception (untrusted text, at most MAX_HISTORY_HIT_TEXT characters). */
  readonly text: string;
}

/** Items one `snapshotChunk` may carry (the host sends fewer; the webview drops a bigger one). */
export const MAX_SNAPSHOT_CHUNK_ITEMS = 10_000;
/** More items than any store holds: a `remaining` count above it is refused. */
export const MAX_SNAPSHOT_ITEMS = 10_000_000;

/** The older items a screenful-first snapshot still owes (issue 20). */
export interface SnapshotBackfill {
  /** Tells this snapshot's chunks from an earlier snapshot's. */
  readonly id: number;
  /** Older items the chunks will bring (items evicted meanwhile are skipped, so maybe fewer). */
  readonly remaining: number;
}

/** Host → webview. */
export type HostToWebview =
  | {
      readonly type: 'snapshot';
      readonly items: readonly PanelItem[];
      readonly live: readonly LiveSample[];
      /** Live Metrics sample documents kept by the relay (newest last). */
      readonly liveDocuments?: readonly LiveDocument[];
      readonly forwarding: ForwardingStatus;
      readonly relayUrl?: string;
      /**
       * A big store is sent screenful first (issue 20): `items` are then only the newest items, and
       * `snapshotChunk` messages with this id bring the `remaining` older ones, oldest first.
       */
      readonly backfill?: SnapshotBackfill;
    }
  /** Older items of snapshot `id` (all older than its `items`), oldest first; `remaining`: how many are still to come. */
  | { readonly type: 'snapshotChunk'; readonly id: number; readonly items: readonly PanelItem[]; readonly remaining: number }
  | {
      readonly type: 'delta';
      readonly added: readonly PanelItem[];
      /** Seqs the store evicted (ring buffers are bounded). */
      readonly evicted: readonly number[];
      readonly live: readonly LiveSample[];
      readonly liveDocuments?: readonly LiveDocument[];
      /** The store was cleared before `added`. */
      readonly cleared?: boolean;
      /** Items shown earlier whose delivery state changed (issue 19). */
      readonly deliveries?: readonly PanelDeliveryUpdate[];
    }
  | { readonly type: 'forwarding'; readonly status: ForwardingStatus }
  | { readonly type: 'notice'; readonly level: 'info' | 'error'; readonly text: string }
  /** The answer to the last chunk of a copy: only now may the panel say "copied". */
  | { readonly type: 'copyResult'; readonly id: number; readonly ok: boolean; readonly error?: string }
  /** The answer to `runQuery` `id`: a result or the error. */
  | { readonly type: 'queryResult'; readonly id: number; readonly result?: QueryAnswer; readonly error?: QueryProblem }
  /** Select this transaction in the Transactions view ("Show in Live Telemetry" on a runtime exception; issue 18). */
  | { readonly type: 'showTransaction'; readonly operationId: string }
  /** Open the Query tab running this query (a lens above a route or call in the code; issue 18). */
  | { readonly type: 'showQuery'; readonly query: string }
  /** The history's runs, oldest first (sent after `ready` and when they change); absent history: never sent. */
  /** `folder`: the runs are of a history folder opened read-only ("Open Telemetry History…"), named so. */
  | { readonly type: 'historyRuns'; readonly runs: readonly HistoryRunSummary[]; readonly folder?: string }
  /** The answer to `historySearch` `id`: hits grouped by table, newest first in each. */
  | {
      readonly type: 'historySearchResult';
      readonly id: number;
      readonly groups: readonly { readonly table: TableName; readonly hits: readonly HistorySearchHit[] }[];
      readonly total: number;
      readonly truncated: boolean;
      readonly error?: string;
    }
  /** The panel now shows run `runId` read from the history (a snapshot follows), or the live store again (no runId). */
  | {
      readonly type: 'historyShowing';
      readonly runId?: string;
      readonly name?: string;
      /** Items of the run read so far (its newest) and stored; `more`: "Load older" can read more. */
      readonly loaded?: number;
      readonly total?: number;
      readonly more?: boolean;
    }
  /** Whether the history records (sent after `ready` and when it turns off); off: the bar says why. */
  | { readonly type: 'historyStatus'; readonly state: 'on' | 'off'; readonly reason?: HistoryOffCause };

/** Webview → host. */
export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'clear' }
  | { readonly type: 'setForwardingPaused'; readonly paused: boolean }
  | { readonly type: 'export' }
  | { readonly type: 'import' }
  /**
   * One chunk of text for the clipboard: chunks `0 … count-1` of copy `id`, in order. The host
   * writes the clipboard after the last one and answers with `copyResult`.
   */
  | { readonly type: 'copyText'; readonly id: number; readonly index: number; readonly count: number; readonly text: string }
  /** The Live view became visible or hidden: apps are told "subscribed" while it is visible. */
  | { readonly type: 'liveViewVisible'; readonly visible: boolean }
  /** Runs KQL over the relay's items in the host (src/core/query); answered with `queryResult`. */
  | { readonly type: 'runQuery'; readonly id: number; readonly query: string }
  /** Open a file a stack frame or log record names, at its line (the host checks the path; issue 18). */
  | { readonly type: 'openSource'; readonly file: string; readonly line?: number }
  /** The strip's "Run without sampling": the host asks the user, then sets the sampler variables for apps VS Code starts (issue 19). */
  | { readonly type: 'runWithoutSampling' }
  /**
   * Search the telemetry history (issue 16): these runs, the current run (`current`: the host knows
   * which runs it is recording now), or all when neither is given; answered with `historySearchResult`.
   */
  | {
      readonly type: 'historySearch';
      readonly id: number;
      readonly text: string;
      readonly runIds?: readonly string[];
      readonly current?: true;
    }
  /** Show an earlier run's latest items from the history in the panel, or (no runId) go back to live. */
  | { readonly type: 'historyShowRun'; readonly runId?: string }
  /** The history-off notice's button: the history settings, or the extension's log (which has the system's message). */
  | { readonly type: 'historyHelp'; readonly target: 'setting' | 'log' }
  /** Close the history folder opened read-only: back to the workspace's history (and live telemetry). */
  | { readonly type: 'historyCloseFolder' }
  /** Read the next older page of the shown earlier run from disk ("Load older"). */
  | { readonly type: 'historyLoadOlder' }
  /** Pin or unpin a run of the history (a pinned run outlives the size and age limits). */
  | { readonly type: 'historySetPinned'; readonly runId: string; readonly pinned: boolean };

/** Longest path an `openSource` message may carry. */
export const MAX_OPEN_SOURCE_PATH = 4096;
/** Highest line an `openSource` message may carry. */
export const MAX_OPEN_SOURCE_LINE = 10_000_000;

/**
 * Characters per `copyText` message. The host refuses bigger messages (a webview is less trusted);
 * VS Code's postMessage itself has no fixed limit, but one message per megabyte keeps each
 * structured clone and IPC frame small.
 */
export const COPY_CHUNK_LENGTH = 1_000_000;
/** Most chunks of one copy; with {@link COPY_CHUNK_LENGTH}, the largest text the panel copies. */
export const MAX_COPY_CHUNKS = 16;
export const MAX_COPY_LENGTH = COPY_CHUNK_LENGTH * MAX_COPY_CHUNKS;

/**
 * The texts of the `copyText` chunks for `text`: at most COPY_CHUNK_LENGTH characters each, never
 * splitting a surrogate pair (each message stays well-formed UTF-16); one empty chunk for ''.
 */
export function copyChunkTexts(text: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  do {
    let end = Math.min(text.length, start + COPY_CHUNK_LENGTH);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(text.slice(start, end));
    start = end;
  } while (start < text.length);
  return chunks;
}

function isRunId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_HISTORY_RUN_ID;
}

function hasOnlyKeys(message: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(message).every((key) => key === 'type' || keys.includes(key));
}

function isHistorySearchHit(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const hit = value as Record<string, unknown>;
  return (
    isRunId(hit.runId) &&
    isTableName(hit.table) &&
    typeof hit.time === 'number' &&
    (hit.operationId === undefined || (typeof hit.operationId === 'string' && hit.operationId.length <= 1024)) &&
    typeof hit.text === 'string' &&
    hit.text.length <= MAX_HISTORY_HIT_TEXT
  );
}

function isHistorySearchResult(message: Record<string, unknown>): boolean {
  if (!isIndex(message.id, Number.MAX_SAFE_INTEGER) || !Array.isArray(message.groups) || typeof message.truncated !== 'boolean')
    return false;
  if (!isIndex(message.total, MAX_HISTORY_SEARCH_HITS + 1) || (message.error !== undefined && typeof message.error !== 'string'))
    return false;
  let hits = 0;
  for (const group of message.groups as unknown[]) {
    if (typeof group !== 'object' || group === null) return false;
    const { table, hits: groupHits } = group as Record<string, unknown>;
    if (!isTableName(table) || !Array.isArray(groupHits)) return false;
    hits += groupHits.length;
    if (hits > MAX_HISTORY_SEARCH_HITS || !groupHits.every(isHistorySearchHit)) return false;
  }
  return true;
}

function isHistoryRunSummary(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const run = value as Record<string, unknown>;
  return (
    isRunId(run.id) &&
    typeof run.name === 'string' &&
    run.name.length <= 1024 &&
    typeof run.start === 'number' &&
    isIndex(run.items, Number.MAX_SAFE_INTEGER) &&
    typeof run.imported === 'boolean' &&
    typeof run.pinned === 'boolean' &&
    typeof run.active === 'boolean'
  );
}

function isSnapshotBackfill(value: unknown): value is SnapshotBackfill {
  if (typeof value !== 'object' || value === null) return false;
  const backfill = value as Record<string, unknown>;
  return isIndex(backfill.id, Number.MAX_SAFE_INTEGER) && isIndex(backfill.remaining, MAX_SNAPSHOT_ITEMS + 1);
}

function isIndex(value: unknown, below: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < below;
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'clear':
    case 'export':
    case 'import':
    case 'runWithoutSampling':
    case 'historyCloseFolder':
    case 'historyLoadOlder':
      return Object.keys(message).length === 1;
    case 'setForwardingPaused':
      return typeof message.paused === 'boolean';
    case 'liveViewVisible':
      return typeof message.visible === 'boolean';
    case 'runQuery':
      return isIndex(message.id, Number.MAX_SAFE_INTEGER) && typeof message.query === 'string' && message.query.length <= MAX_QUERY_LENGTH;
    case 'openSource':
      return (
        typeof message.file === 'string' &&
        message.file.length > 0 &&
        message.file.length <= MAX_OPEN_SOURCE_PATH &&
        (message.line === undefined || (isIndex(message.line, MAX_OPEN_SOURCE_LINE + 1) && message.line >= 1)) &&
        Object.keys(message).every((key) => key === 'type' || key === 'file' || key === 'line')
      );
    case 'historySearch':
      return (
        isIndex(message.id, Number.MAX_SAFE_INTEGER) &&
        typeof message.text === 'string' &&
        message.text.length <= MAX_HISTORY_SEARCH_TEXT &&
        (message.runIds === undefined ||
          (Array.isArray(message.runIds) && message.runIds.length <= MAX_HISTORY_SEARCH_RUNS && message.runIds.every(isRunId))) &&
        (message.current === undefined || (message.current === true && message.runIds === undefined)) &&
        hasOnlyKeys(message, ['id', 'text', 'runIds', 'current'])
      );
    case 'historyShowRun':
      return (message.runId === undefined || isRunId(message.runId)) && hasOnlyKeys(message, ['runId']);
    case 'historyHelp':
      return (message.target === 'setting' || message.target === 'log') && hasOnlyKeys(message, ['target']);
    case 'historySetPinned':
      return isRunId(message.runId) && typeof message.pinned === 'boolean' && hasOnlyKeys(message, ['runId', 'pinned']);
    case 'copyText':
      return (
        isIndex(message.id, Number.MAX_SAFE_INTEGER) &&
        isIndex(message.count, MAX_COPY_CHUNKS + 1) &&
        message.count > 0 &&
        isIndex(message.index, message.count) &&
        typeof message.text === 'string' &&
        message.text.length <= COPY_CHUNK_LENGTH
      );
    default:
      return false;
  }
}

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'snapshot':
      return (
        Array.isArray(message.items) &&
        Array.isArray(message.live) &&
        typeof message.forwarding === 'object' &&
        message.forwarding !== null &&
        (message.backfill === undefined || isSnapshotBackfill(message.backfill))
      );
    case 'snapshotChunk':
      return (
        isIndex(message.id, Number.MAX_SAFE_INTEGER) &&
        Array.isArray(message.items) &&
        message.items.length <= MAX_SNAPSHOT_CHUNK_ITEMS &&
        isIndex(message.remaining, MAX_SNAPSHOT_ITEMS + 1)
      );
    case 'delta':
      return Array.isArray(message.added) && Array.isArray(message.evicted) && Array.isArray(message.live);
    case 'forwarding':
      return typeof message.status === 'object' && message.status !== null;
    case 'notice':
      return (message.level === 'info' || message.level === 'error') && typeof message.text === 'string';
    case 'showTransaction':
      return typeof message.operationId === 'string' && message.operationId.length > 0 && message.operationId.length <= 1024;
    case 'showQuery':
      return typeof message.query === 'string' && message.query.length > 0 && message.query.length <= MAX_QUERY_LENGTH;
    case 'copyResult':
      return (
        isIndex(message.id, Number.MAX_SAFE_INTEGER) &&
        typeof message.ok === 'boolean' &&
        (message.error === undefined || typeof message.error === 'string')
      );
    case 'historyRuns':
      return (
        Array.isArray(message.runs) &&
        message.runs.length <= 10_000 &&
        message.runs.every(isHistoryRunSummary) &&
        (message.folder === undefined || (typeof message.folder === 'string' && message.folder.length <= MAX_HISTORY_FOLDER_NAME))
      );
    case 'historySearchResult':
      return isHistorySearchResult(message);
    case 'historyShowing':
      return (
        (message.runId === undefined || isRunId(message.runId)) &&
        (message.name === undefined || typeof message.name === 'string') &&
        (message.loaded === undefined || isIndex(message.loaded, Number.MAX_SAFE_INTEGER)) &&
        (message.total === undefined || isIndex(message.total, Number.MAX_SAFE_INTEGER)) &&
        (message.more === undefined || typeof message.more === 'boolean')
      );
    case 'historyStatus':
      return message.state === 'on'
        ? message.reason === undefined
        : message.state === 'off' && (HISTORY_OFF_REASONS as readonly unknown[]).includes(message.reason);
    case 'queryResult': {
      const result = message.result as Record<string, unknown> | undefined;
      const error = message.error as Record<string, unknown> | undefined;
      return (
        isIndex(message.id, Number.MAX_SAFE_INTEGER) &&
        (result === undefined ||
          (typeof result === 'object' && result !== null && Array.isArray(result.columns) && Array.isArray(result.rows))) &&
        (error === undefined || (typeof error === 'object' && error !== null && typeof error.message === 'string')) &&
        (result === undefined) !== (error === undefined)
      );
    }
    default:
      return false;
  }
}
