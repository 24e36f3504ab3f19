/**
 * What the extension (language client) and the Python language server agree on: settings, command
 * ids the server's code actions refer to (the client implements them), diagnostic codes, and the
 * one custom request. Both sides import this file, so a change breaks the build on the side that
 * was not updated. Plain data: no `vscode`, no LSP library.
 */
import { COMMAND_IDS } from './commandIds';

/** `Diagnostic.source` of everything the server reports. */
export const DIAGNOSTIC_SOURCE = 'Azure Monitor';

/** Settings section read with `workspace/configuration`: `azureMonitorPython.diagnostics.<rule>`. */
export const DIAGNOSTICS_SETTINGS_SECTION = 'azureMonitorPython.diagnostics';

/** One switch per rule (a boolean setting, default true). */
export const DIAGNOSTIC_RULES = [
  'hardCodedConnectionString',
  'instrumentationKey',
  'openCensus',
  'samplerRate',
  'logLevel',
  'configureOrder',
  'connectionStringArgument',
] as const;

export type DiagnosticRule = (typeof DIAGNOSTIC_RULES)[number];

export type DiagnosticsSettings = Readonly<Record<DiagnosticRule, boolean>>;

export const DEFAULT_DIAGNOSTICS_SETTINGS: DiagnosticsSettings = Object.freeze(
  Object.fromEntries(DIAGNOSTIC_RULES.map((rule) => [rule, true])) as Record<DiagnosticRule, boolean>,
);

/** Reads a settings object leniently: anything but an explicit `false` leaves a rule on. */
export function toDiagnosticsSettings(value: unknown): DiagnosticsSettings {
  const source = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  return Object.freeze(
    Object.fromEntries(DIAGNOSTIC_RULES.map((rule) => [rule, source[rule] !== false])) as Record<DiagnosticRule, boolean>,
  );
}

/** `Diagnostic.code` values: stable, so tests, docs and users can refer to them. */
export const DIAGNOSTIC_CODES = {
  hardCodedConnectionString: 'hard-coded-connection-string',
  hardCodedInstrumentationKey: 'hard-coded-instrumentation-key',
  instrumentationKeyArgument: 'instrumentation-key-argument',
  instrumentationKeyOnly: 'instrumentation-key-only-connection-string',
  openCensusRetired: 'opencensus-retired',
  samplerRateOutOfRange: 'sampler-rate-out-of-range',
  samplerRateDropsTelemetry: 'sampler-rate-drops-telemetry',
  logLevelFiltersExport: 'log-level-filters-export',
  configureAfterAppCreated: 'configure-after-app-created',
  connectionStringArgument: 'connection-string-argument',
} as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[keyof typeof DIAGNOSTIC_CODES];

/** The rule (setting) each code belongs to. */
export const RULE_OF_CODE: Readonly<Record<DiagnosticCode, DiagnosticRule>> = {
  'hard-coded-connection-string': 'hardCodedConnectionString',
  'hard-coded-instrumentation-key': 'hardCodedConnectionString',
  'instrumentation-key-argument': 'instrumentationKey',
  'instrumentation-key-only-connection-string': 'instrumentationKey',
  'opencensus-retired': 'openCensus',
  'sampler-rate-out-of-range': 'samplerRate',
  'sampler-rate-drops-telemetry': 'samplerRate',
  'log-level-filters-export': 'logLevel',
  'configure-after-app-created': 'configureOrder',
  'connection-string-argument': 'connectionStringArgument',
};

/** Commands the server's code actions carry; the client registers and implements them. */
export const CLIENT_COMMANDS = {
  /**
   * Arguments: `[StoreConnectionStringArguments]`. Stores a connection string found in code in
   * SecretStorage (asking first); without a value it opens the masked input box.
   */
  storeConnectionString: COMMAND_IDS.storeConnectionStringFromCode,
  /** Arguments: `[migratedPythonText: string, originalUri?: string]`; opens it beside the file (a diff when the original is known). */
  showOpenTelemetryEquivalent: COMMAND_IDS.showOpenTelemetryEquivalent,
  /** Arguments: `[OfferPackagesArguments]`; after instrumentation was inserted, offers to pip install what is missing. */
  offerPackages: COMMAND_IDS.offerSnippetPackages,
} as const;

/** Sent with storeConnectionString from a hard-coded literal, so the client can offer to store it. */
export interface StoreConnectionStringArguments {
  readonly connectionString?: string;
}

export interface OfferPackagesArguments {
  readonly packages: readonly string[];
  /** The document the snippet went into (its interpreter decides what is installed). */
  readonly uri?: string;
}

/**
 * Kinds of the "Instrument this file with Azure Monitor" action: the refactor one is offered at the
 * top of a file without instrumentation (light bulb), the source one anywhere (Source Action…).
 */
export const INSTRUMENT_FILE_KINDS = {
  refactor: 'refactor.azureMonitor.instrument',
  source: 'source.azureMonitor.instrument',
} as const;

/** Custom request: the OpenTelemetry version of an open document (null when the server does not know the document). */
export const OPEN_TELEMETRY_EQUIVALENT_REQUEST = 'azureMonitorPython/openTelemetryEquivalent';

export interface OpenTelemetryEquivalentParams {
  readonly uri: string;
}

export interface OpenTelemetryEquivalentResult {
  readonly text: string;
  /** True when the document uses OpenCensus at all (otherwise `text` is the document unchanged). */
  readonly usesOpenCensus: boolean;
}

/** Completion items for snippets start with this word. */
export const SNIPPET_COMPLETION_PREFIX = 'azmon';
