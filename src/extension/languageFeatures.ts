/**
 * Everything Python-editing: the language server (started lazily for Python documents), the
 * insert-snippet command, and the client-side commands the server's code actions carry
 * (migration preview, storing a connection string found in code, offering missing packages), and
 * the SDKs' offline storage folders.
 * extension.ts calls {@link registerLanguageFeatures} once.
 */
import * as vscode from 'vscode';
import type { Redactor } from '../core/redact';
import { CLIENT_COMMANDS } from '../shared/serverProtocol';
import { insertSnippetCommand } from './commands/insertSnippet';
import { SHOW_SDK_STORAGE_COMMAND, showSdkOfflineStorage } from './commands/sdkOfflineStorage';
import { storeConnectionStringFromCode } from './commands/storeConnectionString';
import type { ConnectionStringStore } from './connectionStringStore';
import { PythonLanguageClient } from './languageClient';
import type { Logger } from './log';
import { MIGRATION_SCHEME, MigrationPreviewProvider, showOpenTelemetryEquivalent } from './migrationPreview';
import { offerPackagesFromServer } from './packageOffer';

export const INSERT_SNIPPET_COMMAND = 'azureMonitorPython.insertSnippet';

export interface LanguageFeatureDeps {
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly connectionStrings: ConnectionStringStore;
}

export interface LanguageFeatures {
  readonly languageClient: PythonLanguageClient;
}

export function registerLanguageFeatures(context: vscode.ExtensionContext, deps: LanguageFeatureDeps): LanguageFeatures {
  const { log } = deps;
  const languageClient = new PythonLanguageClient(context, log, deps.redactor);
  const previews = new MigrationPreviewProvider();
  context.subscriptions.push(languageClient, previews, vscode.workspace.registerTextDocumentContentProvider(MIGRATION_SCHEME, previews));

  const commands: Record<string, (...args: unknown[]) => unknown> = {
    [INSERT_SNIPPET_COMMAND]: (argument) => insertSnippetCommand(log, argument),
    [CLIENT_COMMANDS.showOpenTelemetryEquivalent]: (text, uri) => showOpenTelemetryEquivalent(previews, text, uri),
    [CLIENT_COMMANDS.storeConnectionString]: (argument) => storeConnectionStringFromCode(deps.connectionStrings, log, argument),
    [CLIENT_COMMANDS.offerPackages]: (argument) => offerPackagesFromServer(argument, log),
    [SHOW_SDK_STORAGE_COMMAND]: () => showSdkOfflineStorage(log),
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, reportingErrors(id, handler, log)));
  }
  languageClient.startWhenPythonIsOpen();
  return { languageClient };
}

/** A failing command shows one message and logs the details (through the redacting logger). */
function reportingErrors(id: string, handler: (...args: unknown[]) => unknown, log: Logger) {
  return async (...args: unknown[]): Promise<unknown> => {
    try {
      return await handler(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Azure Monitor: {0}', message));
      return undefined;
    }
  };
}
