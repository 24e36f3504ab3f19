/**
 * `Azure Monitor: Set Up Python Monitoring`: one guided flow from nothing to live telemetry —
 * connection string (or local-only), SDK, signals, framework; then install the packages, insert the
 * instrumentation and open the live panel.
 */
import * as vscode from 'vscode';
import { redactInstrumentationKey } from '../../core/redact';
import type { ConnectionStringStore } from '../connectionStringStore';
import type { Logger } from '../log';
import { inputText, pickMany, pickOne, runWizard, StepUi, WizardStep } from '../wizard/multiStepInput';
import { validateForInputBox } from './connectionStringCommands';

export type Sdk = 'opentelemetry' | 'opencensus';
export type Signal = 'traces' | 'metrics' | 'logs';
export type Framework = 'none' | 'flask' | 'django' | 'fastapi';

export interface SetupChoices {
  connection?: { kind: 'keep' } | { kind: 'skip' } | { kind: 'paste'; value?: string };
  sdk?: Sdk;
  signals?: Signal[];
  framework?: Framework;
}

/** What the flow does once the user answered; each part is optional so the flow works as features land. */
export interface SetupActions {
  installPackages(choices: Required<SetupChoices>): Promise<unknown>;
  insertInstrumentation?(choices: Required<SetupChoices>): Promise<unknown>;
  openLivePanel?(): Promise<unknown>;
}

type Item<V> = vscode.QuickPickItem & { value: V };

class ConnectionChoiceStep implements WizardStep<SetupChoices> {
  constructor(private readonly store: ConnectionStringStore) {}

  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const stored = await this.store.get();
    const items: Item<'keep' | 'paste' | 'skip'>[] = [];
    if (stored) {
      items.push({ label: vscode.l10n.t('Keep the stored connection string'), description: vscode.l10n.t('key {0}', redactInstrumentationKey(stored.parsed.instrumentationKey)), value: 'keep' });
    }
    items.push(
      { label: vscode.l10n.t('Paste a connection string…'), detail: vscode.l10n.t('From the Overview page of your Application Insights resource. Kept in secret storage only.'), value: 'paste' },
      { label: vscode.l10n.t('Skip: keep telemetry on this machine'), detail: vscode.l10n.t('Local-only: the live panel shows everything; nothing is sent to Azure.'), value: 'skip' },
    );
    const picked = await pickOne(ui, { placeholder: vscode.l10n.t('Where should telemetry go?'), items });
    state.connection = picked.value === 'paste' ? { kind: 'paste' } : { kind: picked.value };
  }
}

class ConnectionInputStep implements WizardStep<SetupChoices> {
  shouldPrompt(state: SetupChoices): boolean {
    return state.connection?.kind === 'paste';
  }

  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const value = await inputText(ui, {
      prompt: vscode.l10n.t('Paste the Application Insights connection string.'),
      placeholder: 'InstrumentationKey=…;IngestionEndpoint=https://…',
      password: true,
      validate: validateForInputBox,
    });
    state.connection = { kind: 'paste', value };
  }
}

class SdkStep implements WizardStep<SetupChoices> {
  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const items: Item<Sdk>[] = [
      { label: vscode.l10n.t('OpenTelemetry (Azure Monitor distro)'), description: vscode.l10n.t('recommended'), detail: 'azure-monitor-opentelemetry · configure_azure_monitor()', value: 'opentelemetry' },
      { label: vscode.l10n.t('OpenCensus (as in the original guide)'), description: vscode.l10n.t('retired'), detail: vscode.l10n.t('opencensus-ext-azure · support ended on 30 September 2024'), value: 'opencensus' },
    ];
    const picked = await pickOne(ui, { placeholder: vscode.l10n.t('Which SDK?'), items, activeItem: items.find((item) => item.value === state.sdk) });
    if (picked.value !== state.sdk && state.framework === 'fastapi' && picked.value === 'opencensus') {
      state.framework = undefined; // OpenCensus has no FastAPI integration
    }
    state.sdk = picked.value;
  }
}

class SignalsStep implements WizardStep<SetupChoices> {
  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const items: Item<Signal>[] = [
      { label: vscode.l10n.t('Traces'), description: vscode.l10n.t('requests and dependencies'), value: 'traces' },
      { label: vscode.l10n.t('Metrics'), description: vscode.l10n.t('counters and histograms'), value: 'metrics' },
      { label: vscode.l10n.t('Logs'), description: vscode.l10n.t('Python logging and exceptions'), value: 'logs' },
    ];
    const previous = state.signals ?? ['traces', 'metrics', 'logs'];
    const picked = await pickMany(ui, { placeholder: vscode.l10n.t('Which signals?'), items, selectedItems: items.filter((item) => previous.includes(item.value)) });
    state.signals = picked.map((item) => item.value);
  }
}

class FrameworkStep implements WizardStep<SetupChoices> {
  async prompt(state: SetupChoices, ui: StepUi): Promise<void> {
    const items: Item<Framework>[] = [
      { label: vscode.l10n.t('No web framework'), value: 'none' },
      { label: 'Flask', value: 'flask' },
      { label: 'Django', value: 'django' },
    ];
    if (state.sdk === 'opentelemetry') {
      items.push({ label: 'FastAPI', value: 'fastapi' });
    }
    const picked = await pickOne(ui, { placeholder: vscode.l10n.t('Which web framework does the app use?'), items, activeItem: items.find((item) => item.value === state.framework) });
    state.framework = picked.value;
  }
}

export async function runSetup(store: ConnectionStringStore, log: Logger, actions: SetupActions): Promise<Required<SetupChoices> | undefined> {
  const choices: SetupChoices = {};
  const steps = [new ConnectionChoiceStep(store), new ConnectionInputStep(), new SdkStep(), new SignalsStep(), new FrameworkStep()];
  const completed = await runWizard(vscode.l10n.t('Set Up Python Monitoring'), steps, choices);
  if (!completed) {
    log.info('Setup cancelled.');
    return undefined;
  }
  const answered = choices as Required<SetupChoices>;
  if (answered.connection.kind === 'paste' && answered.connection.value) {
    await store.set(answered.connection.value);
  }
  log.info(`Setup: ${answered.sdk}, signals ${answered.signals.join('+')}, framework ${answered.framework}, ${answered.connection.kind === 'skip' ? 'local-only' : 'forwarding'}.`);
  await actions.installPackages(answered);
  await actions.insertInstrumentation?.(answered);
  await actions.openLivePanel?.();
  return answered;
}

