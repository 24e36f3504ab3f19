/**
 * The Query tab's queries run here, in the extension host, over the relay's store: the store has
 * every field (the webview's model is a display copy), the engine (src/core/query, with re2js)
 * stays out of the webview bundle, and the same engine answers the CLI. Limits are tighter than
 * the relay route's: the answer crosses postMessage, and the host's event loop is shared.
 */
import { QueryError, runQuery } from '../../core/query';
import type { TelemetryStore } from '../../core/store/telemetryStore';
import type { HostToWebview } from '../../shared/messages';

const PANEL_QUERY_LIMITS = { maxResultRows: 10_000, maxResultBytes: 4 * 1024 * 1024, timeBudgetMs: 3000 };

export function answerQuery(id: number, query: string, store: TelemetryStore): HostToWebview {
  try {
    return { type: 'queryResult', id, result: runQuery(query, store.snapshot(), { limits: PANEL_QUERY_LIMITS }) };
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    return { type: 'queryResult', id, error: { message: error.message, position: error.position, line: error.line, column: error.column } };
  }
}
