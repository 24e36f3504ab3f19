/**
 * A minimal LSP client for tests: spawns `node dist/server.js --stdio` and speaks JSON-RPC to it,
 * like an editor would (initialize, didOpen/didChange, publishDiagnostics, requests).
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import {
  CodeAction,
  CompletionItem,
  CompletionList,
  createMessageConnection,
  Diagnostic,
  Hover,
  MessageConnection,
  Position,
  PublishDiagnosticsParams,
  Range,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { REPOSITORY_ROOT } from './pythonSamples';

export interface ClientOptions {
  /** Settings answered to `workspace/configuration`; undefined: the client does not support it. */
  readonly configuration?: Record<string, unknown>;
  /** `InitializeParams.locale` (the editor's display language). */
  readonly locale?: string;
  /** `InitializeParams.initializationOptions` (our extension sends `{ locale }`). */
  readonly initializationOptions?: unknown;
}

export class LspTestClient {
  private readonly published = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { uri: string; version: number; resolve: (d: Diagnostic[]) => void }[] = [];
  private readonly nextWaiters: { uri: string; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly configurationRequests: unknown[] = [];
  /** Every publishDiagnostics's uri, in the order they arrived. */
  readonly publishedOrder: string[] = [];
  /** What the server answered to initialize. */
  capabilities: Record<string, unknown> = {};
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: MessageConnection,
    private configuration: Record<string, unknown> | undefined,
  ) {}

  static async start(options: ClientOptions = {}): Promise<LspTestClient> {
    const child = spawn(process.execPath, [path.join(REPOSITORY_ROOT, 'dist', 'server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(child, connection, options.configuration);
    child.stderr!.on('data', (chunk: Buffer) => {
      client.stderr += chunk.toString();
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => client.onPublish(params));
    connection.onNotification('window/logMessage', () => undefined);
    connection.onRequest('workspace/configuration', (params: { items: { section?: string; scopeUri?: string }[] }) => {
      client.configurationRequests.push(params);
      return params.items.map((item) => (item.section ? (client.configuration?.[item.section] ?? null) : null));
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    try {
      await client.initialize(options);
    } catch (error) {
      connection.dispose();
      child.kill();
      throw new Error(`${String(error)}\nserver stderr:\n${client.stderr}`, { cause: error });
    }
    return client;
  }

  private async initialize(options: ClientOptions): Promise<void> {
    const connection = this.connection;
    const initialized = await connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      ...(options.locale !== undefined ? { locale: options.locale } : {}),
      ...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
      capabilities: {
        workspace: {
          configuration: options.configuration !== undefined,
          didChangeConfiguration: { dynamicRegistration: options.configuration !== undefined },
        },
        textDocument: {
          publishDiagnostics: { versionSupport: true, tagSupport: { valueSet: [1, 2] } },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: false } },
        },
      },
    });
    this.capabilities = initialized.capabilities;
    await connection.sendNotification('initialized', {});
  }

  private onPublish(params: PublishDiagnosticsParams): void {
    this.publishedOrder.push(params.uri);
    this.published.set(params.uri, params);
    for (const waiter of this.nextWaiters.filter((w) => w.uri === params.uri)) {
      this.nextWaiters.splice(this.nextWaiters.indexOf(waiter), 1);
      waiter.resolve(params.diagnostics);
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.uri === params.uri && (params.version ?? 0) >= waiter.version) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(params.diagnostics);
      }
    }
  }

  /** Resolves with the diagnostics published for `uri` at `version` or later. */
  diagnostics(uri: string, version: number, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const current = this.published.get(uri);
    if (current && (current.version ?? 0) >= version) {
      return Promise.resolve(current.diagnostics);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms; server stderr:\n${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.push({ uri, version, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  /** Resolves with the next diagnostics published for `uri` (a re-validation without a new version). */
  nextDiagnostics(uri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no new diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      this.nextWaiters.push({ uri, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  async open(uri: string, text: string, version = 1): Promise<Diagnostic[]> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
    return this.diagnostics(uri, version);
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<Diagnostic[]> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    return this.diagnostics(uri, version);
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    return this.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.connection.sendRequest<CompletionItem[] | CompletionList | null>('textDocument/completion', {
      textDocument: { uri },
      position,
    });
    return Array.isArray(result) ? result : (result?.items ?? []);
  }

  async changeConfiguration(configuration: Record<string, unknown> | undefined, pushed: unknown = null): Promise<void> {
    this.configuration = configuration;
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: pushed });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    this.connection.dispose();
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.child.kill();
          resolve();
        }, 2000);
        this.child.once('exit', () => (clearTimeout(timer), resolve()));
      });
    }
  }
}
