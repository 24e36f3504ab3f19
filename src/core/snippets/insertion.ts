/**
 * Plans the insertion of a snippet into an existing Python file, as text edits:
 * - missing imports join the import block at the top (after the shebang/encoding lines, the module
 *   docstring and `from __future__` imports), never duplicating one already there;
 * - setup statements go after the last top-level import; a statement the file already has is not
 *   repeated, and the statements after it follow it (so `app = Flask(...)` is reused in place);
 * - planning again on the result gives no edits;
 * - the file's line endings and indentation unit are kept.
 *
 * Plain Node: never import `vscode` here.
 */
import { SNIPPETS } from './catalogue';
import { ImportIndex, missingImport } from './pythonImports';
import { compactCode, lineStarts, PythonStatement, scanStatements } from './pythonStatements';
import { analyseLayout, lineText, SourceLayout } from './sourceLayout';
import { makeEdit, PlannedTextEdit } from './textEdits';

export interface CodeToInsert {
  readonly imports: readonly string[];
  readonly setup: string;
  readonly placement?: 'after-imports' | 'end-of-file';
}

export interface InsertionPlan {
  /** Non-overlapping edits, in document order. Empty when the file already has everything. */
  readonly edits: readonly PlannedTextEdit[];
  /** Import lines that will be added (already reduced to the missing names). */
  readonly addedImports: readonly string[];
  /** Number of setup statements added (those already present are skipped). */
  readonly addedStatements: number;
}

export interface SnippetInsertionPlan extends InsertionPlan {
  /** pip packages the file needs once the snippet is in. */
  readonly packages: readonly string[];
}

export function planInsertion(sourceText: string, snippetId: string): SnippetInsertionPlan {
  const snippet = SNIPPETS.find((s) => s.id === snippetId);
  if (!snippet) {
    throw new Error(`Unknown snippet "${snippetId}".`);
  }
  const plan = planCodeInsertion(sourceText, { imports: snippet.imports, setup: snippet.setup, placement: snippet.placement });
  return { ...plan, packages: [...snippet.packages] };
}

/** One setup statement with the comment and blank lines written above it. */
interface SetupChunk {
  readonly text: string;
  readonly key: StatementKey;
}

interface StatementKey {
  readonly value: string;
  /** Calls of a plain function (`configure_azure_monitor()`) count wherever they are; others only at top level. */
  readonly anyLevel: boolean;
}

interface Piece {
  readonly body: string;
  readonly blankBefore: boolean;
  readonly blankAfter: boolean;
}

export function planCodeInsertion(sourceText: string, code: CodeToInsert): InsertionPlan {
  const layout = analyseLayout(sourceText);
  const index = ImportIndex.fromStatements(layout.topLevel);
  const addedImports: string[] = [];
  for (const required of code.imports) {
    const missing = missingImport(required, index);
    if (missing !== undefined && !addedImports.includes(missing)) {
      addedImports.push(missing);
    }
  }

  const importAt = layout.leadingImportsEndLine ?? layout.headerEndLine;
  const importsContinueBlock = layout.leadingImportsEndLine !== undefined;
  const setupAt = layout.lastImportEndLine ?? importAt;
  const piecesByLine = new Map<number, Piece[]>();
  const addPiece = (line: number, piece: Piece): void => {
    const pieces = piecesByLine.get(line) ?? [];
    pieces.push(piece);
    piecesByLine.set(line, pieces);
  };

  if (addedImports.length > 0) {
    addPiece(importAt, {
      body: addedImports.join('\n'),
      blankBefore: !importsContinueBlock && importAt >= 0,
      blankAfter: !importsContinueBlock,
    });
  }

  const groups = groupSetupChunks(layout, setupChunks(code.setup), code.placement === 'end-of-file' ? 'end' : setupAt);
  let addedStatements = 0;
  for (const group of groups) {
    addedStatements += group.chunks.length;
    const body = trimBlankLines(group.chunks.map((c) => c.text).join('\n'));
    if (group.line === 'end') {
      addPiece(lastLine(layout), { body, blankBefore: sourceText.trim() !== '', blankAfter: false });
    } else if (group.line === setupAt && !group.anchored) {
      addPiece(group.line, { body, blankBefore: setupAt >= 0 || addedImports.length > 0, blankAfter: true });
    } else {
      addPiece(group.line, { body, blankBefore: false, blankAfter: false });
    }
  }

  const edits = [...piecesByLine.entries()].sort((a, b) => a[0] - b[0]).map(([line, pieces]) => buildEdit(layout, line, pieces));
  return { edits, addedImports, addedStatements };
}

function buildEdit(layout: SourceLayout, line: number, pieces: readonly Piece[]): PlannedTextEdit {
  const { text, lineStarts: starts, eol } = layout;
  const offset = line < 0 ? 0 : line + 1 < starts.length ? starts[line + 1] : text.length;
  const atEndWithoutEol = offset === text.length && text.length > 0 && !/[\r\n]$/.test(text);
  const previousBlank = line < 0 || lineText(text, starts, line).trim() === '';
  const nextLine = line + 1;
  const nextBlank = nextLine >= starts.length || offset === text.length || lineText(text, starts, nextLine).trim() === '';

  let newText = atEndWithoutEol ? '\n' : '';
  pieces.forEach((piece, i) => {
    const blank = i === 0 ? piece.blankBefore && !previousBlank : piece.blankBefore;
    newText += (blank ? '\n' : '') + reindent(piece.body, layout.indentUnit) + '\n';
  });
  if (pieces[pieces.length - 1].blankAfter && !nextBlank) {
    newText += '\n';
  }
  return makeEdit(starts, offset, 0, newText.replace(/\n/g, eol));
}

/** The last line with content: the empty "line" after a final line break does not count. */
function lastLine(layout: SourceLayout): number {
  const { text, lineStarts: starts } = layout;
  return starts.length > 1 && starts[starts.length - 1] === text.length ? starts.length - 2 : starts.length - 1;
}

/** Snippet text uses 4 spaces per level; the file may use tabs or another width. */
export function reindent(body: string, unit: string): string {
  if (unit === '    ') {
    return body;
  }
  return body.replace(/^( +)/gm, (spaces: string) => unit.repeat(Math.floor(spaces.length / 4)) + ' '.repeat(spaces.length % 4));
}

function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, '').replace(/(?:\n[ \t]*)+$/, '');
}

function setupChunks(setup: string): SetupChunk[] {
  const normalised = setup.replace(/\r\n?/g, '\n');
  const starts = lineStarts(normalised);
  const chunks: SetupChunk[] = [];
  let fromLine = 0;
  const statements = scanStatements(normalised);
  for (const [index, statement] of statements.entries()) {
    if (!statement.topLevel) {
      continue;
    }
    // A compound statement (`def`, `with`) keeps its indented body: up to the next top-level statement.
    let endLine = statement.endLine;
    for (let next = index + 1; next < statements.length && !statements[next].topLevel; next++) {
      endLine = Math.max(endLine, statements[next].endLine);
    }
    const lines: string[] = [];
    for (let line = fromLine; line <= endLine; line++) {
      lines.push(lineText(normalised, starts, line));
    }
    chunks.push({ text: lines.join('\n'), key: statementKey(statement.code) });
    fromLine = endLine + 1;
  }
  return chunks;
}

interface ChunkGroup {
  readonly line: number | 'end';
  readonly anchored: boolean;
  readonly chunks: SetupChunk[];
}

/**
 * Skips chunks the file already has. The chunks after an existing statement are anchored after
 * it, so order-sensitive code (the middleware after `app = Flask(...)`) stays correct.
 */
function groupSetupChunks(layout: SourceLayout, chunks: readonly SetupChunk[], baseLine: number | 'end'): ChunkGroup[] {
  const existing = layout.statements.map((statement) => ({ statement, key: statementKey(statement.code) }));
  const find = (key: StatementKey): PythonStatement | undefined =>
    existing.find((e) => e.key.value === key.value && (e.statement.topLevel || key.anyLevel))?.statement;

  const groups: ChunkGroup[] = [];
  let current: ChunkGroup = { line: baseLine, anchored: false, chunks: [] };
  let anchorLine = baseLine === 'end' ? Number.POSITIVE_INFINITY : baseLine;
  for (const chunk of chunks) {
    const found = find(chunk.key);
    if (found) {
      if (found.topLevel && found.endLine > anchorLine) {
        anchorLine = found.endLine;
        if (current.chunks.length > 0) {
          groups.push(current);
        }
        current = { line: found.endLine, anchored: true, chunks: [] };
      }
      continue;
    }
    current.chunks.push(chunk);
  }
  if (current.chunks.length > 0) {
    groups.push(current);
  }
  return groups;
}

/**
 * What makes two statements "the same" for idempotence: an assignment from a call is identified by
 * its target and callee (`logger = logging.getLogger(...)`), a call by its callee and its first
 * argument when that is a string or a call (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", …)`,
 * `logger.addHandler(AzureLogHandler(…))`); anything else by its whitespace-free text.
 */
export function statementKey(code: string): StatementKey {
  const compact = compactCode(code);
  const assignment = /^([A-Za-z_][\w.]*)=([A-Za-z_][\w.]*)\(/.exec(compact);
  if (assignment) {
    return { value: `assign:${assignment[1]}=${assignment[2]}`, anyLevel: false };
  }
  const call = /^([A-Za-z_][\w.]*)\((?:("[^"]*"|'[^']*')|([A-Za-z_][\w.]*)\()?/.exec(compact);
  if (call && compact.endsWith(')')) {
    const [, callee, stringArgument, callArgument] = call;
    if (stringArgument !== undefined) {
      return { value: `call:${callee}(${stringArgument.replace(/'/g, '"')}`, anyLevel: false };
    }
    if (callArgument !== undefined) {
      return { value: `call:${callee}(${callArgument}(`, anyLevel: false };
    }
    if (!callee.includes('.')) {
      return { value: `call:${callee}`, anyLevel: true };
    }
  }
  return { value: `code:${compact}`, anyLevel: false };
}
