/**
 * A small, forgiving scanner that splits Python source into statements (logical lines), enough to
 * find imports, the module docstring and top-level statements without a full parser. It knows
 * strings (including triple-quoted and prefixed ones), comments, brackets, backslash continuations
 * and `;`. It never throws: unterminated strings or brackets simply run to the end of the file.
 *
 * Plain Node: never import `vscode` here.
 */

export interface PythonStatement {
  /** Offset of the first character of the statement (after indentation). */
  readonly start: number;
  /** Offset just after the statement's last code character (comments after it are excluded). */
  readonly end: number;
  /** 0-based line of `start`. */
  readonly startLine: number;
  /** 0-based line of the last code character. */
  readonly endLine: number;
  /** Leading whitespace of the physical line the statement starts on. */
  readonly indent: string;
  /** The statement's source text, comments removed, physical line breaks kept. */
  readonly code: string;
  /** True when the statement starts at column 0 of its line, or follows a top-level `;`. */
  readonly topLevel: boolean;
}

/** Offsets at which every line starts, so offset ↔ line conversions are cheap. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      starts.push(i + 1);
    } else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

export function lineOfOffset(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

const STRING_PREFIX = /^[rRbBuUfF]{0,2}$/;

/** Splits `text` into statements in source order. */
export function scanStatements(text: string): PythonStatement[] {
  const starts = lineStarts(text);
  const statements: PythonStatement[] = [];
  let depth = 0;
  let codeStart = -1; // offset where the current statement's code starts
  let codeEnd = -1; // offset after the last code character seen
  let codeParts: string[] = [];
  let segmentStart = -1; // start of the current run of code to copy into codeParts
  let topLevel = false;

  const flushSegment = (upTo: number): void => {
    if (segmentStart >= 0 && upTo > segmentStart) {
      codeParts.push(text.slice(segmentStart, upTo));
    }
    segmentStart = -1;
  };
  const finish = (): void => {
    if (codeStart >= 0) {
      flushSegment(codeEnd);
      const startLine = lineOfOffset(starts, codeStart);
      const lineStart = starts[startLine];
      const indent = /^[ \t\f]*/.exec(text.slice(lineStart, codeStart))?.[0] ?? '';
      statements.push({
        start: codeStart,
        end: codeEnd,
        startLine,
        endLine: lineOfOffset(starts, Math.max(codeStart, codeEnd - 1)),
        indent,
        code: codeParts.join('').replace(/[ \t]+$/gm, ''),
        topLevel,
      });
    }
    codeStart = -1;
    codeEnd = -1;
    codeParts = [];
    segmentStart = -1;
    depth = 0;
  };
  const beginCode = (at: number): void => {
    if (codeStart < 0) {
      codeStart = at;
      const lineStart = starts[lineOfOffset(starts, at)];
      const before = text.slice(lineStart, at);
      // Column 0, or after a `;` that itself was on a top-level line.
      topLevel = before === '' || (statements.length > 0 && /;\s*$/.test(before) && isTopLevelLine(text, lineStart));
    }
    if (segmentStart < 0) {
      segmentStart = at;
    }
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      flushSegment(i);
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') {
        i++;
      }
      continue;
    }
    if (c === '\n' || c === '\r') {
      const eolLength = c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (depth > 0 && codeStart >= 0) {
        // Inside brackets the line break is part of the statement.
        if (segmentStart < 0) {
          segmentStart = i;
        }
        codeEnd = Math.max(codeEnd, i);
      } else {
        finish();
      }
      i += eolLength;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      // Explicit line continuation.
      const eolLength = text[i + 1] === '\r' && text[i + 2] === '\n' ? 2 : 1;
      flushSegment(i);
      codeParts.push(' ');
      i += 1 + eolLength;
      continue;
    }
    if (c === ';' && depth === 0) {
      finish();
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f') {
      if (codeStart >= 0 && segmentStart < 0) {
        segmentStart = i;
      }
      i++;
      continue;
    }
    beginCode(i);
    if (c === '"' || c === "'") {
      i = skipString(text, i);
      codeEnd = i;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if ((c === ')' || c === ']' || c === '}') && depth > 0) {
      depth--;
    }
    i++;
    codeEnd = i;
  }
  finish();
  return statements;
}

function isTopLevelLine(text: string, lineStart: number): boolean {
  const c = text[lineStart];
  return c !== ' ' && c !== '\t' && c !== '\f';
}

/** Returns the offset just after the string literal whose opening quote is at `quoteAt`. */
function skipString(text: string, quoteAt: number): number {
  const quote = text[quoteAt];
  const triple = text.startsWith(quote.repeat(3), quoteAt);
  const delimiter = triple ? quote.repeat(3) : quote;
  let i = quoteAt + delimiter.length;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (!triple && (c === '\n' || c === '\r')) {
      return i; // unterminated single-line string: stop at the line end
    }
    if (text.startsWith(delimiter, i)) {
      return i + delimiter.length;
    }
    i++;
  }
  return text.length;
}

/** True when the statement is only a string literal (a docstring candidate). */
export function isStringStatement(statement: PythonStatement): boolean {
  const match = /^([A-Za-z]{0,2})(['"])/.exec(statement.code);
  if (!match || !STRING_PREFIX.test(match[1])) {
    return false;
  }
  const end = skipString(statement.code, match[1].length);
  return statement.code.slice(end).trim() === '';
}

/** Removes whitespace outside string literals, so `a = f( x )` and `a=f(x)` compare equal. */
export function compactCode(code: string): string {
  let result = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === '"' || c === "'") {
      const end = skipString(code, i);
      result += code.slice(i, end);
      i = end;
      continue;
    }
    if (!/\s/.test(c)) {
      result += c;
    }
    i++;
  }
  return result;
}
