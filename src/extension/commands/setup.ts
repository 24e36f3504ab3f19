/**
 * `Azure Monitor: Set Up Python Monitoring`: one guided flow from nothing to live telemetry —
 * connection string (or local-only), SDK, signals, framework; then install the packages, insert the
 * instrumentation and open the live panel.
 */
import * as vscode from 'vscode';
import { redactInstrumentationKey } from '../../core/redact';
import { FRAMEWORKS_BY_SDK, SetupFramework, SetupSdk, SetupSelection, SetupSignal, setupPackages } from '../../core/setup/setupPlan';
import { openLivePanel, registerCommand } from '../commandRegistry';
import type { ConnectionStringStore } from '../connectionStringStore';
import type { ExtensionContextState } from '../contextState';
import { insertInstrumentation, InsertionResult, instrumentationName } from '../instrumentation';
import { inputText, pickMany, pickOne, runWizard, StepUi, WizardStep } from '../wizard/multiStepInput';
import { connectionStringPlaceholder, validateForInputBox } from './connectionStringCommands';
import { InstallContext, installPythonPackages, InstallResult, PipOutput, showOutputAction } from './installPackages';
import { COMMAND_IDS } from '../../shared/commandIds';

export const SETUP_COMMAND = COMMAND_IDS.setUp;

export type ConnectionChoice = { kind: 'keep' } | { kind: 'skip' } | { kind: 'remove' } | { kind: 'paste'; value?: string };

export interface SetupChoices {
  connection?: ConnectionChoice;
  sdk?: SetupSdk;
  signals?: SetupSignal[];
  framework?: SetupFramework;
}

export interface SetupOutcome {
  readonly choices: Required<SetupChoices>;
  readonly forwarding: boolean;
  readonly packages: readonly string[];
  readonly install?: InstallResult;
  readonly insertion?: InsertionResult;
  readonly panelOpened: boolean;
  /** True only when the instrumentation is in and its packages installed: then, and only then, it says "set up". */
  readonly setUp: boolean;
  /** The closing notification's text. */
  readonly message: string;
}

type Item<V> = vscode.QuickPickItem & { value: V };

class ConnectionChoiceStep implements WizardStep<SetupChoices> {
  constructor(private readonly store: ConnectionStringStore) {}

  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const stored = await this.store.get();
    const items: Item<ConnectionChoice['kind']>[] = [];
    if (stored) {
      items.push({
        label: vscode.l10n.t('Keep the stored connection string'),
        description: vscode.l10n.t('key {0}', redactInstrumentationKey(stored.parsed.instrumentationKey)),
        value: 'keep',
      });
    }
    items.push({
      label: vscode.l10n.t('Paste a connection string…'),
      detail: vscode.l10n.t('From the Overview page of your Application Insights resource. Kept in secret storage only.'),
      value: 'paste',
    });
    items.push(
      stored
        ? {
            label: vscode.l10n.t('Remove it: keep telemetry on this machine'),
            detail: vscode.l10n.t('Local-only: the live panel shows everything; nothing is sent to Azure.'),
            value: 'remove',
          }
        : {
            label: vscode.l10n.t('Skip: keep telemetry on this machine'),
            detail: vscode.l10n.t('Local-only: the live panel shows everything; nothing is sent to Azure.'),
            value: 'skip',
          },
    );
    const picked = await pickOne(ui, {
      placeholder: vscode.l10n.t('Where should telemetry go?'),
      items,
      activeItem: items.find((item) => item.value === state.connection?.kind),
    });
    state.connection = { kind: picked.value };
  }
}

class ConnectionInputStep implements WizardStep<SetupChoices> {
  shouldPrompt(state: SetupChoices): boolean {
    return state.connection?.kind === 'paste';
  }

  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const value = await inputText(ui, {
      prompt: vscode.l10n.t('Paste the Application Insights connection string.'),
      placeholder: connectionStringPlaceholder(),
      password: true,
      validate: validateForInputBox,
    });
    state.connection = { kind: 'paste', value };
  }
}

class SdkStep implements WizardStep<SetupChoices> {
  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const items: Item<SetupSdk>[] = [
      {
        label: vscode.l10n.t('OpenTelemetry (Azure Monitor distro)'),
        description: vscode.l10n.t('recommended'),
        detail: 'azure-monitor-opentelemetry · configure_azure_monitor()',
        value: 'opentelemetry',
      },
      {
        label: vscode.l10n.t('OpenCensus (as in the original guide)'),
        description: vscode.l10n.t('retired'),
        detail: vscode.l10n.t('opencensus-ext-azure · support ended on 30 September 2024'),
        value: 'opencensus',
      },
    ];
    const picked = await pickOne(ui, {
      placeholder: vscode.l10n.t('Which SDK?'),
      items,
      activeItem: items.find((item) => item.value === state.sdk),
    });
    state.sdk = picked.value;
  }
}

class SignalsStep implements WizardStep<SetupChoices> {
  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const items: Item<SetupSignal>[] = [
      { label: vscode.l10n.t('Traces'), description: vscode.l10n.t('requests and dependencies'), value: 'traces' },
      { label: vscode.l10n.t('Metrics'), description: vscode.l10n.t('counters and histograms'), value: 'metrics' },
      { label: vscode.l10n.t('Logs'), description: vscode.l10n.t('Python logging and exceptions'), value: 'logs' },
    ];
    const previous = state.signals ?? ['traces', 'metrics', 'logs'];
    const picked = await pickMany(ui, {
      placeholder: vscode.l10n.t('Which signals?'),
      items,
      selectedItems: items.filter((item) => previous.includes(item.value)),
    });
    state.signals = picked.map((item) => item.value);
  }
}

class FrameworkStep implements WizardStep<SetupChoices> {
  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const labels: Record<SetupFramework, string> = {
      none: vscode.l10n.t('No web framework'),
      flask: 'Flask',
      django: 'Django',
      fastapi: 'FastAPI',
    };
    // OpenCensus never had a FastAPI integration: offered only what the chosen SDK supports.
    const items: Item<SetupFramework>[] = FRAMEWORKS_BY_SDK[state.sdk ?? 'opentelemetry'].map((value) => ({ label: labels[value], value }));
    const picked = await pickOne(ui, {
      placeholder: vscode.l10n.t('Which web framework does the app use?'),
      items,
      activeItem: items.find((item) => item.value === state.framework),
    });
    state.framework = picked.value;
  }
}

/** Asks the questions; undefined when the user cancelled (nothing is changed then). */
export async function askSetupQuestions(store: ConnectionStringStore): Promise<Required<SetupChoices> | undefined> {
  const choices: SetupChoices = {};
  const steps = [new ConnectionChoiceStep(store), new ConnectionInputStep(), new SdkStep(), new SignalsStep(), new FrameworkStep()];
  const completed = await runWizard(vscode.l10n.t('Set Up Python Monitoring'), steps, choices);
  return completed ? (choices as Required<SetupChoices>) : undefined;
}

export async function runSetup(state: ExtensionContextState, installContext: InstallContext): Promise<SetupOutcome | undefined> {
  const { log, connectionStrings } = state;
  const target = vscode.window.activeTextEditor; // before the quick picks take the focus
  const choices = await askSetupQuestions(connectionStrings);
  if (!choices) {
    log.info('Setup cancelled.');
    return undefined;
  }
  if (choices.connection.kind === 'paste' && choices.connection.value) {
    await connectionStrings.set(choices.connection.value); // the relay follows the secret
  } else if (choices.connection.kind === 'remove') {
    await connectionStrings.clear();
  }
  const forwarding = (await connectionStrings.get()) !== undefined;
  const selection: SetupSelection = { sdk: choices.sdk, signals: choices.signals, framework: choices.framework };
  const packages = setupPackages(selection);
  log.info(
    `Setup: ${choices.sdk}, signals ${choices.signals.join('+') || 'none'}, framework ${choices.framework}, ${forwarding ? 'forwarding' : 'local-only'}.`,
  );
  // Inserted first (the user sees the code at once), then installed while the progress notification runs.
  const insertion = await insertInstrumentation(selection, target?.document.languageId === 'python' ? target : undefined, log);
  const inserting = insertion?.existing === undefined || insertion.existing.choice === 'replace';
  const install = inserting ? await installPythonPackages(installContext, packages, { report: false }) : undefined;
  await state.relay.ensureStarted();
  const panelOpened = await openLivePanel(state);
  const { message, setUp, failed } = closingMessage(forwarding, insertion, inserting, install);
  log.info(`Setup finished: ${message}`);
  const shown = failed ? vscode.window.showErrorMessage(message, showOutputAction()) : vscode.window.showInformationMessage(message);
  void shown.then((choice) => choice === showOutputAction() && installContext.output.show());
  // The pasted value stays out of the result: commands' results reach any caller.
  return {
    choices: { ...choices, connection: { kind: choices.connection.kind } },
    forwarding,
    packages,
    install,
    insertion,
    panelOpened,
    setUp,
    message,
  };
}

/** Says "set up" only when the code is in and pip succeeded; otherwise what happened and why. */
function closingMessage(
  forwarding: boolean,
  insertion: InsertionResult | undefined,
  inserting: boolean,
  install: InstallResult | undefined,
): { message: string; setUp: boolean; failed: boolean } {
  const file = insertion ? vscode.workspace.asRelativePath(vscode.Uri.parse(insertion.uri, true)) : '';
  const existing = insertion?.existing;
  if (!inserting && existing) {
    const present = existing.kinds.map(instrumentationName).join(', ');
    const message =
      existing.choice === 'keep'
        ? vscode.l10n.t('Kept {0} in {1}: nothing was inserted or installed.', present, file)
        : existing.choice === 'migrate'
          ? vscode.l10n.t('Opened the OpenTelemetry migration of {0} beside it: nothing was inserted or installed.', file)
          : vscode.l10n.t('Set up stopped: {0} already uses {1}; nothing was inserted or installed.', file, present);
    return { message, setUp: false, failed: false };
  }
  const stillUsed = existing?.stillUsed
    ? ` ${vscode.l10n.t('Your own code in {0} still uses {1}: review it.', file, existing.kinds.map(instrumentationName).join(', '))}`
    : '';
  if (!install) {
    return {
      message:
        vscode.l10n.t('Instrumentation inserted into {0}, but the packages were not installed: no Python interpreter found.', file) +
        stillUsed,
      setUp: false,
      failed: true,
    };
  }
  if (install.cancelled) {
    return {
      message: vscode.l10n.t('Instrumentation inserted into {0}, but installing the packages was cancelled.', file) + stillUsed,
      setUp: false,
      failed: true,
    };
  }
  if (!install.succeeded) {
    const reason = install.reason ?? vscode.l10n.t('pip ended with exit code {0}.', String(install.exitCode ?? '?'));
    return {
      message:
        vscode.l10n.t('Instrumentation inserted into {0}, but installing {1} failed: {2}', file, install.packages.join(', '), reason) +
        stillUsed,
      setUp: false,
      failed: true,
    };
  }
  const message = forwarding
    ? vscode.l10n.t('Python monitoring is set up: telemetry shows in the live panel and is forwarded to Azure Monitor.')
    : vscode.l10n.t('Python monitoring is set up, local-only: telemetry shows in the live panel and stays on this machine.');
  return { message: message + stillUsed, setUp: true, failed: false };
}

export function registerSetupCommands(state: ExtensionContextState): void {
  const output = new PipOutput(state.redactor);
  state.extensionContext.subscriptions.push(output);
  const installContext: InstallContext = { log: state.log, redactor: state.redactor, output };
  registerCommand(state, SETUP_COMMAND, () => runSetup(state, installContext));
  registerCommand(state, COMMAND_IDS.installPackages, (packages?: unknown) =>
    installPythonPackages(
      installContext,
      Array.isArray(packages) ? packages.filter((name): name is string => typeof name === 'string') : undefined,
    ),
  );
}
