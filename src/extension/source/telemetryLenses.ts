/**
 * Lenses with live numbers above the code that makes telemetry (issue 18): "12 calls · p95 84 ms ·
 * 1 failed" above a route handler, a span-opening function or an HTTP / database call, for the
 * current run. The language server finds the places ({@link CODE_TELEMETRY_TARGETS_REQUEST});
 * {@link RunCallStats} counts the relay's requests and dependencies as they arrive and matches them.
 * No lens before the relay has a matching call; none on files over {@link MAX_LENS_DOCUMENT_LENGTH}.
 * Lenses refresh at most once per {@link LENS_REFRESH_MS} while telemetry arrives. A click opens the
 * live panel's Query tab with those calls.
 */
import * as vscode from 'vscode';
import { RunCallStats, type TargetStats } from '../../core/source/callStats';
import type { Subscription } from '../../core/store/changeFeed';
import type { TelemetryStore } from '../../core/store/telemetryStore';
import { COMMAND_IDS } from '../../shared/commandIds';
import {
  CODE_TELEMETRY_TARGETS_REQUEST,
  CodeTelemetryTargetsParams,
  CodeTelemetryTargetsResult,
  MAX_LENS_DOCUMENT_LENGTH,
} from '../../shared/telemetryLens';
import { registerCommands } from '../commandRegistry';
import type { ExtensionContextState } from '../contextState';
import type { PythonLanguageClient } from '../languageClient';
import type { CurrentRun } from './currentRun';

/** Telemetry arriving redraws the lenses at most this often. */
export const LENS_REFRESH_MS = 1000;

type TargetSource = (uri: vscode.Uri) => Promise<CodeTelemetryTargetsResult | null | undefined>;

export class TelemetryLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  readonly stats = new RunCallStats();
  /** Targets per document version (a document's targets change only when its text does). */
  private readonly targets = new Map<string, { version: number; result: Promise<CodeTelemetryTargetsResult | null | undefined> }>();
  private subscription: Subscription | undefined;
  private subscribedStore: TelemetryStore | undefined;

  constructor(private readonly targetSource: TargetSource) {}

  /** Follows `store` from now on (the relay's store, once it runs). */
  attach(store: TelemetryStore): void {
    if (this.subscribedStore === store) return;
    this.subscription?.dispose();
    this.subscribedStore = store;
    this.stats.reset();
    this.stats.add(store.snapshot());
    this.subscription = store.subscribe(
      (change) => {
        let changed = false;
        if (change.cleared) {
          this.stats.reset();
          changed = true;
        }
        if (this.stats.add(change.added)) changed = true;
        if (changed) this.changed.fire();
      },
      { intervalMs: LENS_REFRESH_MS },
    );
    this.changed.fire();
  }

  /** A new run: its calls count from 0 (and lenses go until they have data again). */
  newRun(): void {
    this.stats.reset();
    this.changed.fire();
  }

  forget(uri: vscode.Uri): void {
    this.targets.delete(uri.toString());
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    // No data, no lens (and no request to the server); nothing on huge files.
    if (this.stats.size === 0) return [];
    if (document.offsetAt(document.lineAt(document.lineCount - 1).range.end) > MAX_LENS_DOCUMENT_LENGTH) return [];
    const key = document.uri.toString();
    let cached = this.targets.get(key);
    if (!cached || cached.version !== document.version) {
      cached = { version: document.version, result: this.targetSource(document.uri).catch(() => undefined) };
      this.targets.set(key, cached);
    }
    const result = await cached.result;
    if (!result || token.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const target of result.targets) {
      if (target.line >= document.lineCount) continue;
      const stats = this.stats.statsFor(target);
      if (!stats) continue;
      const line = document.lineAt(target.line);
      const range = new vscode.Range(target.line, line.firstNonWhitespaceCharacterIndex, target.line, line.text.length);
      lenses.push(
        new vscode.CodeLens(range, {
          title: lensTitle(stats),
          tooltip: vscode.l10n.t('Calls in the current run. Click to list them in Live Telemetry.'),
          command: COMMAND_IDS.showCallsInLiveTelemetry,
          arguments: [stats.query],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}

/** "12 calls · p95 84 ms · 1 failed". */
export function lensTitle(stats: TargetStats): string {
  const parts = [vscode.l10n.t(stats.calls === 1 ? '{0} call' : '{0} calls', stats.calls.toLocaleString(vscode.env.language))];
  if (stats.p95 !== undefined) parts.push(vscode.l10n.t('p95 {0} ms', formatMs(stats.p95)));
  if (stats.failed > 0) parts.push(vscode.l10n.t('{0} failed', stats.failed.toLocaleString(vscode.env.language)));
  return parts.join(' · ');
}

function formatMs(ms: number): string {
  return ms < 10 ? (Math.round(ms * 10) / 10).toString() : Math.round(ms).toLocaleString(vscode.env.language);
}

/** Wires the lenses to the relay, the language server, new runs and the live panel's Query tab. */
export function registerTelemetryLenses(
  state: ExtensionContextState,
  run: CurrentRun,
  languageClient: PythonLanguageClient,
  showQuery: (query: string) => void,
): TelemetryLensProvider {
  const provider = new TelemetryLensProvider(async (uri) => {
    const client = await languageClient.ensureStarted();
    const params: CodeTelemetryTargetsParams = { uri: uri.toString() };
    return client ? client.sendRequest<CodeTelemetryTargetsResult | null>(CODE_TELEMETRY_TARGETS_REQUEST, params) : undefined;
  });
  const attachIfRunning = (): void => {
    const running = state.relay.running;
    if (running) provider.attach(running.store);
  };
  attachIfRunning();
  state.extensionContext.subscriptions.push(
    provider,
    state.relay.onDidChangeStatus(attachIfRunning),
    run.onDidStart(() => provider.newRun()),
    vscode.workspace.onDidCloseTextDocument((document) => provider.forget(document.uri)),
    vscode.languages.registerCodeLensProvider(
      [
        { language: 'python', scheme: 'file' },
        { language: 'python', scheme: 'untitled' },
      ],
      provider,
    ),
  );
  registerCommands(state, {
    [COMMAND_IDS.showCallsInLiveTelemetry]: (query) => {
      if (typeof query === 'string' && query !== '') showQuery(query);
    },
  });
  return provider;
}
