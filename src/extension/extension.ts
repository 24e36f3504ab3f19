/**
 * Entry point of the extension host side. Activation is lazy (a command, a Python file or
 * workspace, a Python debug session): it builds the {@link ExtensionContextState} once and hands it
 * to one `register…` function per feature; all state lives there, not in module globals.
 */
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../shared/commandIds';
import { AzureMonitorPythonApi, createApi } from './api';
import { registerCommands } from './commandRegistry';
import { clearConnectionString, setConnectionString, showConnectionString } from './commands/connectionStringCommands';
import { registerSetupCommands } from './commands/setup';
import { createContextState, ExtensionContextState } from './contextState';
import { PythonDebugEnvironmentProvider, registerDebugEnvironment } from './environment';
import { registerFirstRun } from './firstRun';
import { HistoryTap } from './historyTap';
import { registerLanguageFeatures } from './languageFeatures';
import { registerLiveTelemetryPanel } from './panel/registerPanel';
import { registerRelayTriggers } from './relayTriggers';
import { registerRunCommands } from './runWithTelemetry';
import { registerSourceCommands } from './source/openSource';
import { CurrentRun } from './source/currentRun';
import { registerRuntimeDiagnostics } from './source/runtimeDiagnostics';
import { registerTelemetryLenses } from './source/telemetryLenses';
import { registerStatusBar } from './statusBar';
import { keepsEveryTrace, readLocalRunSampling, registerSamplingCommand } from './commands/samplingCommand';

export type { ExtensionContextState } from './contextState';

/** deactivate() gets no arguments: this is how it reaches the relay to stop it cleanly. */
let stopOnDeactivate: (() => Promise<void>) | undefined;

/**
 * Registers everything synchronously and returns: nothing here waits for the disk or the
 * workbench (issue 20). The telemetry history opens in the background; the relay's start waits for
 * it (so the relay's first store is restored from it, issue 16) and for its own port plan.
 */
export function activate(context: vscode.ExtensionContext): AzureMonitorPythonApi {
  const state = createContextState(context);
  let history: HistoryTap | undefined;
  const historyReady: Promise<HistoryTap | undefined> = HistoryTap.open(state).then(
    (opened) => {
      history = opened;
      if (opened) context.subscriptions.push(opened);
      return opened;
    },
    (error: unknown) => {
      state.log.warn(`Telemetry history unavailable: ${String(error)}`);
      return undefined;
    },
  );
  state.relay.startAfter(historyReady);
  stopOnDeactivate = async () => {
    // Refuses later starts and stops a relay that is running or half-started.
    await state.relay.shutDown();
    // Opened after deactivation began or not: closed either way, so nothing is left writing.
    await (await historyReady)?.close();
  };

  registerConnectionStringCommands(state);
  registerDebugSessions(state);
  registerRelayTriggers(state);
  const statusBar = registerStatusBar(state);
  registerSetupCommands(state);
  // A run awaits the relay's start, which awaits the history: `history` is settled by then.
  registerRunCommands(state, (file, terminal) => history?.launchRun(file, terminal));
  const panel = registerLiveTelemetryPanel(
    state,
    historyReady.then((opened) => opened?.history),
  );
  context.subscriptions.push(panel.onDidClear(() => statusBar.resetCount()));
  const language = registerLanguageFeatures(state);
  registerFirstRun(state);
  registerSourceCommands(context, state.log);
  const run = new CurrentRun();
  context.subscriptions.push(run);
  registerRuntimeDiagnostics(state, run, async (operationId) => panel.showTransaction(operationId));
  registerTelemetryLenses(state, run, language.languageClient, (query) => panel.showQuery(query));
  registerSamplingCommand(state);

  state.log.info(`Azure Monitor for Python ${context.extension.packageJSON.version as string} activated (VS Code ${vscode.version}).`);
  return createApi(state);
}

function registerConnectionStringCommands(state: ExtensionContextState): void {
  registerCommands(state, {
    [COMMAND_IDS.setConnectionString]: () => setConnectionString(state.connectionStrings, state.log),
    [COMMAND_IDS.showConnectionString]: () => showConnectionString(state.connectionStrings, state.log),
    [COMMAND_IDS.clearConnectionString]: () => clearConnectionString(state.connectionStrings, state.log),
    [COMMAND_IDS.showLog]: () => state.log.show(),
  });
}

/** Python debug sessions get the relay's variables (and start it). */
function registerDebugSessions(state: ExtensionContextState): void {
  const provider = new PythonDebugEnvironmentProvider(
    async () => (await state.relay.ensureStarted().catch(() => undefined))?.environment,
    () => keepsEveryTrace(readLocalRunSampling(), state.relay.status.state),
  );
  state.extensionContext.subscriptions.push(...registerDebugEnvironment(provider));
}

export async function deactivate(): Promise<void> {
  await stopOnDeactivate?.();
  stopOnDeactivate = undefined;
}
