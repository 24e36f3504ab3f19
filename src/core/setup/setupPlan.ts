/**
 * What "Set Up Python Monitoring" puts into a file for the user's answers (SDK, signals, web
 * framework): which catalogue snippets, which pip packages, and the text edits that insert them
 * one after the other. The snippets themselves live in `../snippets`; this only chooses and chains.
 *
 * Plain Node: never import `vscode` here.
 */
import { findSnippet, planInsertion } from '../snippets';
import { applyTextEdits, PlannedTextEdit } from '../snippets/textEdits';

export type SetupSdk = 'opentelemetry' | 'opencensus';
export type SetupSignal = 'traces' | 'metrics' | 'logs';
export type SetupFramework = 'none' | 'flask' | 'django' | 'fastapi';

export interface SetupSelection {
  readonly sdk: SetupSdk;
  readonly signals: readonly SetupSignal[];
  readonly framework: SetupFramework;
}

/** Web frameworks each SDK has an integration for (OpenCensus never had one for FastAPI). */
export const FRAMEWORKS_BY_SDK: Readonly<Record<SetupSdk, readonly SetupFramework[]>> = {
  opentelemetry: ['none', 'flask', 'django', 'fastapi'],
  opencensus: ['none', 'flask', 'django'],
};

const SIGNAL_SNIPPETS: Readonly<Record<SetupSdk, Readonly<Record<SetupSignal, string>>>> = {
  opentelemetry: { traces: 'otel-traces', metrics: 'otel-metrics', logs: 'otel-logs' },
  opencensus: { traces: 'opencensus-traces', metrics: 'opencensus-metrics', logs: 'opencensus-logs' },
};

/**
 * Snippet ids in insertion order: the framework integration first (it creates the app object the
 * rest may use), then one per signal. OpenCensus' framework middleware already brings the tracer,
 * so its plain traces snippet is not added next to it.
 */
export function setupSnippetIds(selection: SetupSelection): string[] {
  if (!FRAMEWORKS_BY_SDK[selection.sdk].includes(selection.framework)) {
    throw new Error(`${selection.sdk} has no ${selection.framework} integration.`);
  }
  const prefix = selection.sdk === 'opentelemetry' ? 'otel' : 'opencensus';
  const ids: string[] = [];
  if (selection.framework !== 'none') {
    ids.push(`${prefix}-${selection.framework}`);
  }
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    if (!selection.signals.includes(signal)) continue;
    if (signal === 'traces' && selection.sdk === 'opencensus' && selection.framework !== 'none') continue;
    ids.push(SIGNAL_SNIPPETS[selection.sdk][signal]);
  }
  if (ids.length === 0) {
    // No signal and no framework: still configure the SDK (the distro alone exports everything).
    ids.push(selection.sdk === 'opentelemetry' ? 'otel-configure' : 'opencensus-traces');
  }
  return ids;
}

/** The pip packages of those snippets, without duplicates, in first-seen order. */
export function setupPackages(selection: SetupSelection): string[] {
  const packages: string[] = [];
  for (const id of setupSnippetIds(selection)) {
    for (const name of findSnippet(id)?.packages ?? []) {
      if (!packages.includes(name)) packages.push(name);
    }
  }
  return packages;
}

export interface SetupInsertionStep {
  readonly snippetId: string;
  /** Edits against the text as it is after the previous steps. */
  readonly edits: readonly PlannedTextEdit[];
}

export interface SetupInsertion {
  readonly steps: readonly SetupInsertionStep[];
  readonly resultText: string;
  /** True when the file already had everything: nothing to change. */
  readonly unchanged: boolean;
}

/**
 * Plans the snippets one after the other, each against the text the previous one produced, so a
 * statement two snippets share (`configure_azure_monitor()`) appears once.
 */
export function planSetupInsertion(sourceText: string, selection: SetupSelection): SetupInsertion {
  const steps: SetupInsertionStep[] = [];
  let text = sourceText;
  for (const snippetId of setupSnippetIds(selection)) {
    const plan = planInsertion(text, snippetId);
    if (plan.edits.length === 0) continue;
    steps.push({ snippetId, edits: plan.edits });
    text = applyTextEdits(text, plan.edits);
  }
  return { steps, resultText: text, unchanged: steps.length === 0 };
}
