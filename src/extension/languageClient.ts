/**
 * Starts the Python language server (dist/server.js, its own bundle) over IPC for Python files,
 * and implements the client-side commands its code actions refer to.
 */
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import type { Logger } from './log';

export const SHOW_OTEL_EQUIVALENT_COMMAND = 'azureMonitorPython.showOpenTelemetryEquivalent';

export async function startLanguageClient(context: vscode.ExtensionContext, log: Logger): Promise<LanguageClient> {
  const serverModule = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    synchronize: { configurationSection: 'azureMonitorPython' },
    outputChannelName: 'Azure Monitor Language Server',
  };
  const client = new LanguageClient('azureMonitorPython', vscode.l10n.t('Azure Monitor Python Language Server'), serverOptions, clientOptions);
  await client.start();
  log.info('Python language server started.');
  return client;
}

/** Opens the migrated (OpenTelemetry) version of a file beside it, as an untitled Python document. */
export async function showOpenTelemetryEquivalent(migratedText: unknown): Promise<vscode.TextEditor | undefined> {
  if (typeof migratedText !== 'string' || migratedText.length === 0) {
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: migratedText });
  return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
