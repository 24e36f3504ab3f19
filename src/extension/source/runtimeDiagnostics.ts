/**
 * Runtime exceptions in the Problems panel (issue 18): the exceptions the relay received in the
 * current run, at the innermost frame of the app's own code, "ValueError: no price — raised 3× in
 * the last run", with a code action that opens the transaction in the live panel. A run starts when
 * a Python debug session starts or a terminal is opened with the relay's connection string (the
 * "Run Python File with Telemetry" command); the list also clears with the panel's Clear and with
 * the "Clear Runtime Exceptions" command. `azureMonitorPython.diagnostics.runtimeExceptions` turns
 * it off. Only files that resolve inside the workspace get a diagnostic (never a file outside).
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { PacedAction } from '../../core/pacedAction';
import { resolveSourcePath } from '../../core/source';
import { RunExceptions, type RunExceptionGroup } from '../../core/source/runExceptions';
import type { Subscription } from '../../core/store/changeFeed';
import type { TelemetryStore } from '../../core/store/telemetryStore';
import type { ExtensionContextState } from '../contextState';
import type { CurrentRun } from './currentRun';
import { SOURCE_COMMANDS } from './openSource';

export const RUNTIME_EXCEPTIONS_SETTING = 'azureMonitorPython.diagnostics.runtimeExceptions';
export const RUNTIME_DIAGNOSTIC_SOURCE = 'Azure Monitor';
export const RUNTIME_DIAGNOSTIC_CODE = 'runtime-exception';
/** Diagnostics are redrawn at most this often: they follow telemetry without redrawing per item. */
const UPDATE_INTERVAL_MS = 500;
/** Resolved paths remembered per run (each resolution touches the disk). */
const MAX_CACHED_PATHS = 1000;

export class RuntimeDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('azureMonitorPython.runtimeExceptions');
  private readonly exceptions = new RunExceptions();
  private readonly resolved = new Map<string, Promise<string | undefined>>();
  /** Diagnostic key (uri, line, message) → the transaction "Show in Live Telemetry" opens. */
  private readonly operations = new Map<string, string>();
  private subscription: Subscription | undefined;
  private subscribedStore: TelemetryStore | undefined;
  private generation = 0;
  private readonly publishing = new PacedAction(UPDATE_INTERVAL_MS, () => void this.publish());
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly workspaceFolders: () => readonly string[],
    private readonly enabled: () => boolean,
  ) {}

  /** Follows `store` from now on (the relay's store, once it runs). */
  attach(store: TelemetryStore): void {
    if (this.subscribedStore === store) return;
    this.subscription?.dispose();
    this.subscribedStore = store;
    // Items are taken as they arrive (the next event-loop turn), and only the redraw is throttled:
    // the setting is read when an exception arrives. Read when a batch was delivered, up to 500 ms
    // later, an exception sent while the setting was off counted once it was turned back on.
    this.subscription = store.subscribe(
      (change) => {
        if (change.cleared) this.newRun();
        if (this.enabled() && this.exceptions.add(change.added)) this.publishing.request();
      },
      { intervalMs: 0 },
    );
  }

  /** A new run: the last run's exceptions are gone. */
  newRun(): void {
    this.exceptions.reset();
    this.resolved.clear();
    this.operations.clear();
    this.generation++;
    this.collection.clear();
  }

  operationFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): string | undefined {
    return this.operations.get(diagnosticKey(uri, diagnostic.range.start.line, diagnostic.message));
  }

  private resolve(file: string): Promise<string | undefined> {
    let result = this.resolved.get(file);
    if (!result) {
      if (this.resolved.size >= MAX_CACHED_PATHS) this.resolved.clear();
      result = resolveSourcePath(file, { workspaceFolders: this.workspaceFolders() }).then(
        (resolution) => (resolution.kind === 'workspace' ? resolution.path : undefined),
        () => undefined,
      );
      this.resolved.set(file, result);
    }
    return result;
  }

  private async publish(): Promise<void> {
    const generation = this.generation;
    const byFile = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    const operations = new Map<string, string>();
    const lines = new Map<string, Promise<readonly string[] | undefined>>();
    for (const group of this.exceptions.groups()) {
      const path = await this.resolve(group.frame.file);
      if (path === undefined) continue;
      const uri = vscode.Uri.file(path);
      const diagnostic = toDiagnostic(group, await lineRange(uri, group.frame.line - 1, lines));
      const entry = byFile.get(uri.toString()) ?? { uri, diagnostics: [] };
      entry.diagnostics.push(diagnostic);
      byFile.set(uri.toString(), entry);
      if (group.operationId) operations.set(diagnosticKey(uri, diagnostic.range.start.line, diagnostic.message), group.operationId);
    }
    // A new run started while paths were resolved: this list belongs to the old one.
    if (generation !== this.generation || !this.enabled()) return;
    this.collection.clear();
    for (const { uri, diagnostics } of byFile.values()) this.collection.set(uri, diagnostics);
    this.operations.clear();
    for (const [key, operationId] of operations) this.operations.set(key, operationId);
  }

  dispose(): void {
    this.publishing.dispose();
    this.subscription?.dispose();
    this.collection.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function diagnosticKey(uri: vscode.Uri, line: number, message: string): string {
  return JSON.stringify([uri.toString(), line, message]);
}

/** Control characters in an app's exception text shown as `[U+…]`, never acting. */
function visible(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`,
  );
}

/** Largest file whose lines are read to place a diagnostic on its code (not on its indentation). */
const MAX_READ_BYTES = 4 * 1024 * 1024;

/**
 * The code on `line` (0-based): from its first non-blank character to its end, from the open
 * document or the file on disk; the line's start when it cannot be read or is past the end.
 */
async function lineRange(uri: vscode.Uri, line: number, cache: Map<string, Promise<readonly string[] | undefined>>): Promise<vscode.Range> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) {
    if (line >= open.lineCount) return new vscode.Range(line, 0, line, 0);
    const text = open.lineAt(line);
    return new vscode.Range(line, text.firstNonWhitespaceCharacterIndex, line, text.text.length);
  }
  let lines = cache.get(uri.fsPath);
  if (!lines) {
    lines = fs.promises.stat(uri.fsPath).then(
      async (stat) => (stat.size <= MAX_READ_BYTES ? (await fs.promises.readFile(uri.fsPath, 'utf8')).split(/\r?\n/) : undefined),
      () => undefined,
    );
    cache.set(uri.fsPath, lines);
  }
  const text = (await lines)?.[line];
  if (text === undefined) return new vscode.Range(line, 0, line, 0);
  const start = text.length - text.trimStart().length;
  return new vscode.Range(line, start, line, text.length);
}

function toDiagnostic(group: RunExceptionGroup, range: vscode.Range): vscode.Diagnostic {
  const headline = group.message ? `${visible(group.typeName)}: ${visible(group.message)}` : visible(group.typeName);
  const message =
    group.count === 1
      ? vscode.l10n.t('{0} — raised once in the last run', headline)
      : vscode.l10n.t('{0} — raised {1}× in the last run', headline, String(group.count));
  const diagnostic = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = RUNTIME_DIAGNOSTIC_SOURCE;
  diagnostic.code = RUNTIME_DIAGNOSTIC_CODE;
  return diagnostic;
}

/** "Show in Live Telemetry" on a runtime exception's diagnostic. */
class ShowInLiveTelemetryActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(private readonly diagnostics: RuntimeDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== RUNTIME_DIAGNOSTIC_SOURCE || diagnostic.code !== RUNTIME_DIAGNOSTIC_CODE) continue;
      const operationId = this.diagnostics.operationFor(document.uri, diagnostic);
      if (!operationId) continue;
      const action = new vscode.CodeAction(vscode.l10n.t('Show in Live Telemetry'), vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.command = { command: SOURCE_COMMANDS.showTransaction, title: action.title, arguments: [operationId] };
      actions.push(action);
    }
    return actions;
  }
}

/**
 * Wires the diagnostics to the relay, the start of a new run, the setting and the clear command.
 * `showTransaction(operationId)` opens the live panel at that transaction.
 */
export function registerRuntimeDiagnostics(
  state: ExtensionContextState,
  run: CurrentRun,
  showTransaction: (operationId: string) => Promise<unknown>,
): RuntimeDiagnostics {
  const enabled = (): boolean => vscode.workspace.getConfiguration().get<boolean>(RUNTIME_EXCEPTIONS_SETTING, true);
  const folders = (): string[] =>
    (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
  const diagnostics = new RuntimeDiagnostics(folders, enabled);
  const attachIfRunning = (): void => {
    const running = state.relay.running;
    if (running) diagnostics.attach(running.store);
  };
  attachIfRunning();
  state.extensionContext.subscriptions.push(
    diagnostics,
    state.relay.onDidChangeStatus(attachIfRunning),
    run.onDidStart(() => diagnostics.newRun()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(RUNTIME_EXCEPTIONS_SETTING) && !enabled()) diagnostics.newRun();
    }),
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, new ShowInLiveTelemetryActions(diagnostics), {
      providedCodeActionKinds: ShowInLiveTelemetryActions.kinds,
    }),
    vscode.commands.registerCommand(SOURCE_COMMANDS.clearRuntimeExceptions, () => diagnostics.newRun()),
    vscode.commands.registerCommand(SOURCE_COMMANDS.showTransaction, (operationId: unknown) =>
      typeof operationId === 'string' && operationId !== '' ? showTransaction(operationId) : undefined,
    ),
  );
  return diagnostics;
}
