/**
 * Open Python documents, each with its syntax tree. Incremental changes edit the previous tree
 * (`tree.edit`) so tree-sitter reparses only what changed.
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Point, Tree } from 'web-tree-sitter';
import type { PythonParser } from './python/pythonParser';

export interface PythonDocument {
  readonly document: TextDocument;
  readonly tree: Tree;
}

export class PythonDocumentStore {
  private readonly entries = new Map<string, PythonDocument>();

  constructor(private readonly parser: PythonParser) {}

  open(uri: string, languageId: string, version: number, text: string): PythonDocument {
    this.close(uri);
    const entry = { document: TextDocument.create(uri, languageId, version, text), tree: this.parser.parse(text) };
    this.entries.set(uri, entry);
    return entry;
  }

  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): PythonDocument | undefined {
    const entry = this.entries.get(uri);
    if (!entry) {
      return undefined;
    }
    const { document } = entry;
    const oldTree = entry.tree;
    let incremental = true;
    for (const change of changes) {
      if ('range' in change && change.range) {
        const before = document.getText();
        const startIndex = document.offsetAt(change.range.start);
        const oldEndIndex = document.offsetAt(change.range.end);
        const startPosition = pointAt(before, startIndex);
        const oldEndPosition = pointAt(before, oldEndIndex);
        TextDocument.update(document, [change], version);
        oldTree.edit({
          startIndex,
          oldEndIndex,
          newEndIndex: startIndex + change.text.length,
          startPosition,
          oldEndPosition,
          newEndPosition: advance(startPosition, change.text),
        });
      } else {
        TextDocument.update(document, [change], version);
        incremental = false;
      }
    }
    const tree = this.parser.parse(document.getText(), incremental ? oldTree : undefined);
    oldTree.delete();
    const updated = { document, tree };
    this.entries.set(uri, updated);
    return updated;
  }

  get(uri: string): PythonDocument | undefined {
    return this.entries.get(uri);
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  close(uri: string): void {
    this.entries.get(uri)?.tree.delete();
    this.entries.delete(uri);
  }
}

/** tree-sitter rows count `\n` only; columns are UTF-16 code units in web-tree-sitter, like offsets. */
function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

function advance(start: Point, inserted: string): Point {
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak < 0) {
    return { row: start.row, column: start.column + inserted.length };
  }
  let breaks = 0;
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) {
    breaks++;
  }
  return { row: start.row + breaks, column: inserted.length - lastBreak - 1 };
}
