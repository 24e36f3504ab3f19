/**
 * `Azure Monitor: Insert Instrumentation Snippet`. The catalogue and the planner live in
 * src/core/snippets (imports merged without duplicates, setup after the imports, idempotent, the
 * file's indentation and line endings kept); this module only picks a template and applies the
 * plan as one WorkspaceEdit (one undo step), then offers the missing pip packages.
 *
 * Tests and other commands pass the snippet id (`executeCommand(id, 'otel-logs')` or
 * `{ snippetId, uri, offerInstall }`) instead of going through the quick pick.
 */
import * as vscode from 'vscode';
import { detectSdk, listSnippets, planInsertion, SnippetSdk, SnippetTemplate } from '../../core/snippets';
import type { Logger } from '../log';
import { offerMissingPackages } from '../packageOffer';

export interface InsertSnippetOptions {
  readonly snippetId?: string;
  /** The document to insert into (default: the active editor's). */
  readonly uri?: string;
  /** Offer to pip install missing packages afterwards (default true). */
  readonly offerInstall?: boolean;
}

export interface InsertSnippetResult {
  readonly snippetId: string;
  readonly uri: string;
  /** False when the file already had everything (inserting twice changes nothing). */
  readonly changed: boolean;
  readonly addedImports: readonly string[];
  readonly addedStatements: number;
  readonly packages: readonly string[];
  /** Packages offered for installation (empty when none are missing or the offer was off). */
  readonly offeredPackages: readonly string[];
}

export async function insertSnippetCommand(log: Logger, argument?: unknown): Promise<InsertSnippetResult | undefined> {
  const options: InsertSnippetOptions = typeof argument === 'string' ? { snippetId: argument } : ((argument ?? {}) as InsertSnippetOptions);
  const editor = await targetEditor(options.uri);
  if (!editor) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a Python file to insert Azure Monitor instrumentation into.'));
    return undefined;
  }
  const snippetId = options.snippetId ?? (await pickSnippet(editor.document.getText()))?.id;
  if (!snippetId) {
    return undefined;
  }
  return insertSnippetIntoEditor(editor, snippetId, log, { offerInstall: options.offerInstall });
}

/**
 * Inserts one template into an editor (also used by the setup wizard). Throws for an unknown id.
 * With `offerInstall` (default true) the missing packages are offered in a notification that is
 * not awaited.
 */
export async function insertSnippetIntoEditor(
  editor: vscode.TextEditor,
  snippetId: string,
  log: Logger,
  options: { readonly offerInstall?: boolean } = {},
): Promise<InsertSnippetResult> {
  const document = editor.document;
  const plan = planInsertion(document.getText(), snippetId);
  const version = document.version;
  if (plan.edits.length > 0) {
    const edit = new vscode.WorkspaceEdit();
    for (const planned of plan.edits) {
      const range = new vscode.Range(
        planned.range.start.line,
        planned.range.start.character,
        planned.range.end.line,
        planned.range.end.character,
      );
      edit.replace(document.uri, range, planned.newText);
    }
    if (document.version !== version || !(await vscode.workspace.applyEdit(edit))) {
      throw new Error(vscode.l10n.t('The file changed while the snippet was being inserted; try again.'));
    }
    // Where the last inserted text ends, in the edited document (earlier edits shifted it).
    const shift = plan.edits.slice(0, -1).reduce((sum, planned) => sum + planned.newText.length - planned.length, 0);
    const last = plan.edits[plan.edits.length - 1];
    const end = document.positionAt(last.offset + shift + last.newText.length);
    editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
  log.info(
    plan.edits.length > 0
      ? `Inserted snippet ${snippetId} into ${document.uri.toString(true)}: ${plan.addedImports.length} import(s), ${plan.addedStatements} statement(s).`
      : `Snippet ${snippetId}: ${document.uri.toString(true)} already has it; nothing changed.`,
  );
  const offered = options.offerInstall === false ? [] : (await offerMissingPackages(plan.packages, document.uri, log)).offered;
  return {
    snippetId,
    uri: document.uri.toString(),
    changed: plan.edits.length > 0,
    addedImports: plan.addedImports,
    addedStatements: plan.addedStatements,
    packages: plan.packages,
    offeredPackages: offered,
  };
}

async function targetEditor(uri: string | undefined): Promise<vscode.TextEditor | undefined> {
  if (uri === undefined) {
    const active = vscode.window.activeTextEditor;
    return active?.document.languageId === 'python' ? active : undefined;
  }
  const parsed = vscode.Uri.parse(uri, true);
  const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === parsed.toString());
  return visible ?? vscode.window.showTextDocument(await vscode.workspace.openTextDocument(parsed));
}

type SnippetItem = vscode.QuickPickItem & { snippet?: SnippetTemplate; showAll?: boolean };

/** Offers the templates of the SDK the file already uses (all of them when it uses none or both). */
async function pickSnippet(text: string): Promise<SnippetTemplate | undefined> {
  const detected = detectSdk(text);
  const sdk: SnippetSdk | undefined = detected === 'opencensus' || detected === 'opentelemetry' ? detected : undefined;
  let showAll = sdk === undefined;
  for (;;) {
    const snippets = listSnippets(showAll ? {} : { sdk });
    const items: SnippetItem[] = snippets.map((snippet) => ({
      // The catalogue's English text is the key (its Korean is checked by the localization test).
      label: vscode.l10n.t(snippet.title),
      description: snippet.packages.join(' '),
      detail: vscode.l10n.t(snippet.description),
      snippet,
    }));
    if (!showAll) {
      items.push(
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        { label: vscode.l10n.t('Show snippets for every SDK…'), showAll: true },
      );
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Insert Instrumentation Snippet'),
      placeHolder: sdk
        ? vscode.l10n.t('This file uses {0}: showing its snippets.', sdk === 'opencensus' ? 'OpenCensus' : 'OpenTelemetry')
        : vscode.l10n.t('Which instrumentation?'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked?.showAll) {
      return picked?.snippet;
    }
    showAll = true;
  }
}
