/**
 * "Instrument this file with Azure Monitor": for a Python file that uses neither SDK yet, one action
 * that inserts the distro's set-up (the Flask/FastAPI variant when the file builds such an app) with
 * the same planner as the insert command, then lets the client offer the missing pip packages.
 */
import * as l10n from '@vscode/l10n';
import { CodeAction } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { detectSdk, planInsertion } from '../../core/snippets';
import { ImportIndex } from '../../core/snippets/pythonImports';
import { scanStatements } from '../../core/snippets/pythonStatements';
import { analyseLayout } from '../../core/snippets/sourceLayout';
import { CLIENT_COMMANDS, OfferPackagesArguments } from '../../shared/serverProtocol';

/** The action's title, in the UI language (a function: translations load at initialize). */
export function instrumentFileTitle(): string {
  return l10n.t('Instrument this file with Azure Monitor');
}

/** Framework module → the snippet that instruments an app of it; the first match wins. */
const FRAMEWORK_SNIPPETS: readonly (readonly [string, string])[] = [
  ['flask', 'otel-flask'],
  ['fastapi', 'otel-fastapi'],
];
const DEFAULT_SNIPPET = 'otel-configure';

/** Which snippet instruments this text, or undefined when it already uses an Azure Monitor SDK. */
export function instrumentationSnippetFor(text: string): string | undefined {
  if (detectSdk(text) !== 'none' || /\bconfigure_azure_monitor\s*\(/.test(text)) {
    return undefined;
  }
  const modules = ImportIndex.fromStatements(scanStatements(text)).modules();
  const framework = FRAMEWORK_SNIPPETS.find(([module]) => modules.some((m) => m === module || m.startsWith(`${module}.`)));
  return framework?.[1] ?? DEFAULT_SNIPPET;
}

/**
 * The action for a code-action request, or none. `kind` is the refactor kind when the request
 * covers the top of the file (line 0 or the leading import block), the source kind when asked for
 * source actions; a light bulb on every line of every plain file would be noise.
 */
export function instrumentFileAction(document: TextDocument, kind: string): CodeAction | undefined {
  const text = document.getText();
  const snippetId = instrumentationSnippetFor(text);
  if (!snippetId) {
    return undefined;
  }
  const plan = planInsertion(text, snippetId);
  if (plan.edits.length === 0) {
    return undefined;
  }
  const offer: OfferPackagesArguments = { packages: plan.packages, uri: document.uri };
  const title = instrumentFileTitle();
  return {
    title,
    kind,
    edit: {
      changes: {
        [document.uri]: plan.edits.map((edit) => ({
          range: { start: document.positionAt(edit.offset), end: document.positionAt(edit.offset + edit.length) },
          newText: edit.newText,
        })),
      },
    },
    command: { title, command: CLIENT_COMMANDS.offerPackages, arguments: [offer] },
  };
}

/** True when `line` is line 0, in the header (docstring, shebang…) or in the leading import block. */
export function isAtTopOfFile(text: string, line: number): boolean {
  const layout = analyseLayout(text);
  return line <= Math.max(0, layout.headerEndLine, layout.leadingImportsEndLine ?? -1);
}
