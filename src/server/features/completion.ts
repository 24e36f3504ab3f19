/**
 * Completions for snippets: typing `azmon` at the start of a statement offers every template. The
 * item inserts the snippet's setup at the cursor, and its missing imports at the top of the file
 * (or with the setup, when the cursor is above where the imports would go, as in an empty file).
 */
import * as l10n from '@vscode/l10n';
import { CompletionItem, CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind, TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree } from 'web-tree-sitter';
import { listSnippets, planCodeInsertion, SnippetTemplate } from '../../core/snippets';
import { reindent } from '../../core/snippets/insertion';
import { analyseLayout } from '../../core/snippets/sourceLayout';
import { SNIPPET_COMPLETION_PREFIX } from '../../shared/serverProtocol';

export function snippetCompletions(tree: Tree, document: TextDocument, offset: number): CompletionItem[] {
  const text = document.getText();
  const lineStart = offset - document.positionAt(offset).character;
  const match = /^([ \t]*)([A-Za-z_]\w*)$/.exec(text.slice(lineStart, offset));
  if (!match) {
    return [];
  }
  const [, indent, word] = match;
  const lower = word.toLowerCase();
  if (!SNIPPET_COMPLETION_PREFIX.startsWith(lower) && !lower.startsWith(SNIPPET_COMPLETION_PREFIX)) {
    return [];
  }
  const nodeType = tree.rootNode.descendantForIndex(Math.max(0, offset - 1))?.type ?? '';
  if (/string|comment/.test(nodeType)) {
    return [];
  }
  const wordStart = offset - word.length;
  const withoutWord = text.slice(0, wordStart) + text.slice(offset);
  const layout = analyseLayout(text);
  return listSnippets().map((snippet, index) =>
    completionItem(snippet, index, document, withoutWord, { start: wordStart, end: offset }, indent, layout.eol, layout.indentUnit),
  );
}

function completionItem(
  snippet: SnippetTemplate,
  index: number,
  document: TextDocument,
  withoutWord: string,
  word: { readonly start: number; readonly end: number },
  indent: string,
  eol: string,
  indentUnit: string,
): CompletionItem {
  const label = `${SNIPPET_COMPLETION_PREFIX}_${snippet.id.replace(/-/g, '_')}`;
  const plan = planCodeInsertion(withoutWord, { imports: snippet.imports, setup: '' });
  // Imports planned above the word can go there; otherwise they come with the setup at the cursor.
  const importsAbove = plan.edits.every((edit) => edit.offset < word.start);
  const additionalTextEdits: TextEdit[] = importsAbove
    ? plan.edits.map((edit) => ({
        range: { start: document.positionAt(edit.offset), end: document.positionAt(edit.offset) },
        newText: edit.newText,
      }))
    : [];
  const setup = reindent(snippet.setup, indentUnit);
  const body = importsAbove || plan.addedImports.length === 0 ? setup : `${plan.addedImports.join('\n')}\n\n${setup}`;
  // The catalogue's English title and description are the keys (test/unit/core/localization.test.ts checks each has its Korean).
  const title = l10n.t(snippet.title);
  const newText = body
    .replace(/\n/g, `\n${indent}`)
    .replace(new RegExp(`\\n${indent}(?=\\n)`, 'g'), '\n')
    .replace(/\n/g, eol);
  return {
    label,
    labelDetails: { description: title },
    kind: CompletionItemKind.Snippet,
    detail: title,
    documentation: {
      kind: MarkupKind.Markdown,
      value: `${l10n.t(snippet.description)}\n\npip install ${snippet.packages.join(' ')}\n\n\`\`\`python\n${snippet.imports.join('\n')}\n\n${snippet.setup}\n\`\`\``,
    },
    filterText: label,
    // Catalogue order (the distro first, retired OpenCensus last), not the alphabetical order of the labels.
    sortText: `${String(index).padStart(3, '0')}_${label}`,
    ...(snippet.sdk === 'opencensus' ? { tags: [CompletionItemTag.Deprecated] } : {}),
    insertTextFormat: InsertTextFormat.PlainText,
    textEdit: { range: { start: document.positionAt(word.start), end: document.positionAt(word.end) }, newText },
    additionalTextEdits,
  };
}
