/**
 * Instrumentation-key rewriting. The disk queue holds envelopes with the relay's local session key
 * only; the real key is put in at send time, so it never touches disk. Envelope names of the form
 * `Microsoft.ApplicationInsights.<key without dashes>.<Type>` carry the key too and are rewritten
 * the same way. Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';

/** `Microsoft.ApplicationInsights.<32 hex>.<Type>`: the key-bearing name form. */
const KEYED_NAME = /^(Microsoft\.ApplicationInsights\.)([0-9a-f]{32})(\..+)$/i;

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
 * A JSON text written under `fromKey` with every occurrence of that key (and of its 32-hex name
 * form) replaced by `toKey`: the send-time rewrite of a whole queued segment, without parsing it.
 * Keys of equal length (GUIDs) are overwritten in place, so pass a buffer the caller owns.
 * `replaced` counts the dashed form standing as a whole JSON string (`"<key>"`), so the caller can
 * tell a segment whose iKeys were spelled some other way (JSON escapes) and fall back to parsing.
 */
export function rewriteKeys(text: Buffer, fromKey: string, toKey: string): { readonly body: Buffer; readonly replaced: number } {
  const dashed = replaceAll(text, fromKey, toKey);
  return { body: replaceAll(dashed.body, compactKey(fromKey), compactKey(toKey)).body, replaced: dashed.quoted };
}

function replaceAll(text: Buffer, from: string, to: string): { body: Buffer; quoted: number } {
  const needle = Buffer.from(from, 'utf8');
  const replacement = Buffer.from(to, 'utf8');
  const inPlace = needle.length === replacement.length;
  const pieces: Buffer[] = [];
  let start = 0;
  let quoted = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    if (text[at - 1] === 0x22 && text[at + needle.length] === 0x22) quoted++;
    if (inPlace) {
      replacement.copy(text, at);
    } else {
      pieces.push(text.subarray(start, at), replacement);
      start = at + needle.length;
    }
  }
  if (pieces.length === 0 || from === to) return { body: text, quoted };
  pieces.push(text.subarray(start));
  return { body: Buffer.concat(pieces), quoted };
}
