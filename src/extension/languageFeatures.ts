/**
 * Everything Python-editing: the language server (started lazily for Python documents), the
 * insert-snippet command, and the client-side commands the server's code actions carry
 * (migration preview, storing a connection string found in code, offering missing packages), and
 * the SDKs' offline storage folders.
 * extension.ts calls {@link registerLanguageFeatures} once.
 */
import * as vscode from 'vscode';
import { CLIENT_COMMANDS } from '../shared/serverProtocol';
import { insertSnippetCommand } from './commands/insertSnippet';
import { SHOW_SDK_STORAGE_COMMAND, showSdkOfflineStorage } from './commands/sdkOfflineStorage';
import { storeConnectionStringFromCode } from './commands/storeConnectionString';
import { registerCommands } from './commandRegistry';
import type { ExtensionContextState } from './contextState';
import { PythonLanguageClient } from './languageClient';
import { MIGRATION_SCHEME, MigrationPreviewProvider, showOpenTelemetryEquivalent } from './migrationPreview';
import { offerPackagesFromServer } from './packageOffer';
import { COMMAND_IDS, CommandId } from '../shared/commandIds';

export const INSERT_SNIPPET_COMMAND = COMMAND_IDS.insertSnippet;

export interface LanguageFeatures {
  readonly languageClient: PythonLanguageClient;
}

export function registerLanguageFeatures(state: ExtensionContextState): LanguageFeatures {
  const { log, extensionContext: context } = state;
  const languageClient = new PythonLanguageClient(context, log, state.redactor);
  const previews = new MigrationPreviewProvider();
  context.subscriptions.push(languageClient, previews, vscode.workspace.registerTextDocumentContentProvider(MIGRATION_SCHEME, previews));

  const commands: Partial<Record<CommandId, (...args: unknown[]) => unknown>> = {
    [INSERT_SNIPPET_COMMAND]: (argument) => insertSnippetCommand(log, argument),
    [CLIENT_COMMANDS.showOpenTelemetryEquivalent]: (text, uri) => showOpenTelemetryEquivalent(previews, text, uri),
    [CLIENT_COMMANDS.storeConnectionString]: (argument) => storeConnectionStringFromCode(state.connectionStrings, log, argument),
    [CLIENT_COMMANDS.offerPackages]: (argument) => offerPackagesFromServer(argument, log),
    [SHOW_SDK_STORAGE_COMMAND]: () => showSdkOfflineStorage(log),
  };
  // Through the shared registry: each command is also a lazy start trigger of the relay, and reports its errors.
  registerCommands(state, commands);
  languageClient.startWhenPythonIsOpen();
  return { languageClient };
}
