/**
 * Everything Python-editing: the language server (started lazily for Python documents), the
 * insert-snippet command, and the client-side commands the server's code actions carry
 * (migration preview, storing a connection string found in code, offering missing packages), and
 * the SDKs' offline storage folders.
 * extension.ts calls {@link registerLanguageFeatures} once.
 */
import * as vscode from 'vscode';
import {
  CLIENT_COMMANDS,
  OPEN_TELEMETRY_EQUIVALENT_REQUEST,
  OpenTelemetryEquivalentParams,
  OpenTelemetryEquivalentResult,
} from '../shared/serverProtocol';
import { insertSnippetCommand } from './commands/insertSnippet';
import { SHOW_SDK_STORAGE_COMMAND, showSdkOfflineStorage } from './commands/sdkOfflineStorage';
import { storeConnectionStringFromCode } from './commands/storeConnectionString';
import { registerCommands } from './commandRegistry';
import type { ExtensionContextState } from './contextState';
import { PythonLanguageClient } from './languageClient';
import { MIGRATION_SCHEME, MigrationPreviewProvider, showOpenTelemetryEquivalent } from './migrationPreview';
import { MIGRATE_FILE_COMMAND } from './instrumentation';
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
    [MIGRATE_FILE_COMMAND]: (uri) => showMigrationForFile(languageClient, previews, uri),
  };
  // Through the shared registry: each command is also a lazy start trigger of the relay, and reports its errors.
  registerCommands(state, commands);
  languageClient.startWhenPythonIsOpen();
  return { languageClient };
}

/** Set Up's "Migrate it": asks the server for the file's OpenTelemetry equivalent and opens the migration view. */
async function showMigrationForFile(
  languageClient: PythonLanguageClient,
  previews: MigrationPreviewProvider,
  uri: unknown,
): Promise<vscode.Uri | undefined> {
  if (typeof uri !== 'string') return undefined;
  const client = await languageClient.ensureStarted();
  const params: OpenTelemetryEquivalentParams = { uri };
  const result = client ? await client.sendRequest<OpenTelemetryEquivalentResult | null>(OPEN_TELEMETRY_EQUIVALENT_REQUEST, params) : null;
  if (!result?.usesOpenCensus) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'The migration view is not available for {0}: the language server does not see OpenCensus in it.',
        vscode.workspace.asRelativePath(vscode.Uri.parse(uri, true)),
      ),
    );
    return undefined;
  }
  return showOpenTelemetryEquivalent(previews, result.text, uri);
}
