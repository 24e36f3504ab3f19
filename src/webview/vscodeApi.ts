/**
 * The webview's handle on VS Code: typed messages to the host and the UI state VS Code keeps for
 * the panel across hide/show and restarts (UI state only — telemetry comes from the host's snapshot).
 */
import type { WebviewToHost } from '../shared/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export type ViewId = 'transactions' | 'performance' | 'failures' | 'logs' | 'query' | 'metrics' | 'map' | 'live';
export const VIEW_IDS: readonly ViewId[] = ['transactions', 'performance', 'failures', 'logs', 'query', 'metrics', 'map', 'live'];

export interface UiState {
  readonly view: ViewId;
  readonly transactionSearch: string;
  readonly failedOnly: boolean;
  /** Transactions' delivery filter (issue 19): '', 'dropped', 'queued', 'sent' or 'local'. */
  readonly transactionDelivery: string;
  readonly selectedOperationId: string | undefined;
  /** Minimum severity shown in Logs, 0 (Verbose) … 4 (Critical). */
  readonly minSeverity: number;
  readonly logSearch: string;
  /** '' for all roles. */
  readonly logRole: string;
  /** '' for traces, exceptions and events alike. */
  readonly logTable: string;
  /** Logs' delivery filter (issue 19), as transactionDelivery. */
  readonly logDelivery: string;
  /** The Query tab's text, its last run queries (newest first) and the saved ones. */
  readonly queryText: string;
  readonly queryHistory: readonly string[];
  readonly savedQueries: readonly { readonly name: string; readonly query: string }[];
}

export const DEFAULT_UI_STATE: UiState = {
  view: 'transactions',
  transactionSearch: '',
  failedOnly: false,
  transactionDelivery: '',
  selectedOperationId: undefined,
  minSeverity: 0,
  logSearch: '',
  logRole: '',
  logTable: '',
  logDelivery: '',
  queryText: '',
  queryHistory: [],
  savedQueries: [],
};

/** Bounds on what the Query tab keeps in the panel state (it is saved on every change). */
const MAX_SAVED_QUERY_LENGTH = 20_000;
const MAX_SAVED_QUERY_ENTRIES = 50;

export class HostConnection {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private state: UiState;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.state = restoreUiState(this.api.getState());
  }

  post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  get uiState(): UiState {
    return this.state;
  }

  /** Merges and saves (debounced: typing in a filter saves once). */
  updateUiState(change: Partial<UiState>): void {
    this.state = { ...this.state, ...change };
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.api.setState(this.state), 200);
  }
}

/** Takes only well-typed fields from whatever was saved (older versions may have saved less). */
function restoreUiState(saved: unknown): UiState {
  if (typeof saved !== 'object' || saved === null) return DEFAULT_UI_STATE;
  const value = saved as Record<string, unknown>;
  const text = (key: keyof UiState, fallback: string): string => (typeof value[key] === 'string' ? (value[key] as string) : fallback);
  return {
    view: VIEW_IDS.includes(value.view as ViewId) ? (value.view as ViewId) : DEFAULT_UI_STATE.view,
    transactionSearch: text('transactionSearch', ''),
    failedOnly: value.failedOnly === true,
    transactionDelivery: text('transactionDelivery', ''),
    selectedOperationId: typeof value.selectedOperationId === 'string' ? value.selectedOperationId : undefined,
    minSeverity:
      typeof value.minSeverity === 'number' && value.minSeverity >= 0 && value.minSeverity <= 4 ? Math.trunc(value.minSeverity) : 0,
    logSearch: text('logSearch', ''),
    logRole: text('logRole', ''),
    logTable: text('logTable', ''),
    logDelivery: text('logDelivery', ''),
    queryText: text('queryText', '').slice(0, MAX_SAVED_QUERY_LENGTH),
    queryHistory: Array.isArray(value.queryHistory)
      ? value.queryHistory
          .filter((entry): entry is string => typeof entry === 'string' && entry.length <= MAX_SAVED_QUERY_LENGTH)
          .slice(0, MAX_SAVED_QUERY_ENTRIES)
      : [],
    savedQueries: Array.isArray(value.savedQueries)
      ? value.savedQueries
          .filter(
            (entry): entry is { name: string; query: string } =>
              typeof entry === 'object' &&
              entry !== null &&
              typeof entry.name === 'string' &&
              typeof entry.query === 'string' &&
              entry.query.length <= MAX_SAVED_QUERY_LENGTH,
          )
          .map((entry) => ({ name: entry.name.slice(0, 200), query: entry.query }))
          .slice(0, MAX_SAVED_QUERY_ENTRIES)
      : [],
  };
}
