/**
 * Turns a request body as the relay received it (a JSON array of envelopes, any whitespace) into
 * the history's form: one compact envelope per line, without parsing it into objects and
 * serialising it again (what costs the most per item). One pass over the UTF-8 bytes: whitespace
 * outside strings goes, the array's brackets go, its top-level commas become newlines, and a
 * `\uXXXX` escape of a printable character becomes the character itself (what JSON.stringify
 * writes), so search sees the same text either way. Plain Node: never import `vscode` here.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * The envelopes of `body` (a JSON array already accepted by JSON.parse) as JSON lines joined by
 * `\n`, or undefined when the bytes are not an array of exactly `expectedItems` values (the caller
 * then serialises the parsed envelopes instead). Never longer than `body`.
 */
export function jsonArrayToLines(body: Buffer, expectedItems: number): Buffer | undefined {
  const out = Buffer.allocUnsafe(body.length);
  let written = 0;
  // Bytes kept as they are are copied in spans (most bodies are compact: one span per item).
  let spanStart = 0;
  let depth = 0;
  let items = 0;
  let inString = false;
  let closed = false;
  let valueStarted = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === QUOTE) inString = false;
      else if (byte === BACKSLASH) {
        const escaped = body[i + 1];
        if (escaped === 0x2f /* \/ */) {
          written += body.copy(out, written, spanStart, i);
          out[written++] = 0x2f;
          spanStart = i + 2;
          i++;
          continue;
        }
        if (escaped === 0x75 /* \u */) {
          const before = written + body.copy(out, written, spanStart, i);
          const decoded = unescapeCodeUnit(body, i, out, before);
          if (decoded) {
            written = decoded.written;
            spanStart = decoded.next;
            i = decoded.next - 1;
            continue;
          }
          written = before; // kept as it is: a new span starts at the escape
          spanStart = i;
        }
        i++; // the escaped character is part of the string
      }
      continue;
    }
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) {
      written += body.copy(out, written, spanStart, i);
      spanStart = i + 1;
      continue;
    }
    if (closed) return undefined; // text after the array
    if (depth === 0) {
      if (byte !== 0x5b /* [ */) return undefined;
      depth = 1;
      spanStart = i + 1;
      continue;
    }
    if (depth === 1) {
      if (byte === 0x5d /* ] */ || byte === COMMA) {
        if (byte === COMMA && !valueStarted) return undefined;
        written += body.copy(out, written, spanStart, i);
        spanStart = i + 1;
        if (byte === COMMA) {
          out[written++] = NEWLINE;
          valueStarted = false;
        } else {
          depth = 0;
          closed = true;
        }
        continue;
      }
      if (!valueStarted) {
        valueStarted = true;
        items++;
      }
    }
    if (byte === QUOTE) inString = true;
    else if (byte === 0x7b /* { */ || byte === 0x5b /* [ */) depth++;
    else if (byte === 0x7d /* } */ || byte === 0x5d /* ] */) depth--;
  }
  if (!closed || inString || items !== expectedItems) return undefined;
  return out.subarray(0, written);
}

/**
 * At `body[at]` = `\` followed by `u`: writes the UTF-8 of the escaped character when JSON.stringify
 * would write it as itself (not a control character, quote or backslash; a surrogate only as a
 * whole pair). Undefined leaves the escape as it is.
 */
function unescapeCodeUnit(body: Uint8Array, at: number, out: Buffer, written: number): { written: number; next: number } | undefined {
  const unit = hex4(body, at + 2);
  if (unit < 0x20 || unit === QUOTE || unit === BACKSLASH) return undefined;
  let codePoint = unit;
  let next = at + 6;
  if (unit >= 0xd800 && unit <= 0xdfff) {
    if (unit > 0xdbff || body[next] !== BACKSLASH || body[next + 1] !== 0x75) return undefined;
    const low = hex4(body, next + 2);
    if (low < 0xdc00 || low > 0xdfff) return undefined;
    codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
    next += 6;
  }
  if (codePoint < 0x80) {
    out[written++] = codePoint;
  } else if (codePoint < 0x800) {
    out[written++] = 0xc0 | (codePoint >> 6);
    out[written++] = 0x80 | (codePoint & 0x3f);
  } else if (codePoint < 0x10000) {
    out[written++] = 0xe0 | (codePoint >> 12);
    out[written++] = 0x80 | ((codePoint >> 6) & 0x3f);
    out[written++] = 0x80 | (codePoint & 0x3f);
  } else {
    out[written++] = 0xf0 | (codePoint >> 18);
    out[written++] = 0x80 | ((codePoint >> 12) & 0x3f);
    out[written++] = 0x80 | ((codePoint >> 6) & 0x3f);
    out[written++] = 0x80 | (codePoint & 0x3f);
  }
  return { written, next };
}

/** The value of four hex digits at `at`, or -1. */
function hex4(body: Uint8Array, at: number): number {
  if (at + 4 > body.length) return -1;
  let value = 0;
  for (let i = at; i < at + 4; i++) {
    const byte = body[i];
    const digit =
      byte >= 0x30 && byte <= 0x39
        ? byte - 0x30
        : byte >= 0x61 && byte <= 0x66
          ? byte - 0x57
          : byte >= 0x41 && byte <= 0x46
            ? byte - 0x37
            : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}
