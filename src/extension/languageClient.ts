/**
 * Starts the Python language server (dist/server.js, its own bundle) over IPC, lazily: when the
 * first Python document is open, not at activation. Its log and its protocol trace
 * (`azureMonitorPython.trace.server`) go through the Redactor, since a traced didOpen or code
 * action carries the user's source text, hard-coded keys included.
 */
import * as vscode from 'vscode';
// Types only: vscode-languageclient is in dist/languageClient.js, loaded on the first start (lazy.ts).
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import type { Redactor } from '../core/redact';
import { loadLanguageClientRuntime } from './lazy';
import type { Logger } from './log';

const CLIENT_ID = 'azureMonitorPython';

export class PythonLanguageClient implements vscode.Disposable {
  private starting: Promise<LanguageClient | undefined> | undefined;
  private readonly listeners: vscode.Disposable[] = [];
  private channel: vscode.OutputChannel | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
    private readonly redactor: Redactor,
  ) {}

  /** Starts now if a Python document is open, else on the first one opened. */
  startWhenPythonIsOpen(): void {
    if (vscode.workspace.textDocuments.some(isPythonDocument)) {
      void this.ensureStarted();
      return;
    }
    const listener = vscode.workspace.onDidOpenTextDocument((document) => {
      if (isPythonDocument(document)) {
        listener.dispose();
        void this.ensureStarted();
      }
    });
    this.listeners.push(listener);
  }

  /** The running client (started once; a failed start is logged and retried on the next call). */
  ensureStarted(): Promise<LanguageClient | undefined> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.log.error(`The Python language server did not start: ${error instanceof Error ? error.message : String(error)}`);
      this.starting = undefined;
      return undefined;
    });
    return this.starting;
  }

  private async start(): Promise<LanguageClient> {
    const { LanguageClient, TransportKind } = loadLanguageClientRuntime();
    const serverModule = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'server.js').fsPath;
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    this.channel ??= redactingChannel(vscode.window.createOutputChannel('Azure Monitor Language Server'), this.redactor);
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
      ],
      synchronize: { configurationSection: CLIENT_ID },
      // The server loads l10n/bundle.l10n.<locale>.json for its diagnostics, fixes and hovers.
      initializationOptions: { locale: vscode.env.language },
      outputChannel: this.channel,
      traceOutputChannel: this.channel,
    };
    const client = new LanguageClient(CLIENT_ID, vscode.l10n.t('Azure Monitor Python Language Server'), serverOptions, clientOptions);
    await client.start();
    this.log.info('Python language server started.');
    return client;
  }

  /** Stops the server (shutdown + exit); VS Code awaits this on deactivation when returned from deactivate(). */
  async stop(): Promise<void> {
    const client = await this.starting;
    this.starting = undefined;
    if (client?.isRunning()) {
      await client.stop(2000).catch((error: unknown) => this.log.warn(`Stopping the language server: ${String(error)}`));
    }
  }

  dispose(): void {
    this.listeners.forEach((listener) => listener.dispose());
    void this.stop().finally(() => this.channel?.dispose());
  }
}

function isPythonDocument(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

/** An output channel that redacts every line written to it. */
function redactingChannel(channel: vscode.OutputChannel, redactor: Redactor): vscode.OutputChannel {
  return {
    name: channel.name,
    append: (value) => channel.append(redactor.redact(value)),
    appendLine: (value) => channel.appendLine(redactor.redact(value)),
    replace: (value) => channel.replace(redactor.redact(value)),
    clear: () => channel.clear(),
    show: (columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean) =>
      typeof columnOrPreserve === 'boolean' || columnOrPreserve === undefined
        ? channel.show(columnOrPreserve)
        : channel.show(columnOrPreserve, preserveFocus),
    hide: () => channel.hide(),
    dispose: () => channel.dispose(),
  };
}
