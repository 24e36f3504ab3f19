/**
 * Open Python documents, each with its syntax tree and its per-statement diagnostics. Incremental
 * changes edit the previous tree (`tree.edit`) and the statement table; the whole file is reparsed
 * (incrementally) only when something asks for the tree, and diagnostics parse only the edited
 * statements when that is safe (`analysis/statementTable.ts`).
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Point, Tree } from 'web-tree-sitter';
import { Diagnosis, pointAt, StatementTable } from './analysis/statementTable';
import type { DiagnosticsSettings } from '../shared/serverProtocol';
import type { PythonParser } from './python/pythonParser';

export class PythonDocument {
  private current: Tree | undefined;
  /** `current` was edited (offsets moved) but not reparsed. */
  private edited = false;
  private readonly statements = new StatementTable();

  constructor(
    readonly document: TextDocument,
    private readonly parser: PythonParser,
  ) {}

  /** The whole file's tree for the current text (parsed now if edits are pending). */
  get tree(): Tree {
    if (!this.current || this.edited) {
      const next = this.parser.parse(this.document.getText(), this.edited ? this.current : undefined);
      this.current?.delete();
      this.current = next;
      this.edited = false;
    }
    return this.current;
  }

  /** Diagnostics findings (no fixes) for the current text; see StatementTable. */
  diagnose(settings: DiagnosticsSettings): Diagnosis {
    return this.statements.diagnose(this.document.getText(), settings, this.parser, () => this.tree);
  }

  applyChanges(version: number, changes: readonly TextDocumentContentChangeEvent[]): void {
    const { document } = this;
    for (const change of changes) {
      if ('range' in change && change.range) {
        const before = document.getText();
        const startIndex = document.offsetAt(change.range.start);
        const oldEndIndex = document.offsetAt(change.range.end);
        const newEndIndex = startIndex + change.text.length;
        TextDocument.update(document, [change], version);
        this.statements.edit(startIndex, oldEndIndex, newEndIndex);
        if (this.current) {
          const startPosition = pointAt(before, startIndex);
          this.current.edit({
            startIndex,
            oldEndIndex,
            newEndIndex,
            startPosition,
            oldEndPosition: pointAt(before, oldEndIndex),
            newEndPosition: advance(startPosition, change.text),
          });
          this.edited = true;
        }
      } else {
        TextDocument.update(document, [change], version);
        this.statements.reset();
        this.current?.delete();
        this.current = undefined;
        this.edited = false;
      }
    }
  }

  dispose(): void {
    this.current?.delete();
    this.current = undefined;
  }
}

export class PythonDocumentStore {
  private readonly entries = new Map<string, PythonDocument>();

  constructor(private readonly parser: PythonParser) {}

  open(uri: string, languageId: string, version: number, text: string): PythonDocument {
    this.close(uri);
    const entry = new PythonDocument(TextDocument.create(uri, languageId, version, text), this.parser);
    this.entries.set(uri, entry);
    return entry;
  }

  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): PythonDocument | undefined {
    const entry = this.entries.get(uri);
    entry?.applyChanges(version, changes);
    return entry;
  }

  get(uri: string): PythonDocument | undefined {
    return this.entries.get(uri);
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  close(uri: string): void {
    this.entries.get(uri)?.dispose();
    this.entries.delete(uri);
  }
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
