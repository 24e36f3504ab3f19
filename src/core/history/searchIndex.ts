/**
 * The history's search index: per block of items, a Bloom filter of word beginnings, so a search
 * over a million items opens only the blocks that can hold every word of the query. A word is a
 * run of letters and digits (ASCII, and any non-ASCII character) in the lowercased JSON of an
 * envelope; the filter holds each word's first 3, 4, 6, 8, 12, 16 and 32 characters, which is enough to
 * answer "does a word start with this text" for any query word (a false "maybe" only costs opening
 * a block; a "no" is always right). Search therefore matches text at the start of a word, like
 * KQL's `has_prefix`: "Conn" finds "ConnectionError", "Error" alone does not.
 * Plain Node: never import `vscode` here.
 */

/** The prefix lengths indexed, ascending. */
const PREFIX_LENGTHS = [3, 4, 6, 8, 12, 16, 32] as const;
/** PREFIX_LENGTHS as a lookup by length. */
const IS_PREFIX_LENGTH = PREFIX_LENGTHS.reduce((table, length) => ((table[length] = 1), table), new Uint8Array(33));
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

/**
 * The keys a block must hold to contain a word starting with `word` (lowercased): its prefixes at
 * every indexed length up to its own. Each alone is a necessary condition; asking for all of them
 * multiplies the filter's false "maybe"s away (about 2% for one key, far less for several).
 */
export function queryKeys(word: string): string[] {
  const keys: string[] = [];
  for (const length of PREFIX_LENGTHS) {
    if (word.length < length) break;
    keys.push(word.slice(0, length));
  }
  return keys;
}

/**
 * The Bloom filter of every word beginning in `text` (lowercased), as bytes (stored next to the
 * block). One pass over the characters: each word's hashes are built character by character and
 * taken at the indexed lengths, with no substrings; duplicates are dropped in a scratch hash
 * table first, so the filter is sized by the distinct keys (about 10 bits each).
 */
export function textFilter(text: string): Buffer {
  const seen = new HashSet();
  let length = -1; // -1: not in a word
  let a = 0;
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c /* \ */) {
      length = -1;
      i++; // the escaped character
      if (text.charCodeAt(i) === 0x75 /* u */) i += 4; // \uXXXX
      continue;
    }
    if (!isWordChar(code)) {
      length = -1;
      continue;
    }
    if (length < 0) {
      length = 0;
      a = HASH_A_SEED;
      b = HASH_B_SEED;
    }
    // int32 arithmetic throughout (>>> 0 only when a key is taken): uint32s past 2^31 would be boxed.
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
    length++;
    if (length <= 32 && IS_PREFIX_LENGTH[length] === 1) seen.add(a >>> 0, (b | 1) >>> 0);
  }
  const bytes = Math.max(MIN_FILTER_BYTES, Math.ceil((seen.size * BITS_PER_KEY) / 8));
  const filter = Buffer.alloc(bytes);
  const bits = bytes * 8;
  seen.forEach((hashA, hashB) => {
    for (let k = 0; k < HASHES; k++) {
      const bit = (hashA + k * hashB) % bits;
      filter[bit >>> 3] |= 1 << (bit & 7);
    }
  });
  return filter;
}

/** Distinct (a, b) hash pairs in open addressing over typed arrays (a = 0 marks an empty slot). */
class HashSet {
  private a = new Uint32Array(4096);
  private b = new Uint32Array(4096);
  private mask = 4095;
  size = 0;

  add(hashA: number, hashB: number): void {
    const keyA = hashA === 0 ? 1 : hashA;
    let slot = (keyA ^ (keyA >>> 16)) & this.mask;
    for (;;) {
      const held = this.a[slot];
      if (held === 0) {
        this.a[slot] = keyA;
        this.b[slot] = hashB;
        if (++this.size * 2 > this.a.length) this.grow();
        return;
      }
      if (held === keyA && this.b[slot] === hashB) return;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldA = this.a;
    const oldB = this.b;
    this.a = new Uint32Array(oldA.length * 2);
    this.b = new Uint32Array(oldA.length * 2);
    this.mask = this.a.length - 1;
    this.size = 0;
    for (let slot = 0; slot < oldA.length; slot++) if (oldA[slot] !== 0) this.add(oldA[slot], oldB[slot]);
  }

  forEach(visit: (hashA: number, hashB: number) => void): void {
    for (let slot = 0; slot < this.a.length; slot++) if (this.a[slot] !== 0) visit(this.a[slot], this.b[slot]);
  }
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

const HASH_A_SEED = 0x811c9dc5 | 0;
const HASH_B_SEED = 0x01000193;

/** Two independent 32-bit FNV-1a style hashes (double hashing gives the k positions); textFilter computes the same ones incrementally. */
function hashes(key: string): [number, number] {
  let a = HASH_A_SEED;
  let b = HASH_B_SEED;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x5bd1e995) >>> 0;
    b ^= b >>> 15;
  }
  return [a === 0 ? 1 : a, (b | 1) >>> 0];
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
  const terms = query
    .slice(0, MAX_QUERY_CHARS)
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term.length > 0)
    .slice(0, MAX_QUERY_TERMS);
  const keys = new Set<string>();
  for (const term of terms) {
    forEachWord(term, (word) => {
      for (const key of queryKeys(word)) keys.add(key);
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
