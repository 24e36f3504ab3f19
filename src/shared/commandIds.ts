/**
 * Every command id of the extension, in one table: registrations, `executeCommand` calls, the
 * server's code actions and the status bar all name a command through it, and
 * test/unit/core/commandIds.test.ts checks package.json (`contributes.commands`, menus,
 * keybindings, walkthrough links, activation events) against it both ways. No `vscode` here: the
 * language server imports it too.
 */

/** Ids by name. `palette`: listed in `contributes.commands` (the rest are invoked by code only). */
export const COMMANDS = {
  setUp: { id: 'azureMonitorPython.setUp', palette: true },
  setConnectionString: { id: 'azureMonitorPython.setConnectionString', palette: true },
  showConnectionString: { id: 'azureMonitorPython.showConnectionString', palette: true },
  clearConnectionString: { id: 'azureMonitorPython.clearConnectionString', palette: true },
  showLog: { id: 'azureMonitorPython.showLog', palette: true },
  installPackages: { id: 'azureMonitorPython.installPackages', palette: true },
  runPythonFile: { id: 'azureMonitorPython.runPythonFile', palette: true },
  openLiveTelemetry: { id: 'azureMonitorPython.openLiveTelemetry', palette: true },
  /** Issue 16: a history folder (`azmon-relay --history DIR`) read-only in the panel; argument: its `Uri`. */
  openTelemetryHistory: { id: 'azureMonitorPython.openTelemetryHistory', palette: true },
  insertSnippet: { id: 'azureMonitorPython.insertSnippet', palette: true },
  showSdkOfflineStorage: { id: 'azureMonitorPython.showSdkOfflineStorage', palette: true },
  /** Issue 19: apps VS Code starts keep every trace (asks how first); also the panel strip's button. */
  runWithoutSampling: { id: 'azureMonitorPython.runWithoutSampling', palette: true },
  /** Contributed but hidden from the palette (`when: false`): a code action's command. */
  showOpenTelemetryEquivalent: { id: 'azureMonitorPython.showOpenTelemetryEquivalent', palette: true },
  /** The panel's toolbar and tests; argument: a target `Uri`. */
  exportLiveTelemetry: { id: 'azureMonitorPython.exportLiveTelemetry', palette: false },
  /** The panel's toolbar and tests; argument: a source `Uri`. */
  importTelemetry: { id: 'azureMonitorPython.importTelemetry', palette: false },
  /** The panel's Clear (asks first); tests. */
  clearLiveTelemetry: { id: 'azureMonitorPython.clearLiveTelemetry', palette: false },
  /** Opens the walkthrough once (first activation in a Python workspace); tests. */
  firstRun: { id: 'azureMonitorPython.firstRun', palette: false },
  /** Set Up's "Migrate it": the migration view for a file (argument: its URI string). */
  showMigrationForFile: { id: 'azureMonitorPython.showMigrationForFile', palette: false },
  /** The panel's stack-frame links (arguments: file, line). */
  openSourceLocation: { id: 'azureMonitorPython.openSourceLocation', palette: false },
  /** Empties the runtime exceptions in the Problems panel (issue 18). */
  clearRuntimeExceptions: { id: 'azureMonitorPython.clearRuntimeExceptions', palette: true },
  /** A runtime exception's code action: the live panel at that transaction (argument: operation id). */
  showTransactionInLiveTelemetry: { id: 'azureMonitorPython.showTransactionInLiveTelemetry', palette: false },
  /** A telemetry lens in the code: the live panel's Query tab with those calls (argument: the KQL). */
  showCallsInLiveTelemetry: { id: 'azureMonitorPython.showCallsInLiveTelemetry', palette: false },
  /** A code action of the hard-coded connection string rule. */
  storeConnectionStringFromCode: { id: 'azureMonitorPython.storeConnectionStringFromCode', palette: false },
  /** Sent by the server after it inserted instrumentation. */
  offerSnippetPackages: { id: 'azureMonitorPython.offerSnippetPackages', palette: false },
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandName]['id'];

/** `COMMAND_IDS.setUp` → `'azureMonitorPython.setUp'`. */
export const COMMAND_IDS = Object.fromEntries(Object.entries(COMMANDS).map(([name, command]) => [name, command.id])) as {
  readonly [N in CommandName]: (typeof COMMANDS)[N]['id'];
};
