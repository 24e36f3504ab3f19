/**
 * The panel's history search and run list (issue 16), answered in the host from the history on
 * disk: hits become short, bounded texts (the webview lists them and opens their transactions; it
 * never gets the envelopes themselves).
 */
import type { HistoryStatus, HistoryStore, RunInfo } from '../history';
import { normaliseEnvelope } from '../store/normalise';
import { TelemetryStore } from '../store/telemetryStore';
import { toPanelItems, type PanelItemOptions } from './panelItem';
import type { PanelItem } from '../../shared/messages';
import {
  type HistoryRunSummary,
  type HistorySearchHit,
  type HostToWebview,
  MAX_HISTORY_HIT_TEXT,
  MAX_HISTORY_SEARCH_HITS,
  type TableName,
} from '../../shared/messages';

/**
 * What the panel's history bar is told about recording: off with the store's reason, `disabled`
 * when the setting turns the history off, `unavailable` when it is on but no history could be opened.
 */
export function historyStatusMessage(
  status: HistoryStatus | undefined,
  enabled: boolean,
): Extract<HostToWebview, { type: 'historyStatus' }> {
  if (!enabled) return { type: 'historyStatus', state: 'off', reason: 'disabled' };
  if (!status) return { type: 'historyStatus', state: 'off', reason: 'unavailable' };
  if (status.state === 'on') return { type: 'historyStatus', state: 'on' };
  return { type: 'historyStatus', state: 'off', reason: status.reason ?? 'error' };
}

export function historyRunSummaries(runs: readonly RunInfo[]): HistoryRunSummary[] {
  return runs.map((run) => ({
    id: run.id,
    name: run.name.slice(0, 1024),
    start: run.startMs,
    items: run.items,
    imported: run.source === 'imported',
    pinned: run.pinned,
    active: run.active,
  }));
}

/** The current run: the ones being recorded now, else the newest with items (restored after a reload). */
export function currentRunIds(runs: readonly RunInfo[]): string[] {
  const active = runs.filter((run) => run.active && run.items > 0).map((run) => run.id);
  if (active.length > 0) return active;
  const newest = runs.filter((run) => run.items > 0).pop();
  return newest ? [newest.id] : [];
}

/** What "Clear and delete from disk" deletes: the shown run (pinned or not: the question names it), else every unpinned run. */
export interface RunDeletion {
  readonly runIds: readonly string[];
  /** The shown run is pinned: the question says so before deleting it. */
  readonly deletesPinned: boolean;
  /** Pinned runs kept (all runs): the question says how many. */
  readonly pinnedKept: number;
}

export function runsToDelete(runs: readonly RunInfo[], shownRunId: string | undefined): RunDeletion {
  if (shownRunId !== undefined) {
    const shown = runs.find((run) => run.id === shownRunId);
    return { runIds: shown ? [shown.id] : [], deletesPinned: shown?.pinned === true, pinnedKept: 0 };
  }
  return {
    runIds: runs.filter((run) => !run.pinned).map((run) => run.id),
    deletesPinned: false,
    pinnedKept: runs.filter((run) => run.pinned).length,
  };
}

/** Whether the run selector's list is out of date: a run came, went, or stopped being current. */
export function runListChanged(before: readonly HistoryRunSummary[], now: readonly RunInfo[]): boolean {
  return (
    before.length !== now.length ||
    now.some((run, index) => before[index]?.id !== run.id || before[index]?.active !== run.active || before[index]?.pinned !== run.pinned)
  );
}

export async function answerHistorySearch(
  history: Pick<HistoryStore, 'search'>,
  id: number,
  text: string,
  runIds?: readonly string[],
): Promise<Extract<HostToWebview, { type: 'historySearchResult' }>> {
  try {
    const result = await history.search(text, { runIds, limit: MAX_HISTORY_SEARCH_HITS });
    const groups: { table: TableName; hits: HistorySearchHit[] }[] = [];
    let total = 0;
    for (const [table, hits] of Object.entries(result.groups) as [TableName, NonNullable<(typeof result.groups)[TableName]>][]) {
      const shown: HistorySearchHit[] = [];
      for (const hit of hits) {
        const item = normaliseEnvelope(hit.envelope, 0);
        if (!item) continue;
        shown.push({
          runId: hit.runId,
          table,
          time: item.time,
          ...(item.operationId ? { operationId: item.operationId.slice(0, 1024) } : {}),
          text: hitText(item).slice(0, MAX_HISTORY_HIT_TEXT),
        });
      }
      total += shown.length;
      if (shown.length > 0) groups.push({ table, hits: shown });
    }
    return { type: 'historySearchResult', id, groups, total, truncated: result.truncated };
  } catch (error) {
    return {
      type: 'historySearchResult',
      id,
      groups: [],
      total: 0,
      truncated: false,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** What a hit is called: its first exception (type and message), name or message, on one line. */
function hitText(item: NonNullable<ReturnType<typeof normaliseEnvelope>>): string {
  const exception = item.exceptions?.[0];
  const parts = [
    exception && [exception.typeName, exception.message].filter(Boolean).join(': '),
    item.name,
    item.message,
    item.url ?? item.target,
  ];
  const text = parts.find((part): part is string => typeof part === 'string' && part.trim() !== '') ?? '';
  return text.replace(/\s+/g, ' ').trim();
}

/** Items an earlier run shows first (its newest), and each "Load older" adds. */
export const HISTORY_RUN_ITEMS = 10_000;
/** Most items of one earlier run the panel holds ("Load older" stops there; memory stays bounded). */
export const MAX_HISTORY_SHOWN_ITEMS = 100_000;

/**
 * An earlier run's newest items in a store of their own (the live store is left alone; the panel
 * goes back to it with "Back to live"): the panel shows them, and Query and Export read them.
 * Its buffers take {@link MAX_HISTORY_SHOWN_ITEMS} per kind, so older pages never push out newer items.
 */
export async function historyRunStore(history: Pick<HistoryStore, 'readLatest'>, runId: string): Promise<TelemetryStore> {
  const store = emptyHistoryRunStore();
  await loadOlderItems(history, store, runId, 0);
  return store;
}

/** The store an earlier run is shown from: room for {@link MAX_HISTORY_SHOWN_ITEMS} per kind. */
export function emptyHistoryRunStore(): TelemetryStore {
  return new TelemetryStore({
    maxTraceItemsPerRole: MAX_HISTORY_SHOWN_ITEMS,
    maxLogItemsPerRole: MAX_HISTORY_SHOWN_ITEMS,
    maxMetricPointsPerRole: MAX_HISTORY_SHOWN_ITEMS,
  });
}

/**
 * "Load older": the next page of the run from disk, older than the `loaded` newest items already
 * in `store`, added to it. Returns how many stored items it read (0: none left, or the store is full).
 */
export async function loadOlderItems(
  history: Pick<HistoryStore, 'readLatest'>,
  store: Pick<TelemetryStore, 'add'>,
  runId: string,
  loaded: number,
): Promise<number> {
  const page = Math.min(HISTORY_RUN_ITEMS, MAX_HISTORY_SHOWN_ITEMS - loaded);
  if (page <= 0) return 0;
  const older = await history.readLatest(page, [runId], loaded);
  store.add(
    older.map((hit) => hit.envelope),
    'local',
    { source: 'history' },
  );
  return older.length;
}

/** The items of {@link historyRunStore} as the panel shows them. */
export async function historyRunItems(
  history: Pick<HistoryStore, 'readLatest'>,
  runId: string,
  options: PanelItemOptions = {},
): Promise<PanelItem[]> {
  return toPanelItems((await historyRunStore(history, runId)).snapshot(), options);
}
