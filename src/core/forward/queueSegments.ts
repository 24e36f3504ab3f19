/**
 * What a queue file holds (layout 2): one JSON header line listing the segments, then every
 * segment's JSON array gzipped, back to back. A segment is one accepted batch (≤ 512 items, ≤ 1 MB
 * of JSON) written under the relay's local key, usually the request body exactly as the app sent
 * it: accepting costs no per-item serialisation, and sending swaps the key in the bytes (see
 * `rewriteKeys`, which touches only each envelope's iKey and keyed name) instead of parsing. gzip keeps the disk small and its CRC flags a damaged
 * segment. Files of layout 1 (`.ndjson`, one envelope per line) are still read.
 * Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import { isKeyedName, withKey } from './keyRewrite';

/** A segment as the header lists it. */
export interface SegmentInfo {
  /** The local key its items carry (in iKey and in keyed names). */
  readonly key: string;
  readonly items: number;
  /** Length of its JSON text. */
  readonly bytes: number;
  /** Length of its gzip member in the file. */
  readonly packedBytes: number;
  /**
   * True when no item has a keyed name (so sending may swap the iKeys by counting, see
   * `swapLiteralKeys`); absent in files of earlier versions, which are swapped by the walk.
   */
  readonly literalKeys?: boolean;
}

export interface PackedSegment extends SegmentInfo {
  readonly packed: Buffer;
}

/** A segment before compression: the JSON array text and its item count. */
export interface SegmentText {
  readonly text: Buffer;
  readonly items: number;
  /** No item has a keyed name (see {@link SegmentInfo.literalKeys}). */
  readonly literalKeys: boolean;
}

const LAYOUT = 'azmon-forward-queue/2';

export function encodeQueueFile(segments: readonly PackedSegment[]): Buffer {
  const header = {
    layout: LAYOUT,
    segments: segments.map(({ key, items, bytes, packedBytes, literalKeys }) =>
      literalKeys ? { key, items, bytes, packedBytes, literalKeys } : { key, items, bytes, packedBytes },
    ),
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), ...segments.map((segment) => segment.packed)]);
}

/**
 * The whole segments of a file's content. A file cut short (a crash of the machine, a full disk)
 * keeps every segment that ends before the cut: the torn one and those after it are left out (the
 * ledger counts them as damaged from the item count in the file name). Throws only when the header
 * itself is damaged or cut.
 */
export function decodeQueueFile(content: Buffer): PackedSegment[] {
  const newline = content.indexOf(0x0a);
  const header = JSON.parse(content.subarray(0, newline < 0 ? 0 : newline).toString('utf8')) as { layout?: unknown; segments?: unknown };
  if (header.layout !== LAYOUT || !Array.isArray(header.segments)) throw new Error('not a forward queue file');
  let offset = newline + 1;
  const segments: PackedSegment[] = [];
  for (const info of header.segments as SegmentInfo[]) {
    if (typeof info?.key !== 'string' || !(info.items > 0) || !(info.packedBytes > 0)) throw new Error('a damaged segment list');
    if (offset + info.packedBytes > content.length) break; // torn here: keep what came before
    segments.push({
      key: info.key,
      items: info.items,
      bytes: info.bytes,
      packedBytes: info.packedBytes,
      ...(info.literalKeys === true ? { literalKeys: true } : {}),
      packed: content.subarray(offset, offset + info.packedBytes),
    });
    offset += info.packedBytes;
  }
  return segments;
}

/**
 * The segments to write for an accepted batch. `body`, the request's JSON array as received, is
 * used as it is when every item already carries exactly the local key and it fits one request;
 * otherwise the items are re-serialised under the local key, ≤ `maxItems` and ≤ `maxBytes` each.
 */
export function segmentsFor(
  envelopes: readonly Envelope[],
  localKey: string,
  body: Buffer | undefined,
  maxItems: number,
  maxBytes: number,
): SegmentText[] {
  const keyed = envelopes.map((envelope) => withKey(envelope, localKey));
  if (body && envelopes.length <= maxItems && body.length <= maxBytes && keyed.every((envelope, index) => envelope === envelopes[index])) {
    return [{ text: body, items: envelopes.length, literalKeys: noKeyedNames(envelopes) }];
  }
  const segments: SegmentText[] = [];
  for (let start = 0; start < keyed.length; start += maxItems) {
    splitBySize(keyed.slice(start, start + maxItems), maxBytes, segments);
  }
  return segments;
}

function splitBySize(items: readonly Envelope[], maxBytes: number, into: SegmentText[]): void {
  const text = Buffer.from(JSON.stringify(items), 'utf8');
  if (text.length <= maxBytes || items.length === 1) {
    into.push({ text, items: items.length, literalKeys: noKeyedNames(items) });
    return;
  }
  const half = Math.ceil(items.length / 2);
  splitBySize(items.slice(0, half), maxBytes, into);
  splitBySize(items.slice(half), maxBytes, into);
}

/** The items' text inside a JSON array (without the brackets), for joining segments into one request. */
export function arrayInner(text: Buffer): Buffer {
  return text.subarray(text.indexOf(0x5b /* [ */) + 1, text.lastIndexOf(0x5d /* ] */));
}

/** No envelope has a keyed name: the segment's iKeys may be swapped by counting (`swapLiteralKeys`). */
function noKeyedNames(envelopes: readonly Envelope[]): boolean {
  return !envelopes.some((envelope) => isKeyedName(envelope.name));
}
