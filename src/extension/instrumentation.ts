/**
 * Puts the setup's instrumentation into code: into the active Python file, or else into a
 * `monitoring.py` at the workspace root (created when missing) that the app imports first. The
 * choice of snippets and the edits are planned in `src/core/setup`; this only applies them.
 */
import * as vscode from 'vscode';
import { conflictingInstrumentation, InstrumentationKind, planSdkRemoval, RemovalPlan } from '../core/setup/existingInstrumentation';
import { planSetupInsertion, SetupSelection } from '../core/setup/setupPlan';
import type { PlannedTextEdit } from '../core/snippets/textEdits';
import type { Logger } from './log';
import { COMMAND_IDS } from '../shared/commandIds';

export const MONITORING_MODULE = 'monitoring.py';
/** Internal (not in the palette): opens the migration view for a file; registered with the language features. */
export const MIGRATE_FILE_COMMAND = COMMAND_IDS.showMigrationForFile;

/** What the user chose for a file that another SDK already instruments. */
export type ExistingChoice = 'keep' | 'replace' | 'migrate';

export interface ExistingInstrumentation {
  readonly kinds: readonly InstrumentationKind[];
  /** `cancelled`: the question was dismissed; nothing was changed. */
  readonly choice: ExistingChoice | 'cancelled';
  /** After "replace": statements of the old SDK taken out. */
  readonly removedStatements?: number;
  /** After "replace": the old SDK is still imported (the user's own code uses it). */
  readonly stillUsed?: boolean;
}

export interface InsertionResult {
  readonly uri: string;
  readonly snippetIds: readonly string[];
  /** False when the file already had all of it (or the user kept what was there). */
  readonly changed: boolean;
  /** Set when the file was instrumented with another SDK, with what was done about it. */
  readonly existing?: ExistingInstrumentation;
}

export async function insertInstrumentation(
  selection: SetupSelection,
  target: vscode.TextEditor | undefined,
  log: Logger,
): Promise<InsertionResult | undefined> {
  const editor = target ?? (await openMonitoringModule());
  const isMonitoringModule = target === undefined;
  if (!editor) {
    // No folder open: hand the code over in an untitled file the user can save where they like.
    const plan = planSetupInsertion('', selection);
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: plan.resultText });
    await vscode.window.showTextDocument(document);
    return { uri: document.uri.toString(), snippetIds: plan.steps.map((step) => step.snippetId), changed: true };
  }
  const document = editor.document;
  // Never stack two SDKs silently: another one already there is the user's call.
  const kinds = conflictingInstrumentation(document.getText(), selection.sdk);
  let existing: ExistingInstrumentation | undefined;
  if (kinds.length > 0) {
    const removals = kinds.map((kind) => planSdkRemoval(document.getText(), kind));
    const choice = await askAboutExisting(document, kinds, selection, removals);
    log.info(`${document.uri.fsPath} already uses ${kinds.join(', ')}: ${choice ?? 'cancelled'}.`);
    if (choice !== 'replace') {
      if (choice === 'migrate') await vscode.commands.executeCommand(MIGRATE_FILE_COMMAND, document.uri.toString());
      return { uri: document.uri.toString(), snippetIds: [], changed: false, existing: { kinds, choice: choice ?? 'cancelled' } };
    }
    let removedStatements = 0;
    for (const kind of kinds) {
      // Planned one after the other against the current text: the plans above only decided what to offer.
      const removal = planSdkRemoval(document.getText(), kind);
      removedStatements += removal.removedStatements;
      await applyEdits(editor, removal.edits);
    }
    const stillUsed = conflictingInstrumentation(document.getText(), selection.sdk).length > 0;
    existing = { kinds, choice: 'replace', removedStatements, stillUsed };
  }
  const plan = planSetupInsertion(document.getText(), selection);
  for (const step of plan.steps) await applyEdits(editor, step.edits);
  if (plan.unchanged) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is already instrumented.', vscode.workspace.asRelativePath(document.uri)));
  } else if (isMonitoringModule) {
    await document.save(); // our own new module; the user's file is left for them to save (or undo)
  }
  await vscode.window.showTextDocument(document, editor.viewColumn);
  log.info(
    `Instrumentation ${plan.unchanged ? 'already in' : 'inserted into'} ${document.uri.fsPath}: ${plan.steps.map((step) => step.snippetId).join(', ') || 'nothing new'}.`,
  );
  return {
    uri: document.uri.toString(),
    snippetIds: plan.steps.map((step) => step.snippetId),
    changed: !plan.unchanged || existing !== undefined,
    existing,
  };
}

async function applyEdits(editor: vscode.TextEditor, edits: readonly PlannedTextEdit[]): Promise<void> {
  if (edits.length === 0) return;
  const applied = await editor.edit((builder) => {
    for (const edit of edits) {
      builder.replace(
        new vscode.Range(edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character),
        edit.newText,
      );
    }
  });
  if (!applied) throw new Error(vscode.l10n.t('Could not edit {0}.', vscode.workspace.asRelativePath(editor.document.uri)));
}

/** How each kind is named to the user. */
export function instrumentationName(kind: InstrumentationKind): string {
  const names: Record<InstrumentationKind, string> = {
    opencensus: 'OpenCensus (opencensus-ext-azure)',
    distro: vscode.l10n.t('the Azure Monitor OpenTelemetry distro'),
    exporter: vscode.l10n.t('the Azure Monitor OpenTelemetry exporter'),
    otlp: vscode.l10n.t('OpenTelemetry OTLP exporters'),
  };
  return names[kind];
}

type ChoiceItem = vscode.QuickPickItem & { choice: ExistingChoice };

/** Keep / replace / migrate (the last only from OpenCensus to OpenTelemetry, which the migration view does). */
async function askAboutExisting(
  document: vscode.TextDocument,
  kinds: readonly InstrumentationKind[],
  selection: SetupSelection,
  removals: readonly RemovalPlan[],
): Promise<ExistingChoice | undefined> {
  const file = vscode.workspace.asRelativePath(document.uri);
  const present = kinds.map(instrumentationName).join(', ');
  const chosen = selection.sdk === 'opencensus' ? 'OpenCensus' : vscode.l10n.t('the Azure Monitor OpenTelemetry distro');
  const items: ChoiceItem[] = [
    { label: vscode.l10n.t('Keep it'), detail: vscode.l10n.t('Insert nothing: {0} stays as it is.', file), choice: 'keep' },
  ];
  if (removals.some((removal) => removal.removedStatements > 0)) {
    items.push({
      label: vscode.l10n.t('Replace it'),
      detail: vscode.l10n.t('Remove the set-up lines of {0} that Set Up inserts, then insert {1}.', present, chosen),
      choice: 'replace',
    });
  }
  if (kinds.includes('opencensus') && selection.sdk === 'opentelemetry') {
    items.push({
      label: vscode.l10n.t('Migrate it'),
      detail: vscode.l10n.t('Open the OpenTelemetry equivalent of {0} side by side; nothing is changed.', file),
      choice: 'migrate',
    });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('{0} already uses {1}', file, present),
    placeHolder: vscode.l10n.t('Two SDKs in one app would send everything twice. What should Set Up do?'),
    ignoreFocusOut: true,
  });
  return picked?.choice;
}

async function openMonitoringModule(): Promise<vscode.TextEditor | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const uri = vscode.Uri.joinPath(folder.uri, MONITORING_MODULE);
  const exists = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const header = '"""Azure Monitor set-up: import this module first in your app (`import monitoring`)."""\n';
    await vscode.workspace.fs.writeFile(uri, Buffer.from(header, 'utf8'));
  }
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}
