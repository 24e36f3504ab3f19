/**
 * Findings' fixes → LSP code actions (quick fixes). Edits become a WorkspaceEdit on the document;
 * commands are left for the client to run; the migration is computed only here, on request.
 */
import { CodeAction, CodeActionKind, TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CLIENT_COMMANDS } from '../../shared/serverProtocol';
import type { Finding, Fix, OffsetEdit } from '../analysis/findings';
import { toDiagnostic } from './diagnostics';

export function codeActionsFor(findings: readonly Finding[], document: TextDocument, migratedText: () => string): CodeAction[] {
  const actions: CodeAction[] = [];
  let migrationOffered = false;
  for (const finding of findings) {
    const diagnostic = toDiagnostic(finding, document);
    for (const fix of finding.fixes) {
      if (fix.kind === 'show-migration') {
        if (migrationOffered) {
          continue; // one "show the equivalent" per request is enough: it shows the whole file
        }
        migrationOffered = true;
      }
      actions.push({ ...toAction(fix, document, migratedText), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] });
    }
  }
  return actions;
}

function toAction(fix: Fix, document: TextDocument, migratedText: () => string): CodeAction {
  switch (fix.kind) {
    case 'edit': {
      const edits: TextEdit[] = fix.edits.map((edit) => toTextEdit(edit, document));
      return { title: fix.title, edit: { changes: { [document.uri]: edits } }, ...(fix.preferred ? { isPreferred: true } : {}) };
    }
    case 'command':
      return {
        title: fix.title,
        command: { title: fix.title, command: fix.command, arguments: [...fix.arguments] },
        ...(fix.edits ? { edit: { changes: { [document.uri]: fix.edits.map((edit) => toTextEdit(edit, document)) } } } : {}),
      };
    case 'show-migration':
      return {
        title: fix.title,
        command: { title: fix.title, command: CLIENT_COMMANDS.showOpenTelemetryEquivalent, arguments: [migratedText(), document.uri] },
      };
  }
}

function toTextEdit(edit: OffsetEdit, document: TextDocument): TextEdit {
  return { range: { start: document.positionAt(edit.offset), end: document.positionAt(edit.offset + edit.length) }, newText: edit.newText };
}
