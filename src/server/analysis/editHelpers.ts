/**
 * Edits that fixes share: removing an argument with its comma, removing or moving whole
 * statements with their lines, adding an import the fix needs.
 */
import type { Node } from 'web-tree-sitter';
import { planCodeInsertion } from '../../core/snippets';
export { detectEol } from '../../core/snippets/sourceLayout';
import type { OffsetEdit } from './findings';

const OPENING_BRACKETS = new Set(['(', '[', '{']);
const CLOSING_BRACKETS = new Set([')', ']', '}']);

/** Removes `arg` from its argument list (or list/tuple/set literal), with the comma and spacing that belong to it. */
export function removeArgument(arg: Node): OffsetEdit {
  const list = arg.parent;
  if (!list) {
    return { offset: arg.startIndex, length: arg.endIndex - arg.startIndex, newText: '' };
  }
  const siblings = list.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
  const index = siblings.findIndex((n) => n.startIndex === arg.startIndex && n.endIndex === arg.endIndex);
  const previous = index > 0 ? siblings[index - 1] : undefined;
  const next = index >= 0 && index + 1 < siblings.length ? siblings[index + 1] : undefined;
  const comma = arg.nextSibling?.type === ',' ? arg.nextSibling : undefined;
  const open = list.firstChild;
  const close = list.lastChild;
  let start: number;
  let end: number;
  if (next) {
    [start, end] = [arg.startIndex, next.startIndex];
  } else if (previous) {
    // Last argument: take the comma before it (and keep a trailing comma's layout if there was one).
    const previousComma = previous.nextSibling?.type === ',' ? previous.nextSibling : undefined;
    [start, end] = comma && previousComma ? [previousComma.endIndex, comma.endIndex] : [previous.endIndex, arg.endIndex];
  } else {
    const opens = open !== null && OPENING_BRACKETS.has(open.type);
    const closes = close !== null && CLOSING_BRACKETS.has(close.type);
    [start, end] = [opens && open ? open.endIndex : arg.startIndex, closes && close ? close.startIndex : arg.endIndex];
  }
  return { offset: start, length: end - start, newText: '' };
}

export function lineStartOffset(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
}

/** Offset just after the line break ending the line that contains `offset` (or the text length). */
export function nextLineOffset(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  const carriage = text.indexOf('\r', offset);
  if (newline < 0 && carriage < 0) {
    return text.length;
  }
  if (carriage >= 0 && (newline < 0 || carriage < newline)) {
    return text[carriage + 1] === '\n' ? carriage + 2 : carriage + 1;
  }
  return newline + 1;
}

/** The range of a statement's whole lines when it stands alone on them; else its own range. */
export function statementLines(text: string, statement: Node): { start: number; end: number; indent: string; wholeLines: boolean } {
  const lineStart = lineStartOffset(text, statement.startIndex);
  const before = text.slice(lineStart, statement.startIndex);
  const lineEnd = nextLineOffset(text, statement.endIndex);
  const after = text.slice(statement.endIndex, lineEnd).replace(/[\r\n]+$/, '');
  if (/^[ \t]*$/.test(before) && /^[ \t]*(#.*)?$/.test(after)) {
    return { start: lineStart, end: lineEnd, indent: before, wholeLines: true };
  }
  return { start: statement.startIndex, end: statement.endIndex, indent: '', wholeLines: false };
}

export function deleteStatement(text: string, statement: Node): OffsetEdit {
  const { start, end } = statementLines(text, statement);
  return { offset: start, length: end - start, newText: '' };
}

/** Edits adding `importLine` at the top when the file does not already import it. */
export function ensureImport(text: string, importLine: string): OffsetEdit[] {
  return planCodeInsertion(text, { imports: [importLine], setup: '' }).edits.map(({ offset, length, newText }) => ({
    offset,
    length,
    newText,
  }));
}
