/**
 * Issue 19: "Run without sampling". Apps sample (the distro's rate-limited sampler keeps about 5
 * traces/s by default), so the panel shows part of what a local run did. The user chooses, in a
 * quick pick, whether apps VS Code starts (new terminals, Python debug sessions) keep every trace:
 * never, only while the relay does not forward (the default choice: Azure's data and cost stay as
 * the app's code says), or also while forwarding. Nothing changes without that choice; the choice is
 * the workspace setting `azureMonitorPython.localRuns.sampling`.
 */
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../shared/commandIds';
import { registerCommand } from '../commandRegistry';
import { SECTION } from '../config';
import type { ExtensionContextState } from '../contextState';
import type { RelayState } from '../relayController';

export type LocalRunSampling = 'asConfigured' | 'keepEveryTraceWhileLocalOnly' | 'keepEveryTrace';

const SETTING = 'localRuns.sampling';

export function readLocalRunSampling(): LocalRunSampling {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>(SETTING);
  return value === 'keepEveryTrace' || value === 'keepEveryTraceWhileLocalOnly' ? value : 'asConfigured';
}

/** Whether apps started now get the keep-every-trace variables: never for forwarded data unless the user chose so. */
export function keepsEveryTrace(setting: LocalRunSampling, relayState: RelayState): boolean {
  return setting === 'keepEveryTrace' || (setting === 'keepEveryTraceWhileLocalOnly' && relayState === 'local-only');
}

export function registerSamplingCommand(state: ExtensionContextState): void {
  const current = (): boolean => keepsEveryTrace(readLocalRunSampling(), state.relay.status.state);
  const refresh = (): void => state.terminalEnvironment.setKeepEveryTrace(current());
  refresh();
  state.extensionContext.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.${SETTING}`)) refresh();
    }),
    // Forwarding turned on or off: "while local only" follows it.
    state.relay.onDidChangeStatus(refresh),
  );
  registerCommand(state, COMMAND_IDS.runWithoutSampling, async () => {
    const setting = readLocalRunSampling();
    const forwarding = state.relay.status.state !== 'local-only' && state.relay.status.state !== 'stopped';
    type Choice = vscode.QuickPickItem & { value: LocalRunSampling };
    const choices: Choice[] = [
      {
        value: 'keepEveryTraceWhileLocalOnly',
        label: vscode.l10n.t('Keep every trace while the relay does not forward'),
        description: setting === 'keepEveryTraceWhileLocalOnly' ? vscode.l10n.t('current') : undefined,
        detail: vscode.l10n.t('Sampling stays as the app says whenever telemetry goes on to Azure Monitor.'),
      },
      {
        value: 'keepEveryTrace',
        label: vscode.l10n.t('Keep every trace, also what is forwarded to Azure Monitor'),
        description: setting === 'keepEveryTrace' ? vscode.l10n.t('current') : undefined,
        detail: vscode.l10n.t('Azure Monitor receives every trace of these runs: more data, more cost.'),
      },
      {
        value: 'asConfigured',
        label: vscode.l10n.t('Sample as the app is configured'),
        description: setting === 'asConfigured' ? vscode.l10n.t('current') : undefined,
        detail: vscode.l10n.t('No sampler variables are set for apps VS Code starts.'),
      },
    ];
    const picked = await vscode.window.showQuickPick(choices, {
      title: vscode.l10n.t('Run without sampling'),
      placeHolder: forwarding
        ? vscode.l10n.t(
            'Apps started from VS Code get OTEL_TRACES_SAMPLER=microsoft.fixed_percentage and OTEL_TRACES_SAMPLER_ARG=1.0. The relay forwards now.',
          )
        : vscode.l10n.t('Apps started from VS Code get OTEL_TRACES_SAMPLER=microsoft.fixed_percentage and OTEL_TRACES_SAMPLER_ARG=1.0.'),
    });
    if (!picked) return;
    await vscode.workspace.getConfiguration(SECTION).update(SETTING, picked.value, vscode.ConfigurationTarget.Workspace);
    refresh();
    state.log.info(
      `Local runs: sampling set to ${picked.value}; apps started from now on ${current() ? 'keep every trace' : 'sample as configured'}.`,
    );
    void vscode.window.showInformationMessage(
      current()
        ? vscode.l10n.t(
            'New terminals and debug sessions keep every trace. Restart your app (relaunch terminals VS Code marks as stale); sampling set in code (sampling_ratio, traces_per_second) still wins.',
          )
        : vscode.l10n.t('New terminals and debug sessions sample as the app is configured.'),
    );
  });
}
