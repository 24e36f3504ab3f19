/**
 * Puts the setup's instrumentation into code: into the active Python file, or else into a
 * `monitoring.py` at the workspace root (created when missing) that the app imports first. The
 * choice of snippets and the edits are planned in `src/core/setup`; this only applies them.
 */
import * as vscode from 'vscode';
import { planSetupInsertion, SetupSelection } from '../core/setup/setupPlan';
import type { Logger } from './log';

export const MONITORING_MODULE = 'monitoring.py';

export interface InsertionResult {
  readonly uri: string;
  readonly snippetIds: readonly string[];
  /** False when the file already had all of it. */
  readonly changed: boolean;
}

export async function insertInstrumentation(selection: SetupSelection, target: vscode.TextEditor | undefined, log: Logger): Promise<InsertionResult | undefined> {
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
  const plan = planSetupInsertion(document.getText(), selection);
  for (const step of plan.steps) {
    const applied = await editor.edit((builder) => {
      for (const edit of step.edits) {
        builder.replace(new vscode.Range(edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character), edit.newText);
      }
    });
    if (!applied) throw new Error(vscode.l10n.t('Could not edit {0}.', vscode.workspace.asRelativePath(document.uri)));
  }
  if (plan.unchanged) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is already instrumented.', vscode.workspace.asRelativePath(document.uri)));
  } else if (isMonitoringModule) {
    await document.save(); // our own new module; the user's file is left for them to save (or undo)
  }
  await vscode.window.showTextDocument(document, editor.viewColumn);
  log.info(`Instrumentation ${plan.unchanged ? 'already in' : 'inserted into'} ${document.uri.fsPath}: ${plan.steps.map((step) => step.snippetId).join(', ') || 'nothing new'}.`);
  return { uri: document.uri.toString(), snippetIds: plan.steps.map((step) => step.snippetId), changed: !plan.unchanged };
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
