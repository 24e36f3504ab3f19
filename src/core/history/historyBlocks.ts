/**
 * What a history segment file holds: blocks back to back, each written by one `write` at the end
 * of the file (append-only, never rewritten):
 *
 *   "AZH1" | items u32 | filter bytes u32 | packed bytes u32 | crc32 u32 | filter | packed
 *
 * `packed` is the gzip of the block's envelopes as JSON, one per line; `filter` is the Bloom
 * filter of its words (searchIndex.ts); the CRC covers the first 16 header bytes and the filter
 * (gzip carries its own CRC). A crash mid-write leaves a last block that ends past the end of the
 * file (a torn tail): it is cut on open and everything before it kept. A header that does not
 * check out is damage: the blocks before it are kept and the file is never appended to again.
 * Plain Node: never import `vscode` here.
 */
import * as zlib from 'zlib';

export const BLOCK_MAGIC = 'AZH1';
export const BLOCK_HEADER_BYTES = 20;
/** Untrusted files: a block header claiming more than this is damage, not a block to allocate for. */
export const MAX_BLOCK_PART_BYTES = 64 * 1024 * 1024;

export interface BlockHeader {
  readonly items: number;
  readonly filterBytes: number;
  readonly packedBytes: number;
  readonly crc: number;
}

export function encodeBlock(items: number, filter: Buffer, packed: Buffer): Buffer {
  const header = Buffer.alloc(BLOCK_HEADER_BYTES);
  header.write(BLOCK_MAGIC, 0, 'latin1');
  header.writeUInt32LE(items, 4);
  header.writeUInt32LE(filter.length, 8);
  header.writeUInt32LE(packed.length, 12);
  header.writeUInt32LE(headerCrc(header, filter), 16);
  return Buffer.concat([header, filter, packed]);
}

/** The header at the start of `bytes`, or undefined when it is not one (damage). */
export function decodeHeader(bytes: Buffer): BlockHeader | undefined {
  if (bytes.length < BLOCK_HEADER_BYTES || bytes.toString('latin1', 0, 4) !== BLOCK_MAGIC) return undefined;
  const items = bytes.readUInt32LE(4);
  const filterBytes = bytes.readUInt32LE(8);
  const packedBytes = bytes.readUInt32LE(12);
  if (items === 0 || filterBytes > MAX_BLOCK_PART_BYTES || packedBytes === 0 || packedBytes > MAX_BLOCK_PART_BYTES) return undefined;
  return { items, filterBytes, packedBytes, crc: bytes.readUInt32LE(16) };
}

export function filterChecksOut(headerBytes: Buffer, filter: Buffer, header: BlockHeader): boolean {
  return headerCrc(headerBytes, filter) === header.crc;
}

function headerCrc(header: Buffer, filter: Buffer): number {
  return zlib.crc32(filter, zlib.crc32(header.subarray(0, 16)));
}
