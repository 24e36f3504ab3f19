/**
 * Wires the LSP connection to the documents, the rule engine and the features. Thin on purpose:
 * the logic lives in analysis/, migration/ and features/, which the tests drive directly too.
 */
import {
  CodeAction,
  CodeActionKind,
  Connection,
  DidChangeConfigurationNotification,
  InitializeResult,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import type { Finding } from './analysis/findings';
import { analyse } from './analysis/ruleEngine';
import { PythonDocumentStore } from './documents';
import { codeActionsFor } from './features/codeActions';
import { snippetCompletions } from './features/completion';
import { toDiagnostic } from './features/diagnostics';
import { connectionStringHover } from './features/hover';
import { instrumentFileAction, isAtTopOfFile } from './features/instrumentFile';
import { findTelemetryTargets } from './features/telemetryTargets';
import { migrateOpenCensusToOpenTelemetry } from './migration/openCensusToOpenTelemetry';
import type { PythonParser } from './python/pythonParser';
import { configureLocalization } from './localization';
import { DiagnosticsSettingsSource } from './settings';
import {
  DEFAULT_DIAGNOSTICS_SETTINGS,
  INSTRUMENT_FILE_KINDS,
  OPEN_TELEMETRY_EQUIVALENT_REQUEST,
  OpenTelemetryEquivalentParams,
  OpenTelemetryEquivalentResult,
} from '../shared/serverProtocol';
import { CODE_TELEMETRY_TARGETS_REQUEST, CodeTelemetryTargetsParams, CodeTelemetryTargetsResult } from '../shared/telemetryLens';

/** Coalesces bursts of keystrokes; small enough to feel immediate. */
const CHANGE_DEBOUNCE_MS = 75;

export interface LanguageServerOptions {
  /** Where `bundle.l10n.<locale>.json` files are (the extension's l10n/ folder). */
  readonly l10nBundleDir: string;
}

export function startLanguageServer(connection: Connection, parserReady: Promise<PythonParser>, options: LanguageServerOptions): void {
  let documents: PythonDocumentStore | undefined;
  const settings = new DiagnosticsSettingsSource(connection);
  const findingsByUri = new Map<string, { version: number; findings: Finding[] }>();
  const timers = new Map<string, NodeJS.Timeout>();
  /**
   * When each document was last opened, edited, hovered or asked for completions or code actions:
   * revalidating every document (settings changed) starts with the one the user is looking at.
   */
  const lastUsed = new Map<string, number>();
  let useClock = 0;
  const used = (uri: string): void => {
    if (documents?.get(uri)) {
      lastUsed.set(uri, ++useClock);
    }
  };
  let dynamicConfigurationRegistration = false;
  // A failed load is reported by initialize; until then it must not count as unhandled.
  parserReady.catch(() => undefined);

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    // Before anything produces a message: rules and code actions translate as they run.
    configureLocalization(params, options.l10nBundleDir);
    documents = new PythonDocumentStore(await parserReady);
    settings.setPullSupported(params.capabilities.workspace?.configuration === true);
    dynamicConfigurationRegistration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, INSTRUMENT_FILE_KINDS.refactor, INSTRUMENT_FILE_KINDS.source] },
        hoverProvider: true,
        completionProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'Azure Monitor for Python' },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfigurationRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, undefined);
    }
  });

  const validate = async (uri: string): Promise<void> => {
    const entry = documents?.get(uri);
    if (!entry) {
      return;
    }
    const version = entry.document.version;
    const enabled = await settings.get(uri);
    const current = documents?.get(uri);
    if (!current || current.document.version !== version) {
      return; // changed meanwhile: a newer validation is scheduled
    }
    // Only the statements edited since the last answer are parsed and analysed again.
    const { findings } = current.diagnose(enabled);
    await connection.sendDiagnostics({ uri, version, diagnostics: findings.map((f) => toDiagnostic(f, current.document)) });
  };
  const schedule = (uri: string, delay: number): void => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        validate(uri).catch((error: unknown) => connection.console.error(`Validation of ${uri} failed: ${String(error)}`));
      }, delay),
    );
  };

  connection.onDidOpenTextDocument(({ textDocument }) => {
    documents?.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
    used(textDocument.uri);
    schedule(textDocument.uri, 0);
  });
  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    used(textDocument.uri);
    documents?.change(textDocument.uri, textDocument.version, contentChanges);
    schedule(textDocument.uri, CHANGE_DEBOUNCE_MS);
  });
  connection.onDidCloseTextDocument(({ textDocument }) => {
    clearTimeout(timers.get(textDocument.uri));
    timers.delete(textDocument.uri);
    documents?.close(textDocument.uri);
    findingsByUri.delete(textDocument.uri);
    lastUsed.delete(textDocument.uri);
    settings.forget(textDocument.uri);
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });
  connection.onDidChangeConfiguration(({ settings: pushed }) => {
    settings.changed(pushed);
    findingsByUri.clear();
    // Timers of equal delay fire in the order they were set: most recently used first.
    const uris = (documents?.uris() ?? []).sort((a, b) => (lastUsed.get(b) ?? 0) - (lastUsed.get(a) ?? 0));
    for (const uri of uris) {
      schedule(uri, 0);
    }
  });

  /**
   * Findings with their fixes overlapping `start..end` of the document as it is now: the whole file
   * analysed once per version, when a quick fix is first asked for where a diagnostic is
   * (diagnostics come from the statement table, which keeps no fixes).
   */
  const findingsWithFixes = async (uri: string, start: number, end: number): Promise<Finding[]> => {
    const overlaps = (finding: Finding): boolean => finding.start <= end && finding.end >= start;
    const entry = documents?.get(uri);
    if (!entry) {
      return [];
    }
    const version = entry.document.version;
    const cached = findingsByUri.get(uri);
    if (cached && cached.version === version) {
      return cached.findings.filter(overlaps);
    }
    const enabled = await settings.get(uri).catch(() => DEFAULT_DIAGNOSTICS_SETTINGS);
    const current = documents?.get(uri);
    // VS Code asks at every cursor move: where the (incremental) diagnostics show nothing, no fix.
    if (!current || !current.diagnose(enabled).findings.some(overlaps)) {
      return [];
    }
    const findings = analyse(current.tree, current.document.getText(), enabled);
    if (current.document.version === version) {
      findingsByUri.set(uri, { version, findings });
    }
    return findings.filter(overlaps);
  };

  connection.onCodeAction(async ({ textDocument, range, context }) => {
    used(textDocument.uri);
    const entry = documents?.get(textDocument.uri);
    if (!entry) {
      return [];
    }
    // `only` narrows by kind prefix: "quickfix", "refactor", "source", or a full kind.
    const wanted = (kind: string): boolean => !context.only || context.only.some((only) => kind === only || kind.startsWith(`${only}.`));
    const { document } = entry;
    const actions: CodeAction[] = [];
    if (wanted(CodeActionKind.QuickFix)) {
      const start = document.offsetAt(range.start);
      const end = document.offsetAt(range.end);
      const relevant = await findingsWithFixes(textDocument.uri, start, end);
      actions.push(...codeActionsFor(relevant, document, () => migrateOpenCensusToOpenTelemetry(entry.tree, document.getText()).text));
    }
    const instrumentKind =
      wanted(INSTRUMENT_FILE_KINDS.source) && context.only
        ? INSTRUMENT_FILE_KINDS.source
        : wanted(INSTRUMENT_FILE_KINDS.refactor) && isAtTopOfFile(document.getText(), range.start.line)
          ? INSTRUMENT_FILE_KINDS.refactor
          : undefined;
    const instrument = instrumentKind ? instrumentFileAction(document, instrumentKind) : undefined;
    if (instrument) {
      actions.push(instrument);
    }
    return actions;
  });

  connection.onHover(({ textDocument, position }) => {
    used(textDocument.uri);
    const entry = documents?.get(textDocument.uri);
    return entry ? (connectionStringHover(entry.tree, entry.document, entry.document.offsetAt(position)) ?? null) : null;
  });

  connection.onCompletion(({ textDocument, position }) => {
    used(textDocument.uri);
    const entry = documents?.get(textDocument.uri);
    return entry ? snippetCompletions(entry.tree, entry.document, entry.document.offsetAt(position)) : [];
  });

  connection.onRequest(
    OPEN_TELEMETRY_EQUIVALENT_REQUEST,
    ({ uri }: OpenTelemetryEquivalentParams): OpenTelemetryEquivalentResult | null => {
      const entry = documents?.get(uri);
      return entry ? migrateOpenCensusToOpenTelemetry(entry.tree, entry.document.getText()) : null;
    },
  );

  connection.onRequest(CODE_TELEMETRY_TARGETS_REQUEST, ({ uri }: CodeTelemetryTargetsParams): CodeTelemetryTargetsResult | null => {
    const entry = documents?.get(uri);
    return entry ? { version: entry.document.version, targets: findTelemetryTargets(entry.tree, entry.document.getText()) } : null;
  });
}
