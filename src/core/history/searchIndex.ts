/**
 * The history's search index: per block of items, a Bloom filter of word beginnings, so a search
 * over a million items opens only the blocks that can hold every word of the query. A word is a
 * run of letters and digits (ASCII, and any non-ASCII character) in the lowercased JSON of an
 * envelope; the filter holds each word's first 3, 4, 6, 8 and 12 characters, which is enough to
 * answer "does a word start with this text" for any query word (a false "maybe" only costs opening
 * a block; a "no" is always right). Search therefore matches text at the start of a word, like
 * KQL's `has_prefix`: "Conn" finds "ConnectionError", "Error" alone does not.
 * Plain Node: never import `vscode` here.
 */

/** The prefix lengths indexed, ascending. */
const PREFIX_LENGTHS = [3, 4, 6, 8, 12] as const;
const BITS_PER_KEY = 10;
const HASHES = 4;
const MIN_FILTER_BYTES = 64;

/** True for characters that belong to a word (ASCII letters/digits, underscore, anything non-ASCII). */
export function isWordChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code > 0x7f;
}

/**
 * Calls `onWord` with each word of `text` (already lowercased). A JSON escape (`\n`, `\"`) ends a
 * word and is not part of the next, so "line\nnext" gives "line" and "next".
 */
export function forEachWord(text: string, onWord: (word: string) => void): void {
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c /* \ */) {
      if (start >= 0) onWord(text.slice(start, i));
      start = -1;
      i++; // the escaped character
      if (text.charCodeAt(i) === 0x75 /* u */) i += 4; // \uXXXX
      continue;
    }
    if (isWordChar(code)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      onWord(text.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) onWord(text.slice(start));
}

/** The filter keys of every word of `text` (lowercased), each once. */
export function indexKeys(text: string): Set<string> {
  const keys = new Set<string>();
  forEachWord(text, (word) => {
    for (const length of PREFIX_LENGTHS) {
      if (word.length < length) break;
      keys.add(word.slice(0, length));
    }
  });
  return keys;
}

/**
 * The one key a block must hold to contain a word starting with `word` (lowercased), or
 * undefined when the word is too short to narrow anything down.
 */
export function queryKey(word: string): string | undefined {
  let key: string | undefined;
  for (const length of PREFIX_LENGTHS) {
    if (word.length < length) break;
    key = word.slice(0, length);
  }
  return key;
}

/** A Bloom filter over `keys`, as bytes (stored next to the block). */
export function buildFilter(keys: Iterable<string>, count: number): Buffer {
  const bytes = Math.max(MIN_FILTER_BYTES, Math.ceil((count * BITS_PER_KEY) / 8));
  const filter = Buffer.alloc(bytes);
  const bits = bytes * 8;
  for (const key of keys) {
    const [a, b] = hashes(key);
    for (let i = 0; i < HASHES; i++) {
      const bit = (a + i * b) % bits;
      filter[bit >>> 3] |= 1 << (bit & 7);
    }
  }
  return filter;
}

/** False only when the filter surely does not hold `key`. */
export function mayContain(filter: Uint8Array, key: string): boolean {
  const bits = filter.length * 8;
  if (bits === 0) return true;
  const [a, b] = hashes(key);
  for (let i = 0; i < HASHES; i++) {
    const bit = (a + i * b) % bits;
    if ((filter[bit >>> 3] & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

/** Two independent 32-bit FNV-1a style hashes (double hashing gives the k positions). */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x5bd1e995) >>> 0;
    b ^= b >>> 15;
  }
  return [a >>> 0, (b | 1) >>> 0];
}

/** A parsed query: lowercased terms (split on spaces), each with the filter keys it needs. */
export interface ParsedQuery {
  readonly terms: readonly string[];
  readonly keys: readonly string[];
}

export const MAX_QUERY_CHARS = 1024;
export const MAX_QUERY_TERMS = 16;

/** Splits a typed query (untrusted: bounded in length and terms). */
export function parseQuery(query: string): ParsedQuery {
  const terms = query.slice(0, MAX_QUERY_CHARS).toLowerCase().split(/\s+/).filter((term) => term.length > 0).slice(0, MAX_QUERY_TERMS);
  const keys = new Set<string>();
  for (const term of terms) {
    forEachWord(term, (word) => {
      const key = queryKey(word);
      if (key !== undefined) keys.add(key);
    });
  }
  return { terms, keys: [...keys] };
}

/**
 * True when every term occurs in `line` (lowercased) at the start of a word (or, for a term that
 * starts with punctuation, anywhere) — the same rule the filter answers for.
 */
export function lineMatches(line: string, terms: readonly string[]): boolean {
  for (const term of terms) {
    if (!termAt(line, term)) return false;
  }
  return true;
}

function termAt(line: string, term: string): boolean {
  const wordStart = isWordChar(term.charCodeAt(0));
  let from = 0;
  for (;;) {
    const at = line.indexOf(term, from);
    if (at < 0) return false;
    if (!wordStart || at === 0 || !isWordChar(line.charCodeAt(at - 1)) || line.charCodeAt(at - 2) === 0x5c /* after \n, \t */) return true;
    from = at + 1;
  }
}
