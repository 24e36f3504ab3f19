/**
 * Where things are in a Python file, from the point of view of someone inserting code: the header
 * (shebang, encoding line, module docstring, `from __future__` imports), the leading import block,
 * the last top-level import, and the file's line-ending and indentation style.
 *
 * Plain Node: never import `vscode` here.
 */
import { parseImport } from './pythonImports';
import { isStringStatement, lineStarts, PythonStatement, scanStatements } from './pythonStatements';

export interface SourceLayout {
  readonly text: string;
  readonly lineStarts: readonly number[];
  readonly statements: readonly PythonStatement[];
  readonly topLevel: readonly PythonStatement[];
  /** `\r\n` when the file mostly uses it, else `\n`. */
  readonly eol: string;
  /** One level of indentation: a tab, or N spaces (4 when the file does not say). */
  readonly indentUnit: string;
  /** Last line of the header, or -1 when there is none. */
  readonly headerEndLine: number;
  /** Last line of the import block that follows the header, if there is one. */
  readonly leadingImportsEndLine?: number;
  /** Last line of the last top-level import anywhere in the file. */
  readonly lastImportEndLine?: number;
}

const ENCODING_LINE = /^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+/;

export function analyseLayout(text: string): SourceLayout {
  const starts = lineStarts(text);
  const statements = scanStatements(text);
  const topLevel = statements.filter((s) => s.topLevel);
  const line = (index: number): string => lineText(text, starts, index);

  let headerEndLine = -1;
  if (starts.length > 0 && line(0).startsWith('#!')) {
    headerEndLine = 0;
  }
  for (const index of [0, 1]) {
    if (index < starts.length && ENCODING_LINE.test(line(index))) {
      headerEndLine = index;
    }
  }

  let next = 0;
  let sawDocstringOrFuture = false;
  if (topLevel.length > 0 && isStringStatement(topLevel[0])) {
    headerEndLine = topLevel[0].endLine;
    next = 1;
    sawDocstringOrFuture = true;
  }
  while (next < topLevel.length && /^from\s+__future__\s+import\b/.test(topLevel[next].code)) {
    headerEndLine = topLevel[next].endLine;
    next++;
    sawDocstringOrFuture = true;
  }
  if (!sawDocstringOrFuture) {
    // A comment block at the very top (a licence, say) separated from the code by a blank line.
    let k = headerEndLine + 1;
    while (k < starts.length && /^[ \t]*#/.test(line(k))) {
      k++;
    }
    if (k > headerEndLine + 1 && (k >= starts.length || line(k).trim() === '')) {
      headerEndLine = k - 1;
    }
  }

  let leadingImportsEndLine: number | undefined;
  for (; next < topLevel.length && parseImport(topLevel[next].code); next++) {
    leadingImportsEndLine = topLevel[next].endLine;
  }
  let lastImportEndLine: number | undefined;
  for (const statement of topLevel) {
    if (parseImport(statement.code) && !/^from\s+__future__\b/.test(statement.code)) {
      lastImportEndLine = statement.endLine;
    }
  }

  return {
    text,
    lineStarts: starts,
    statements,
    topLevel,
    eol: detectEol(text),
    indentUnit: detectIndentUnit(statements),
    headerEndLine,
    leadingImportsEndLine,
    lastImportEndLine,
  };
}

export function lineText(text: string, starts: readonly number[], index: number): string {
  const start = starts[index];
  const end = index + 1 < starts.length ? starts[index + 1] : text.length;
  return text.slice(start, end).replace(/\r?\n$|\r$/, '');
}

export function detectEol(text: string): string {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/** The indentation of the first indented statement: a tab, or its run of spaces. */
function detectIndentUnit(statements: readonly PythonStatement[]): string {
  for (const statement of statements) {
    if (statement.indent.startsWith('\t')) {
      return '\t';
    }
    if (statement.indent.length > 0 && /^ +$/.test(statement.indent)) {
      return statement.indent;
    }
  }
  return '    ';
}
