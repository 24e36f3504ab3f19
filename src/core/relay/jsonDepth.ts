/**
 * How deeply JSON text nests, measured on the text before anything is parsed or serialised:
 * `JSON.parse` takes a 10,000-deep value, but `JSON.stringify` (forwarding, the panel) overflows
 * the stack on it later, after the app was told 200 (issue 12 item 4). Strings are skipped with
 * `indexOf`, so large values cost almost nothing; structure is read one character at a time.
 * Pure. Plain Node: never import `vscode` here.
 */

/** One item of a top-level JSON array: its text is `text.slice(start, end)`. */
export interface ItemSpan {
  readonly start: number;
  readonly end: number;
  /** Nesting of the item itself: an object of strings is 1, `{"a":{"b":[]}}` is 3. */
  readonly depth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** Index just past the string that opens at `quote`, or -1 when it never closes. */
function skipString(text: string, quote: number): number {
  let from = quote + 1;
  for (;;) {
    const close = text.indexOf('"', from);
    if (close < 0) return -1;
    let backslashes = 0;
    for (let index = close - 1; text.charCodeAt(index) === BACKSLASH; index--) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    from = close + 1;
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Deepest nesting of `[`/`{` in `text[start, end)`, brackets inside strings ignored (0 for a scalar). */
export function nestingDepth(text: string, start = 0, end = text.length): number {
  let depth = 0;
  let deepest = 0;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      const after = skipString(text, index);
      if (after < 0) return deepest;
      index = after - 1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > deepest) deepest = depth;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/**
 * The items of the JSON array that opens at `open`, with their depth, or undefined when the text
 * is not shaped like one array (the caller's `JSON.parse` then says what is wrong).
 */
export function arrayItemSpans(text: string, open: number): ItemSpan[] | undefined {
  const spans: ItemSpan[] = [];
  let depth = 1;
  let itemStart = -1;
  let itemDepth = 0;
  for (let index = open + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      if (itemStart < 0) itemStart = index;
      const after = skipString(text, index);
      if (after < 0) return undefined;
      index = after - 1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (itemStart < 0) itemStart = index;
      depth++;
      if (depth - 1 > itemDepth) itemDepth = depth - 1;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) {
        if (itemStart >= 0) spans.push({ start: itemStart, end: index, depth: itemDepth });
        for (let rest = index + 1; rest < text.length; rest++) {
          if (!isSpace(text.charCodeAt(rest))) return undefined;
        }
        return spans;
      }
    } else if (code === COMMA && depth === 1) {
      if (itemStart < 0) return undefined;
      spans.push({ start: itemStart, end: index, depth: itemDepth });
      itemStart = -1;
      itemDepth = 0;
    } else if (itemStart < 0 && depth === 1 && !isSpace(code)) {
      itemStart = index;
    }
  }
  return undefined;
}
