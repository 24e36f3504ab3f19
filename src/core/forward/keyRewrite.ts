/**
 * Instrumentation-key rewriting. The disk queue holds envelopes with the relay's local session key
 * only; the real key is put in at send time, so it never touches disk. Envelope names of the form
 * `Microsoft.ApplicationInsights.<key without dashes>.<Type>` carry the key too and are rewritten
 * the same way. Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';

/** `Microsoft.ApplicationInsights.<32 hex>.<Type>`: the key-bearing name form. */
const KEYED_NAME = /^(Microsoft\.ApplicationInsights\.)([0-9a-f]{32})(\..+)$/i;

/** Whether a name carries a key (any key) that {@link rewriteName} would replace. */
export function isKeyedName(name: unknown): boolean {
  return typeof name === 'string' && name.length >= 64 && KEYED_NAME.test(name);
}

export function compactKey(key: string): string {
  return key.replace(/-/g, '').toLowerCase();
}

/** The name with its embedded key replaced; names without a key are returned as they are. */
export function rewriteName(name: string, key: string): string {
  // Shorter than prefix + 32 hex + `.T` cannot carry a key: skip the regex (every item, every request).
  if (name.length < 64) return name;
  const match = KEYED_NAME.exec(name);
  return match ? `${match[1]}${compactKey(key)}${match[3]}` : name;
}

/**
 * The envelope as it may be written to disk: `iKey` and a keyed name carry the local key. Returns
 * the same object when nothing changes (the usual case: the receiver only accepts the local key),
 * never mutates the caller's object (the store keeps it).
 */
export function withKey(envelope: Envelope, key: string): Envelope {
  const name = typeof envelope.name === 'string' ? rewriteName(envelope.name, key) : envelope.name;
  if (envelope.iKey === key && name === envelope.name) {
    return envelope;
  }
  return { ...envelope, iKey: key, name };
}

/**
 * The NDJSON line written to disk: `iKey` and `name` first, so the sender can swap the key in with
 * one anchored match instead of parsing every item again (see {@link lineForService}).
 */
export function diskLine(envelope: Envelope, localKey: string): string {
  const name = envelope.name;
  const ordered: Record<string, unknown> = { iKey: localKey, name: typeof name === 'string' ? rewriteName(name, localKey) : name };
  // A for-in copy: about a third cheaper than rest/spread on the relay's hottest path.
  for (const key in envelope) {
    if (key !== 'iKey' && key !== 'name') ordered[key] = (envelope as unknown as Record<string, unknown>)[key];
  }
  return JSON.stringify(ordered);
}

/** `{"iKey":"…","name":"…",` at the start of a line written by {@link diskLine}. */
const LINE_HEAD = /^\{"iKey":"[^"\\]*","name":"((?:[^"\\]|\\.)*)"/;

/**
 * One queued NDJSON line turned into the JSON text sent to the service, carrying the real key.
 * Any key on disk is replaced (earlier sessions had other local keys), so a backlog replayed after a
 * restart is still sent under the real key. Lines in another layout are parsed and rewritten; a
 * damaged line throws.
 */
export function lineForService(line: string, realKey: string): string {
  const head = LINE_HEAD.exec(line);
  if (head) {
    return `{"iKey":"${realKey}","name":"${rewriteName(head[1], realKey)}"${line.slice(head[0].length)}`;
  }
  const envelope = JSON.parse(line) as Envelope;
  return JSON.stringify(withKey(envelope, realKey));
}

/**
 * The send-time rewrite of a whole queued segment (a JSON array of envelopes, usually the request
 * body as the app sent it) without parsing it into objects: each envelope's own `iKey` member gets
 * `toKey`, and its `name` member, when in the keyed form, the key without dashes. Nothing else
 * changes, byte for byte: user data that holds the local key or a connection string (an app that
 * logs its own) stays as it is, and the real key is never put into it. Member names and values are
 * compared as JSON strings, so escaped spellings (`"\u0069Key"`) are found too.
 *
 * A value of the same length is overwritten in place (the usual case: GUID for GUID), so pass a
 * buffer the caller owns. `replaced` counts the envelopes whose iKey was set; fewer than the
 * segment's items (or a text that is not an array of objects) tells the caller to parse instead.
 * `fromKey` is the key the segment was written with; every iKey is replaced, whatever it holds.
 *
 * `literal`: the segment holds exactly `items` envelopes and none has a keyed name (the intake knew
 * both when it wrote it). Then the swap first tries {@link swapLiteralKeys}, native searches
 * instead of a walk over every byte of structure; whatever it cannot prove, the walk does.
 */
export function rewriteKeys(
  text: Buffer,
  fromKey: string,
  toKey: string,
  literal?: { readonly items: number },
): { readonly body: Buffer; readonly replaced: number } {
  if (literal) {
    const replaced = swapLiteralKeys(text, fromKey, toKey, literal.items);
    if (replaced !== undefined) return { body: text, replaced };
  }
  try {
    return new KeySwap(text, toKey).run();
  } catch {
    return { body: text, replaced: 0 };
  }
}

const I_KEY_LETTERS = Buffer.from('iKey');
/** `\u` escapes of the letters of `iKey`: a member name spelled with one is not found by its bytes. */
const I_KEY_LETTER_ESCAPES = ['\\u0069', '\\u004b', '\\u004B', '\\u0065', '\\u0079'].map((escape) => Buffer.from(escape));

/**
 * The iKey swap by counting, for a segment of `items` envelopes (no keyed names), each of which has
 * an own `iKey` member (validated when it was accepted). When no letter of `iKey` is written as a
 * `\u` escape, every envelope's own member name shows as the bytes `iKey`; so when those bytes
 * occur exactly `items` times in the whole text, each occurrence is one envelope's own member name,
 * and nothing else (user data, nested members) holds them. Each must then be followed by
 * `":"<fromKey>"` (spaces allowed around the colon); the key is overwritten in place. Undefined
 * (nothing changed) when any of this does not hold: the caller walks the structure instead.
 */
export function swapLiteralKeys(text: Buffer, fromKey: string, toKey: string, items: number): number | undefined {
  const from = Buffer.from(JSON.stringify(fromKey), 'utf8');
  const to = Buffer.from(JSON.stringify(toKey), 'utf8');
  if (items <= 0 || from.length !== to.length) return undefined;
  for (const escape of I_KEY_LETTER_ESCAPES) if (text.indexOf(escape) >= 0) return undefined;
  const values: number[] = [];
  for (let at = text.indexOf(I_KEY_LETTERS); at >= 0; at = text.indexOf(I_KEY_LETTERS, at + I_KEY_LETTERS.length)) {
    if (values.length === items) return undefined; // more than one per envelope: some are user data
    if (text[at - 1] !== QUOTE || text[at + 4] !== QUOTE) return undefined;
    let value = skipSpace(text, at + 5);
    if (text[value] !== 0x3a /* : */) return undefined;
    value = skipSpace(text, value + 1);
    // Byte loops, not Buffer#compare/copy: 38 bytes, and a native call per item costs more than that.
    for (let index = 0; index < from.length; index++) if (text[value + index] !== from[index]) return undefined;
    values.push(value);
  }
  if (values.length !== items) return undefined;
  for (const value of values) for (let index = 0; index < to.length; index++) text[value + index] = to[index];
  return items;
}

function skipSpace(text: Buffer, at: number): number {
  while (at < text.length && (text[at] === 0x20 || text[at] === 0x0a || text[at] === 0x0d || text[at] === 0x09)) at++;
  return at;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const I_KEY = Buffer.from('"iKey"');
const NAME = Buffer.from('"name"');
/** A keyed name has at least 64 characters (see rewriteName), so its token at least 66 bytes. */
const MIN_KEYED_NAME_TOKEN = 66;

/** A one-pass scanner over the array: structure only, strings are skipped with indexOf. */
class KeySwap {
  private readonly pieces: Buffer[] = [];
  private copiedTo = 0;
  private replaced = 0;
  private readonly keyToken: Buffer;

  constructor(
    private readonly text: Buffer,
    private readonly toKey: string,
  ) {
    this.keyToken = Buffer.from(JSON.stringify(toKey), 'utf8');
  }

  run(): { body: Buffer; replaced: number } {
    const text = this.text;
    let at = this.space(0);
    if (text[at] !== 0x5b /* [ */) throw new Error('not an array');
    at = this.space(at + 1);
    if (text[at] === 0x5d /* ] */) return this.result();
    for (;;) {
      at = this.envelope(at);
      at = this.space(at);
      if (text[at] === 0x2c /* , */) {
        at = this.space(at + 1);
        continue;
      }
      if (text[at] === 0x5d) return this.result();
      throw new Error('not an array of objects');
    }
  }

  private result(): { body: Buffer; replaced: number } {
    if (this.pieces.length === 0) return { body: this.text, replaced: this.replaced };
    this.pieces.push(this.text.subarray(this.copiedTo));
    return { body: Buffer.concat(this.pieces), replaced: this.replaced };
  }

  /** One envelope `{…}` from `at`; returns the index after it. */
  private envelope(at: number): number {
    const text = this.text;
    if (text[at] !== 0x7b /* { */) throw new Error('not an object');
    at = this.space(at + 1);
    if (text[at] === 0x7d /* } */) return at + 1;
    let keyed = false;
    for (;;) {
      if (text[at] !== QUOTE) throw new Error('no member name');
      const nameEnd = this.stringEnd(at);
      const member = this.memberName(at, nameEnd);
      at = this.space(nameEnd);
      if (text[at] !== 0x3a /* : */) throw new Error('no colon');
      const valueStart = this.space(at + 1);
      const valueEnd = this.valueEnd(valueStart);
      if (text[valueStart] === QUOTE) {
        if (member === 'iKey') {
          this.replace(valueStart, valueEnd, this.keyToken);
          keyed = true;
        } else if (member === 'name' && valueEnd - valueStart >= MIN_KEYED_NAME_TOKEN) {
          const name = this.stringValue(valueStart, valueEnd);
          const rewritten = rewriteName(name, this.toKey);
          if (rewritten !== name) this.replace(valueStart, valueEnd, Buffer.from(JSON.stringify(rewritten), 'utf8'));
        }
      }
      at = this.space(valueEnd);
      if (text[at] === 0x2c) {
        at = this.space(at + 1);
        continue;
      }
      if (text[at] === 0x7d) {
        if (keyed) this.replaced++;
        return at + 1;
      }
      throw new Error('bad object');
    }
  }

  /** 'iKey', 'name' or undefined for any other member (escaped spellings are decoded). */
  private memberName(start: number, end: number): 'iKey' | 'name' | undefined {
    const length = end - start;
    if (length === 6) {
      // Byte by byte: Buffer#compare with offsets costs more than the whole scan around it.
      if (this.equals(start, I_KEY)) return 'iKey';
      if (this.equals(start, NAME)) return 'name';
      return undefined;
    }
    // "\u0069Key" and the like: at most 6 characters each for 4 letters.
    if (length > 26 || !this.hasBackslash(start, end)) return undefined;
    const decoded = this.stringValue(start, end);
    return decoded === 'iKey' || decoded === 'name' ? decoded : undefined;
  }

  private equals(start: number, token: Buffer): boolean {
    for (let index = 0; index < token.length; index++) if (this.text[start + index] !== token[index]) return false;
    return true;
  }

  private hasBackslash(start: number, end: number): boolean {
    for (let index = start; index < end; index++) if (this.text[index] === BACKSLASH) return true;
    return false;
  }

  private stringValue(start: number, end: number): string {
    if (!this.hasBackslash(start, end)) return this.text.toString('utf8', start + 1, end - 1);
    return JSON.parse(this.text.toString('utf8', start, end)) as string;
  }

  private replace(start: number, end: number, token: Buffer): void {
    if (token.length === end - start) {
      token.copy(this.text, start);
      return;
    }
    this.pieces.push(this.text.subarray(this.copiedTo, start), token);
    this.copiedTo = end;
  }

  /** The index after the string token starting at `at` (a quote): native indexOf to the closing quote. */
  private stringEnd(at: number): number {
    const text = this.text;
    let from = at + 1;
    for (;;) {
      const quote = text.indexOf(QUOTE, from);
      if (quote < 0) throw new Error('unterminated string');
      let slashes = 0;
      while (text[quote - 1 - slashes] === BACKSLASH) slashes++;
      if (slashes % 2 === 0) return quote + 1;
      from = quote + 1;
    }
  }

  /** The index after the JSON value starting at `at`. */
  private valueEnd(at: number): number {
    const text = this.text;
    const length = text.length;
    const first = text[at];
    if (first === QUOTE) return this.stringEnd(at);
    if (first !== 0x7b && first !== 0x5b) {
      // A number, true, false or null: up to the next delimiter.
      let end = at;
      while (end < length && !isDelimiter(text[end])) end++;
      if (end === at) throw new Error('no value');
      return end;
    }
    let depth = 0;
    let index = at;
    while (index < length) {
      const byte = text[index++];
      if (byte === QUOTE) {
        index = this.stringEnd(index - 1);
      } else if (byte === 0x7b || byte === 0x5b) {
        depth++;
      } else if (byte === 0x7d || byte === 0x5d) {
        if (--depth === 0) return index;
      }
    }
    throw new Error('unterminated value');
  }

  private space(at: number): number {
    const text = this.text;
    while (at < text.length && (text[at] === 0x20 || text[at] === 0x0a || text[at] === 0x0d || text[at] === 0x09)) at++;
    return at;
  }
}

function isDelimiter(byte: number): boolean {
  return byte === 0x2c || byte === 0x7d || byte === 0x5d || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
