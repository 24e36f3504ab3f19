/**
 * Text edits described both by offsets (for plain string work) and by line/character (for an
 * editor or LSP). Characters are UTF-16 code units, like JavaScript strings, VS Code and LSP.
 *
 * Plain Node: never import `vscode` here.
 */
import { lineOfOffset, lineStarts } from './pythonStatements';

export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

export interface PlannedTextEdit {
  readonly offset: number;
  /** Characters replaced; 0 for a pure insertion. */
  readonly length: number;
  readonly range: { readonly start: TextPosition; readonly end: TextPosition };
  readonly newText: string;
}

export function positionAt(starts: readonly number[], offset: number): TextPosition {
  const line = lineOfOffset(starts, offset);
  return { line, character: offset - starts[line] };
}

export function makeEdit(starts: readonly number[], offset: number, length: number, newText: string): PlannedTextEdit {
  return {
    offset,
    length,
    range: { start: positionAt(starts, offset), end: positionAt(starts, offset + length) },
    newText,
  };
}

/** Applies non-overlapping edits (in any order); edits at the same offset keep their given order. */
export function applyTextEdits(text: string, edits: readonly { offset: number; length: number; newText: string }[]): string {
  const ordered = edits.map((edit, index) => ({ edit, index })).sort((a, b) => a.edit.offset - b.edit.offset || a.index - b.index);
  let result = '';
  let cursor = 0;
  for (const { edit } of ordered) {
    if (edit.offset < cursor) {
      throw new Error(`Overlapping edits at offset ${edit.offset}.`);
    }
    result += text.slice(cursor, edit.offset) + edit.newText;
    cursor = edit.offset + edit.length;
  }
  return result + text.slice(cursor);
}

/** Converts a line/character position to an offset (clamped to the text). */
export function offsetAt(text: string, position: TextPosition): number {
  const starts = lineStarts(text);
  if (position.line >= starts.length) {
    return text.length;
  }
  const lineStart = starts[position.line];
  const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] : text.length;
  return Math.min(lineStart + position.character, lineEnd);
}
