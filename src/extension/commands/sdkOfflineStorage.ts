/**
 * `Azure Monitor: Show SDK Offline Storage`: the folders where the Python SDKs keep telemetry they
 * could not send (and will re-send later to whatever endpoint is configured then), with an offer
 * to delete the chosen ones. The instrumentation key in a folder name is shown redacted.
 */
import * as vscode from 'vscode';
import { redactInstrumentationKey } from '../../core/redact';
import { deleteSdkStorageFolder, findSdkStorageFolders, formatBytes, SdkStorageFolder } from '../../core/sdkOfflineStorage';
import type { Logger } from '../log';
import { COMMAND_IDS } from '../../shared/commandIds';

export const SHOW_SDK_STORAGE_COMMAND = COMMAND_IDS.showSdkOfflineStorage;

export interface SdkStorageOutcome {
  readonly found: readonly SdkStorageFolder[];
  readonly deleted: readonly string[];
}

type FolderItem = vscode.QuickPickItem & { folder: SdkStorageFolder };

export async function showSdkOfflineStorage(log: Logger): Promise<SdkStorageOutcome> {
  const found = await findSdkStorageFolders();
  log.info(`SDK offline storage: ${found.length} folder(s).`);
  if (found.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No Python SDK offline storage found: nothing is waiting to be re-sent.'));
    return { found, deleted: [] };
  }
  const items: FolderItem[] = found.map((folder) => ({
    label: `${folder.sdk === 'opencensus' ? 'OpenCensus' : 'OpenTelemetry'} · ${redactInstrumentationKey(folder.suffix)}`,
    description: vscode.l10n.t('{0} files, {1}', String(folder.files), formatBytes(folder.bytes)),
    detail: folder.path.replace(folder.suffix, redactInstrumentationKey(folder.suffix)),
    folder,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Python SDK Offline Storage'),
    placeHolder: vscode.l10n.t('Telemetry the SDKs could not send; they re-send it later. Select folders to delete.'),
    canPickMany: true,
  });
  if (!picked || picked.length === 0) {
    return { found, deleted: [] };
  }
  const remove = vscode.l10n.t('Delete');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete {0} folder(s) of unsent telemetry? It will not be sent.', String(picked.length)),
    { modal: true },
    remove,
  );
  if (answer !== remove) {
    return { found, deleted: [] };
  }
  const deleted: string[] = [];
  for (const { folder } of picked) {
    await deleteSdkStorageFolder(folder.path);
    deleted.push(folder.path);
  }
  log.info(`SDK offline storage: deleted ${deleted.length} folder(s).`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Deleted {0} folder(s) of unsent telemetry.', String(deleted.length)));
  return { found, deleted };
}
