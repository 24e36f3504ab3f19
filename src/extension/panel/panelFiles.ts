/**
 * Export and import of the panel's items as NDJSON files. The dialogs are for users; a Uri argument
 * skips them (tests, and other extensions). Imported items go into the store only: they are shown,
 * never forwarded to Azure Monitor.
 */
import * as vscode from 'vscode';
import { exportRunToFile, type HistoryStore } from '../../core/history';
import { exportNdjson, isShownInPanel, MAX_IMPORT_BYTES, parseImport } from '../../core/panel';
import type { TelemetryStore } from '../../core/store/telemetryStore';

const FILE_FILTERS = (): Record<string, string[]> => ({ [vscode.l10n.t('Telemetry (NDJSON)')]: ['ndjson', 'jsonl', 'json'] });

export interface ExportResult {
  readonly uri: vscode.Uri;
  readonly items: number;
}

/** An earlier run the panel shows: exported whole from disk, not only its loaded pages. */
export interface ShownRun {
  readonly history: Pick<HistoryStore, 'readRun'>;
  readonly runId: string;
}

/**
 * Writes what the panel shows; undefined when the user cancelled the dialog. While an earlier run
 * is shown (`run`), a file on this machine gets every item of it, streamed from the history; any
 * other target gets the items loaded into the panel.
 */
export async function exportTelemetry(
  store: Pick<TelemetryStore, 'snapshot'>,
  target?: vscode.Uri,
  run?: ShownRun,
): Promise<ExportResult | undefined> {
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Live Telemetry'),
      saveLabel: vscode.l10n.t('Export'),
      defaultUri: defaultExportUri(),
      filters: FILE_FILTERS(),
    }));
  if (!uri) return undefined;
  if (run && uri.scheme === 'file') return { uri, items: await exportRunToFile(run.history, run.runId, uri.fsPath) };
  const items = store.snapshot().filter(isShownInPanel);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(exportNdjson(items), 'utf8'));
  return { uri, items: items.length };
}

export interface ImportResult {
  readonly uri: vscode.Uri;
  readonly items: number;
}

/** Reads, validates and adds a file's envelopes; throws with a clear message when the file is not telemetry. */
export async function importTelemetry(
  store: Pick<TelemetryStore, 'add'>,
  localKey: string,
  source?: vscode.Uri,
): Promise<ImportResult | undefined> {
  const uri =
    source ??
    (
      await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Import Telemetry'),
        openLabel: vscode.l10n.t('Import'),
        canSelectMany: false,
        filters: FILE_FILTERS(),
      })
    )?.[0];
  if (!uri) return undefined;
  const { size } = await vscode.workspace.fs.stat(uri);
  if (size > MAX_IMPORT_BYTES) {
    throw new Error(vscode.l10n.t('{0} is larger than {1} MB.', fileName(uri), String(MAX_IMPORT_BYTES / 1024 / 1024)));
  }
  const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  const parsed = parseImport(text, localKey);
  if (!parsed.ok) {
    throw new Error(vscode.l10n.t('{0} is not a telemetry file: {1}', fileName(uri), parsed.message));
  }
  // Counted as the panel shows them (the SDK's own rows are kept, not shown, not exported).
  const added = store.add(parsed.envelopes, undefined, { source: 'imported', name: fileName(uri) }).filter(isShownInPanel);
  return { uri, items: added.length };
}

export function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

function defaultExportUri(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return folder ? vscode.Uri.joinPath(folder, `telemetry-${stamp}.ndjson`) : undefined;
}
