/**
 * "Show the OpenTelemetry equivalent": the file as the server migrated it, side by side with the
 * original in a diff editor. The migrated text lives in a read-only virtual document (nothing is
 * written to disk, nothing is changed in the user's file); the user copies what they want.
 */
import * as path from 'path';
import * as vscode from 'vscode';

export const MIGRATION_SCHEME = 'azure-monitor-python-migration';

export class MigrationPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A new virtual document holding `text`, named after the original file so the tab says what it is. */
  add(text: string, originalName: string): vscode.Uri {
    const stem = path.basename(originalName, '.py') || 'untitled';
    // The .py extension makes VS Code treat the preview as Python (colouring); the query keeps each preview distinct.
    const uri = vscode.Uri.from({ scheme: MIGRATION_SCHEME, path: `/${stem}.opentelemetry.py`, query: String(++this.counter) });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.texts.clear();
    this.changed.dispose();
  }
}

/** Opens the migration: a diff against the original when it is known, else the text beside the editor. Returns the preview's uri. */
export async function showOpenTelemetryEquivalent(
  provider: MigrationPreviewProvider,
  migratedText: unknown,
  originalUri: unknown,
): Promise<vscode.Uri | undefined> {
  if (typeof migratedText !== 'string' || migratedText.length === 0) {
    return undefined;
  }
  const original = typeof originalUri === 'string' ? vscode.Uri.parse(originalUri, true) : vscode.window.activeTextEditor?.document.uri;
  const preview = provider.add(migratedText, original?.path ?? 'untitled');
  if (original) {
    const title = vscode.l10n.t('{0} ↔ OpenTelemetry equivalent', path.basename(original.path));
    await vscode.commands.executeCommand('vscode.diff', original, preview, title, { preview: true });
  } else {
    const document = await vscode.workspace.openTextDocument(preview);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
  return preview;
}
